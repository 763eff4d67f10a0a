"""Benchmark: replaying a big archive in the window, as fast as possible, keeps it responsive.

Makes a made-up v2 archive (bench/archives.py, as bench/ingest.py), opens the
real main window offscreen and replays the archive "as fast as possible"
twice into the same window: the old way (`ReplaySource` reading on the
window's worker thread) and through File → Open archive's code path today
(the forked reader processes of `collect --replay`, `sources/fast_replay.py`).
Both store through the store writer and draw on the map. A 10 ms timer on
the GUI thread measures the event loop's lag all the while; the figures are
the posts per second until every point was on the map, the worst lag, the
99th percentile, and how long the GUI thread spent in each flush and each
delivery of written batches.

Run: `.venv/bin/python bench/replay_window.py [--posts 100000]`
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


def timed(calls: list[float], method: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        started = time.perf_counter()
        method()
        calls.append((time.perf_counter() - started) * 1000)

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench import offscreen_scratch_env

    scratch = offscreen_scratch_env()

    from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401

    from bench.archives import make_archive
    from bench.common import Driver, app_memory, percentile
    from geotweets_desktop.core.gazetteer import gazetteer
    from geotweets_desktop.sources.replay import ReplaySource

    class Delivering(QObject):
        def __init__(self, deliver: Callable[[], None]) -> None:
            super().__init__()
            self._deliver = deliver

        def deliver(self) -> None:
            self._deliver()

    archive = scratch / "archive.jsonl"
    make_archive(archive, args.posts)
    gazetteer().load_all()  # built once at start-up in the app too; not part of this figure
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
    # Not app.quit(): in Qt 6 it closes the windows too.
    replaying = QEventLoop()
    controller.sourceFinished.connect(lambda _source: replaying.quit())

    ways: list[tuple[str, Callable[[], None]]] = [
        ("one thread (old way)", lambda: controller.start(ReplaySource(archive, [], speed=None))),
        ("reader processes", lambda: window.start_replay(archive, [], None)),
    ]
    for name, start in ways:
        lags.clear()
        flushes.clear()
        deliveries.clear()
        last[0] = time.monotonic()
        timer.start(10)
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
        print(
            f"  GUI thread: {len(flushes):,} flushes, p99 {percentile(flushes, 0.99):.1f} ms, "
            f"max {max(flushes):.0f} ms; {len(deliveries):,} deliveries of written batches, "
            f"p99 {percentile(deliveries, 0.99):.1f} ms, max {max(deliveries):.0f} ms; "
            f"memory of the app's processes: {app_memory(os.getpid()).line()}",
            flush=True,
        )
    driver.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
