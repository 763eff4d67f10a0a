"""Shared helpers for the benchmarks: made-up data and process measurements."""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from geotweets_desktop.core.gazetteer import gazetteer
from geotweets_desktop.core.post import LOCATION_KINDS
from geotweets_desktop.core.store import SessionStore


def made_up_points(n: int, seed: int = 1) -> list[tuple[float, float, str]]:
    """n (lon, lat, kind) near real cities, weighted by population, jittered."""
    rng = random.Random(seed)
    cities = gazetteer().cities
    weights = [c.population for c in cities]
    chosen = rng.choices(cities, weights=weights, k=n)
    out = []
    for city in chosen:
        lon = max(-180.0, min(180.0, city.lon + rng.gauss(0, 0.15)))
        lat = max(-85.0, min(85.0, city.lat + rng.gauss(0, 0.1)))
        out.append((lon, lat, LOCATION_KINDS[rng.randrange(len(LOCATION_KINDS))]))
    return out


def make_session_store(
    path: Path,
    n: int,
    terms: tuple[str, ...] = ("rain", "sun"),
    *,
    days: int = 0,
    unlocated_every: int = 0,
    raw_bytes: int = 0,
    text: Callable[[int], str] = lambda i: f"made-up post {i}",
    lang: Callable[[int], str] = lambda i: "und",
    author: Callable[[int], str] = lambda i: "bench",
    place: Callable[[float, float], str] = lambda lon, lat: "",
) -> int:
    """A session of n made-up posts, written straight into the store's tables.

    All at one moment, or spread evenly over `days` days; all located, or
    every `unlocated_every`-th post without a place; `text`, `lang`, `author`
    (a handle) and `place` (a label, from the point) make each post's fields.
    With `raw_bytes`, each
    post carries a payload of that many random bytes (X's compressed payloads
    are one or two KB), so walking the table reads as much as a real one."""
    payloads = [os.urandom(raw_bytes) for _ in range(1_000)] if raw_bytes else ["{}"]
    start = datetime(2026, 11, 28, 12, tzinfo=UTC)
    step = timedelta(days=days) / n if days else timedelta(0)
    store = SessionStore(path)
    session_id = store.start_session("Benchmark (synthetic)", list(terms), synthetic=True)
    store.end_session(session_id)
    store.close()
    db = sqlite3.connect(path)
    term_json = [json.dumps([t]) for t in terms]
    rows = (
        (
            session_id,
            str(10**18 + i),
            (start + step * i).isoformat(),
            0.0,
            "Bench (demo)",
            author(i),
            text(i),
            lang(i),
            term_json[i % len(terms)],
            *(
                (None, None, None, None)
                if unlocated_every and i % unlocated_every == 0
                else (lon, lat, kind, 1000.0)
            ),
            place(lon, lat),
            payloads[i % len(payloads)],
        )
        for i, (lon, lat, kind) in enumerate(made_up_points(n))
    )
    with db:
        db.executemany(
            "INSERT INTO posts (session_id, post_id, created_at, received_at, author_name,"
            " author_handle, text, lang, terms, lon, lat, kind, radius_m, place_label, raw)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    db.close()
    # The map's columns, as the store's own writers would have kept them.
    store = SessionStore(path)
    session = store.session(session_id)
    assert session is not None
    for _ in store.build_point_blobs(session, 50_000):
        pass
    store.close()
    return session_id


def percentile(values: list[float], share: float) -> float:
    """The value `share` of the way up the sorted values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(label: str, values: list[float], unit: str = "moves") -> None:
    """Prints the median, p95, min and max of the times (ms) of `unit`."""
    print(
        f"{label}: median {statistics.median(values):.1f} ms, "
        f"p95 {percentile(values, 0.95):.1f} ms, "
        f"min {min(values):.1f}, max {max(values):.1f} ms ({len(values)} {unit})"
    )


def app_processes(root: int) -> dict[int, str]:
    """A process and its descendants (Linux /proc), each with what it is:
    QtWebEngine's zygote forks the renderers, which keep its command line."""
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


@dataclass(frozen=True, slots=True)
class ProcessMemory:
    """One process's memory, in MB (Linux: /proc/PID/smaps_rollup).

    - `rss`: its resident pages, shared ones included in full;
    - `pss`: the same with each shared page divided among the processes
      that map it (QtWebEngine's 150 MB library is mapped by every one of
      the app's processes);
    - `uss`: the pages only it maps (what ending it would give back).
    """

    name: str
    rss: float
    pss: float
    uss: float


@dataclass(frozen=True, slots=True)
class AppMemory:
    """The memory of the app's processes, each and summed.

    Summed RSS counts a page shared by n processes n times; summed PSS counts
    it once, so it is what the app costs the machine: 13.5's target is judged
    on `pss`. Both are printed (RSS is what `top` shows each process at)."""

    processes: tuple[ProcessMemory, ...]

    @property
    def rss(self) -> float:
        return sum(p.rss for p in self.processes)

    @property
    def pss(self) -> float:
        return sum(p.pss for p in self.processes)

    @property
    def uss(self) -> float:
        return sum(p.uss for p in self.processes)

    def line(self) -> str:
        """The sums on one line: "PSS 541 MB (RSS 742, USS 429; 4 processes)"."""
        return (
            f"PSS {self.pss:,.0f} MB (RSS {self.rss:,.0f}, USS {self.uss:,.0f}; "
            f"{len(self.processes)} processes)"
        )

    def by_process(self) -> str:
        """Each process's PSS / RSS on one line."""
        return ", ".join(
            f"{p.name} {p.pss:,.0f} / {p.rss:,.0f}"
            for p in sorted(self.processes, key=lambda p: -p.pss)
        )


def app_memory(root: int, leave_out: int | None = None) -> AppMemory:
    """The memory of process `root` and its descendants (the app: Python and
    QtWebEngine's processes), without `leave_out`'s tree (a benchmark's feeder)."""
    skip = set(app_processes(leave_out)) if leave_out is not None else set()
    found = []
    for pid, name in app_processes(root).items():
        if pid in skip:
            continue
        kb: dict[str, int] = {}
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) == 3 and parts[2] == "kB":
                        kb[parts[0]] = int(parts[1])
        except OSError:
            continue  # ended meanwhile
        private = kb.get("Private_Clean:", 0) + kb.get("Private_Dirty:", 0)
        found.append(
            ProcessMemory(name, kb.get("Rss:", 0) / 1024, kb.get("Pss:", 0) / 1024, private / 1024)
        )
    return AppMemory(tuple(found))


def ways_command_line(
    description: str, ways: Sequence[str], measure: Callable[[str, int], object]
) -> argparse.Namespace:
    """The command line of a benchmark that measures each of its `ways` in a
    fresh process (run by `measure_ways`): in such a child, prints
    `measure(way, session_id)` as JSON and exits; else returns the arguments."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--way", choices=ways, help=argparse.SUPPRESS)
    parser.add_argument("--session", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:  # a child: one way, in a process of its own, on the parent's store
        os.environ["GEOTWEETS_DATA_DIR"] = args.data_dir
        print(json.dumps(measure(args.way, args.session)))
        sys.exit(0)
    return args


def measure_ways(
    script: str, ways: Sequence[str], session_id: int, data_dir: Path
) -> dict[str, Any]:
    """Each way measured by `script` in a child process of its own, on the
    session `session_id` of the store in `data_dir`: what each printed."""
    results = {}
    on = ("--session", str(session_id), "--data-dir", str(data_dir))
    for way in ways:
        child = subprocess.run(
            [sys.executable, script, "--way", way, *on],
            capture_output=True,
            text=True,
            check=True,
        )
        results[way] = json.loads(child.stdout.strip().splitlines()[-1])
    return results


class Driver:
    """The real main window, opened for a benchmark (offscreen, 1280 x 800, on
    the data folder the environment names): wait for conditions while the Qt
    event loop keeps running, ask the map page questions, close it all."""

    def __init__(self, chromium_switches: list[str] | None = None) -> None:
        """`chromium_switches`: instead of the app's own (`ui.app.chromium_switches`)."""
        from geotweets_desktop.paths import store_path
        from geotweets_desktop.ui.app import create_application
        from geotweets_desktop.ui.main_window import MainWindow
        from geotweets_desktop.ui.settings import AppSettings

        self.app = create_application(switches=chromium_switches)
        self.store = SessionStore(store_path())
        self.window = MainWindow(self.store, AppSettings())
        self.window.resize(1280, 800)
        self.window.show()
        self.wait(lambda: self.window.map_view.bridge.is_ready)

    def wait(self, condition: Callable[[], object], timeout: float = 180.0) -> None:
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError("the app did not get there in time")
            self.app.processEvents()
            time.sleep(0.001)

    def js(self, script: str) -> Any:
        box: dict[str, object] = {}
        self.window.map_view.page().runJavaScript(script, 0, lambda r: box.setdefault("v", r))
        self.wait(lambda: "v" in box, timeout=30)
        return box["v"]

    def close(self) -> None:
        from geotweets_desktop.ui.app import dispose

        self.window.close()
        dispose(self.window)
        self.store.close()
