"""Benchmark: reopening a big stored session (issue 13, targets 1 and 5).

Writes a session of N made-up located posts through the store's own bulk
path (`SessionStore.add_rows`, as `collect --replay` does, so each batch
keeps its map columns), then opens the real window offscreen in a fresh
process for each way of reopening it and prints, for each:

- click to all drawn: from `open_session` (what a click in File →
  Sessions… calls) to the first redraw after the last point is in the page;
- CPU seconds each process of the app spent on it (on a loaded machine
  the wall time above is mostly waiting for a core; CPU time says what the
  work costs);
- resident memory per process of the app (Python, QtWebEngine's renderer,
  GPU and utility processes): the peak while loading and after, settled.

The ways, in the same run on the same file:
- `binary`: the app's way (columns as typed arrays through the custom scheme);
- `json`: the naive way, as the app did before: the session's points read
  row by row and sent to the page as JSON chunks of 5,000;
- `first`: a session stored without map columns (an older version's, an
  export's copy): built once from its rows, with progress, then sent binary.

Run: `.venv/bin/python bench/reopen.py [--posts 1000000]` (offscreen; a few
minutes for 1M, most of it writing the store).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import offscreen_scratch_env

SCRATCH = offscreen_scratch_env()

from bench.common import made_up_points  # noqa: E402

WAYS = ("binary", "json", "first")
WORDS = ("rain", "sun", "storm", "wind", "snow", "fog", "heat", "cloud")
LANGS = ("en", "es", "fr", "de", "ja", "pt", "ar", "und", "it", "tr")


def write_store(n: int) -> int:
    """A session of n located posts over a week: ~50k authors, ~3k place
    labels, a third of the posts with hashtags; written in batches of 5,000."""
    from geotweets_desktop.core.post import Location, Post
    from geotweets_desktop.core.store import SessionStore, post_row
    from geotweets_desktop.paths import store_path

    rng = random.Random(7)
    store = SessionStore(store_path())
    session_id = store.start_session("Benchmark (synthetic)", ["rain", "sun"], synthetic=True)
    start = datetime(2026, 11, 21, tzinfo=UTC)
    step = timedelta(days=7) / n
    batch = []
    for i, (lon, lat, kind) in enumerate(made_up_points(n)):
        words = rng.sample(WORDS, 2)
        tags = " ".join(f"#{w}{rng.randrange(40)}" for w in words) if i % 3 == 0 else ""
        terms = tuple(t for t in ("rain", "sun") if t in words)
        post = Post(
            id=str(10**18 + i),
            created_at=start + step * i,
            text=f"made-up post {i} about {words[0]} and {words[1]} {tags}",
            author_name="Bench (synthetic)",
            author_handle=f"bench_{rng.randrange(50_000)}",
            terms=terms,
            location=Location(lon, lat, kind, 1000.0, f"Place {rng.randrange(3_000)}"),
            raw="{}",
            lang=rng.choice(LANGS),
            synthetic=True,
        )
        batch.append(post_row(session_id, post, 0.0))
        if len(batch) == 5_000:
            store.add_rows(batch)
            batch = []
    if batch:
        store.add_rows(batch)
    store.end_session(session_id)
    store.close()
    return session_id


class RssSampler:
    """Peak resident memory of each process of the app, sampled every 50 ms."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak: dict[str, float] = {}
        self.peak_total = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.sample()

    def sample(self) -> dict[str, float]:
        now = rss_by_process(self.root)
        for name, mb in now.items():
            self.peak[name] = max(self.peak.get(name, 0.0), mb)
        self.peak_total = max(self.peak_total, sum(now.values()))
        return now

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def app_processes(root: int) -> dict[int, str]:
    """A process and its descendants, each with what it is: QtWebEngine's
    zygote forks the renderers, which keep its command line."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry))
    out: dict[int, str] = {}
    stack = [(root, "")]
    while stack:
        pid, parent_kind = stack.pop()
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        kind = next((a[7:].decode() for a in args if a.startswith(b"--type=")), "")
        if kind == "zygote" and parent_kind == "zygote":
            kind = "renderer"
        name = "Python (the app)" if pid == root else "other"
        out[pid] = f"QtWebEngine {kind}" if kind else name
        stack.extend((child, kind) for child in children.get(pid, []))
    return out


def rss_by_process(root: int) -> dict[str, float]:
    """Resident MB of a process and its descendants, by what each one is."""
    out: dict[str, float] = {}
    for pid, name in app_processes(root).items():
        try:
            with open(f"/proc/{pid}/status") as f:
                rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
        out[name] = out.get(name, 0.0) + rss / 1024
    return out


def pss_mb(root: int) -> float:
    """Proportional set size of the app's processes, in MB: RSS counts the
    pages of QtWebEngine's libraries in every process that maps them, PSS
    shares them out, so this is what the app costs the machine."""
    total_kb = 0
    for pid in app_processes(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total_kb += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total_kb / 1024


def cpu_by_process(root: int) -> dict[str, float]:
    """CPU seconds (user + system) each process of the app has used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for pid, name in app_processes(root).items():
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def timeline_total(js: Callable[[str], Any]) -> int:
    """Posts the page's timeline has counted (every made-up post has a time)."""
    time.sleep(0.05)
    return int(js("GeoTweets.timelineBins().counts[0].reduce((a, b) => a + b, 0)"))


def measure(way: str, session_id: int) -> dict[str, object]:
    """In this process: open the window, reopen the session one way, measure."""
    from bench.common import Driver

    driver = Driver()
    store, window, wait, js = driver.store, driver.window, driver.wait, driver.js
    session = store.session(session_id)
    assert session is not None
    if way == "first":
        store._db.execute("DELETE FROM point_blobs")
    time.sleep(1)  # let start-up work settle before sampling
    sampler = RssSampler(os.getpid())

    asked_at = [0.0]

    def loaded() -> dict[str, float]:
        """The page's load state, asked at most every 50 ms (asking costs
        both processes CPU time, which would count against the app)."""
        if time.monotonic() - asked_at[0] < 0.05:
            return {"points": -1, "loadedDrawnAt": 0}
        asked_at[0] = time.monotonic()
        return dict(json.loads(js("JSON.stringify(GeoTweets.loadState())")))

    cpu_before = cpu_by_process(os.getpid())
    started = time.time()
    if way == "json":
        window.controller.open_session(session)
        window.controller.clear()  # and send them as the app did before
        for chunk in store.points(session_id, 5_000):
            window.map_view.bridge.add_points(chunk)
            driver.app.processEvents()
        wait(lambda: loaded()["points"] == session.located, timeout=900)
        # The redraw of the last points happens on the next animation frame.
        js(
            "window.__f = 0; requestAnimationFrame(() => requestAnimationFrame(() => {"
            " window.__f = performance.timeOrigin + performance.now(); })); true"
        )
        wait(lambda: js("window.__f") > 0)
        drawn_ms = float(js("window.__f"))
    else:
        window.controller.open_session(session)
        wait(
            lambda: (s := loaded())["loadedDrawnAt"] > 0 and s["points"] == session.located,
            timeout=900,
        )
        asked_at[0] = 0.0
        drawn_ms = float(loaded()["loadedDrawnAt"])
    seconds = drawn_ms / 1000 - started
    # The timeline and lists count the points once they are all in (the
    # map first): when the timeline has counted every one, the page is
    # ready for a brush. Asked every 50 ms, so up to that late.
    wait(lambda: timeline_total(js) == session.located, timeout=900)
    ready_seconds = time.time() - started
    cpu = {
        name: used - cpu_before.get(name, 0.0) for name, used in cpu_by_process(os.getpid()).items()
    }
    loading_peak = dict(sampler.peak)
    time.sleep(3)
    settled = sampler.sample()
    settled_pss = pss_mb(os.getpid())
    sampler.stop()
    driver.close()
    return {
        "way": way,
        "points": session.located,
        "seconds": seconds,
        "ready_seconds": ready_seconds,
        "cpu": cpu,
        "peak": loading_peak,
        "peak_total": sampler.peak_total,
        "settled": settled,
        "settled_pss": settled_pss,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--way", choices=WAYS, help=argparse.SUPPRESS)
    parser.add_argument("--session", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.way:  # a child: one way, in a process of its own, on the parent's store
        os.environ["GEOTWEETS_DATA_DIR"] = args.data_dir
        print(json.dumps(measure(args.way, args.session)))
        return 0

    t = time.perf_counter()
    session_id = write_store(args.posts)
    took = time.perf_counter() - t
    print(f"wrote {args.posts:,} posts with add_rows in {took:.1f} s ({args.posts / took:,.0f}/s)")
    results = {}
    data_dir = ("--data-dir", str(SCRATCH))
    for way in WAYS:
        child = subprocess.run(
            [sys.executable, __file__, "--way", way, "--session", str(session_id), *data_dir],
            capture_output=True,
            text=True,
            check=True,
        )
        results[way] = json.loads(child.stdout.strip().splitlines()[-1])
    for way, label in (
        ("binary", "binary columns (the app)"),
        ("json", "JSON chunks (naive, as before)"),
        ("first", "first reopen of a session without columns (built once)"),
    ):
        r = results[way]
        print(
            f"{label}: click to all {r['points']:,} drawn in {r['seconds']:.2f} s"
            f" (timeline counted them at {r['ready_seconds']:.2f} s)"
        )
        cpu = ", ".join(f"{name} {s:.2f}" for name, s in sorted(r["cpu"].items()) if s >= 0.01)
        print(f"  CPU s: {cpu} (Python's includes the benchmark asking every 50 ms)")
        for stage in ("peak", "settled"):
            parts = ", ".join(f"{name} {mb:,.0f}" for name, mb in sorted(r[stage].items()))
            total = r["peak_total"] if stage == "peak" else sum(r[stage].values())
            print(f"  RSS MB {stage}: total {total:,.0f} ({parts})")
        print(f"  PSS MB settled (shared pages counted once): {r['settled_pss']:,.0f}")
    ratio = results["json"]["seconds"] / results["binary"]["seconds"]
    print(f"binary is {ratio:.1f}x faster than JSON")
    return 0


if __name__ == "__main__":
    sys.exit(main())
