"""Benchmark: replaying a big archive in the window, as fast as possible, keeps it responsive.

Makes a made-up v2 archive (bench/archives.py, as bench/ingest.py), opens the
real main window offscreen and replays the archive "as fast as possible"
three times into the same window: the old way (`ReplaySource` reading on
the window's worker thread, stored by the store writer, the points sent as
JSON) and today's way (a replay process of its own,
`sources/fast_replay.py`, whose reader processes store straight into the
session, the page fetching each batch's point blobs), started cold (as
`geotweets --replay FILE`) and as File → Open archive starts it (with the
dialog, ready by the time a file is picked; the dialog's time is not
counted). A 10 ms timer on the
GUI thread measures the event loop's lag all the while; the figures are
the posts per second until every point was on the map, the worst lag, the
99th percentile, how long the GUI thread spent in each flush, and the CPU
seconds each process took (on a loaded machine the wall time is mostly
waiting for a core; the CPU says where the work went).

Run: `.venv/bin/python bench/replay_window.py [--posts 100000] [--shape full|compact]`
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PICKING_A_FILE_S = 3.0  # how long the benchmark's "user" takes in the archive dialog


def timed(calls: list[float], method: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        started = time.perf_counter()
        method()
        calls.append((time.perf_counter() - started) * 1000)

    return run


def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """User + system CPU seconds of a live process, or of one of its threads (Linux /proc)."""
    path = f"/proc/{pid}/stat" if thread is None else f"/proc/{pid}/task/{thread}/stat"
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def renderer_cpu_seconds() -> dict[int, float]:
    """CPU seconds of each live QtWebEngine process (the page's renderer and its kin)."""
    seconds: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if "QtWebEngine" in f.read():
                        seconds[int(entry)] = cpu_seconds(int(entry))
            except OSError:
                continue
    return seconds


def renderer_cpu_since(before: dict[int, float]) -> float:
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in renderer_cpu_seconds().items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--shape", choices=["full", "compact"], default="full")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench import offscreen_scratch_env

    scratch = offscreen_scratch_env()

    from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401

    from bench.archives import make_archive
    from bench.common import Driver, percentile, process_tree_rss_mb
    from geotweets_desktop.core.gazetteer import gazetteer
    from geotweets_desktop.paths import cache_dir
    from geotweets_desktop.sources.factory import prepare_fast_replay
    from geotweets_desktop.sources.replay import ReplaySource

    class Delivering(QObject):
        def __init__(self, deliver: Callable[[], None]) -> None:
            super().__init__()
            self._deliver = deliver

        def deliver(self) -> None:
            self._deliver()

    archive = scratch / "archive.jsonl"
    make_archive(archive, args.posts, args.shape)
    size_kb = archive.stat().st_size / args.posts / 1024
    # Built once and kept in the cache folder, as after the app's first replay
    # (the replay process reads it from there); not part of these figures.
    gazetteer(cache_dir())
    driver = Driver()
    store, window = driver.store, driver.window
    controller: Any = window.controller
    wait, js = driver.wait, driver.js

    lags: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        lags.append((now - last[0]) * 1000 - 10)
        last[0] = now

    flushes: list[float] = []
    deliveries: list[float] = []
    controller.flush = timed(flushes, controller.flush)
    # The writer's signal reaches the GUI thread queued; a QObject living there
    # times each delivery in the controller's place.
    delivering = Delivering(timed(deliveries, controller._deliver_written))
    controller._written.disconnect()
    controller._written.connect(delivering.deliver, Qt.ConnectionType.QueuedConnection)
    timer = QTimer()
    timer.timeout.connect(tick)
    first_counted: list[float] = []  # when the controller first counted posts stored
    controller.statsChanged.connect(lambda: first_counted or first_counted.append(time.monotonic()))
    # Not app.quit(): in Qt 6 it closes the windows too.
    replaying = QEventLoop()
    controller.sourceFinished.connect(lambda _source: replaying.quit())

    def while_the_dialog_is_open() -> None:
        """As File → Open archive: the replay process starts with the dialog,
        and is ready (a second or so) before the user has picked a file."""
        prepare_fast_replay()
        end = time.monotonic() + PICKING_A_FILE_S
        wait(lambda: time.monotonic() > end)

    ways: list[tuple[str, Callable[[], None], Callable[[], None]]] = [
        (
            "one thread (old way)",
            lambda: None,
            lambda: controller.start(ReplaySource(archive, [], speed=None)),
        ),
        (
            "replay process, started cold (as `geotweets --replay FILE`)",
            lambda: None,
            lambda: window.start_replay(archive, [], None),
        ),
        (
            "replay process, started with the archive dialog (File → Open archive)",
            while_the_dialog_is_open,
            lambda: window.start_replay(archive, [], None),
        ),
    ]
    print(
        f"archive: {args.posts:,} posts of {size_kb:.1f} KB ({args.shape}); "
        f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    for name, before, start in ways:
        before()
        lags.clear()
        flushes.clear()
        deliveries.clear()
        first_counted.clear()
        last[0] = time.monotonic()
        timer.start(10)
        times_before = os.times()
        gui_thread_before = cpu_seconds(os.getpid(), os.getpid())
        renderer_before = renderer_cpu_seconds()
        started = time.monotonic()
        start()
        session_id = controller.session_id
        # The controller says when the source has ended and its last posts are
        # stored. The real event loop runs meanwhile (no polling of ours in it).
        replaying.exec()
        # The controller's own count, not a query of the store: the lag timer is
        # still running, and a count over a million rows would stall the loop
        # (the benchmark's doing, not the app's).
        located = controller.stats.located
        wait(lambda n=located: json.loads(js("JSON.stringify(GeoTweets.stats().points)")) == n)
        took = time.monotonic() - started
        timer.stop()
        times_after = os.times()
        gui_thread_cpu = cpu_seconds(os.getpid(), os.getpid()) - gui_thread_before
        gui_cpu = (times_after.user - times_before.user) + (
            times_after.system - times_before.system
        )
        # Children that ended and were waited for: the replay process and its readers.
        replay_cpu = (times_after.children_user - times_before.children_user) + (
            times_after.children_system - times_before.children_system
        )
        renderer_cpu = renderer_cpu_since(renderer_before)
        session = store.session(session_id)
        assert session is not None and session.located == located, (session, located)
        print(
            f"{name}: replayed {args.posts:,} posts in the window ({session.received:,} "
            f"stored), {located:,} on the map after "
            f"{took:.1f} s ({args.posts / took:,.0f} posts/s); "
            f"event loop lag worst {max(lags):.0f} ms, p99 {percentile(lags, 0.99):.0f} ms, "
            f"median {percentile(lags, 0.5):.1f} ms ({len(lags):,} ticks of 10 ms)",
            flush=True,
        )
        in_deliveries = (
            f"{len(deliveries):,} deliveries of written batches, "
            f"p99 {percentile(deliveries, 0.99):.1f} ms, max {max(deliveries):.0f} ms"
            if deliveries
            else "no store writer deliveries"
        )
        first = f"{first_counted[0] - started:.2f} s" if first_counted else "never"
        print(
            f"  GUI thread: {len(flushes):,} flushes, p99 {percentile(flushes, 0.99):.1f} ms, "
            f"max {max(flushes):.0f} ms; {in_deliveries}; first posts counted after {first}",
            flush=True,
        )
        print(
            f"  CPU seconds: window process {gui_cpu:.1f} (its GUI thread {gui_thread_cpu:.1f}), "
            f"replay process and readers "
            f"{replay_cpu:.1f}, page (QtWebEngine) {renderer_cpu:.1f}; "
            f"{1e6 * (gui_cpu + replay_cpu + renderer_cpu) / args.posts:.0f} µs a post in all; "
            f"resident memory, app processes: {process_tree_rss_mb(os.getpid()):,.0f} MB",
            flush=True,
        )
    driver.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
