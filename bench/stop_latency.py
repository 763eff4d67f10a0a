"""Benchmark: how long Stop takes in each state of the live X stream (issue 3).

Runs the real X stream source (tweepy underneath) against the loopback fake of
X's API (tests/fake_x) and stops it: while connected between keep-alives (X's
real 20 s gap), while waiting out a 60 s back-off after a 429, while the
server has gone silent mid-stream, and while connections are being refused.
Prints the time from `stop()` to the source's thread having ended, for the
source in this process (as `collect` runs it) and as the window runs it, in
a process of its own that stores into the session (`--stream-for-window`:
its stop also stores what it holds and lets the process end).

Run: `.venv/bin/python bench/stop_latency.py [--runs 5]`
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fake_x import DEFAULT_TOKEN, FakeX, Silence  # noqa: E402
from helpers import RecordingSink  # noqa: E402

from geotweets_desktop.core.store import SessionStore  # noqa: E402
from geotweets_desktop.sources.x_stream import XStreamSource  # noqa: E402
from geotweets_desktop.sources.x_stream_apart import XStreamApartSource  # noqa: E402


def stop_after(ready: Any, setup: Any = None, *, apart: bool = False) -> float:
    """Start a source, wait until `ready(fake, sink)`, stop it; seconds to join."""
    with FakeX(keepalive_interval=20.0) as fake, tempfile.TemporaryDirectory() as scratch:
        os.environ["GEOTWEETS_X_API_URL"] = fake.base_url
        if setup:
            setup(fake)
        source: Any = XStreamSource(["rain"], DEFAULT_TOKEN)
        if apart:
            store = SessionStore(Path(scratch) / "sessions.db")
            source = XStreamApartSource(source)
            source.store_path = store.path
            source.session_id = store.start_session(source.label, ["rain"], False)
            store.close()
        sink = RecordingSink()
        thread = threading.Thread(target=source.run, args=(sink,))
        thread.start()
        assert fake.wait_until(lambda: ready(fake, sink), timeout=30)
        time.sleep(0.3)
        started = time.perf_counter()
        source.stop()
        thread.join(10)
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    states = {
        "live, between keep-alives (20 s gap)": (
            lambda f, s: f.open_streams == 1 and "live" in s.states,
            None,
        ),
        "waiting out a 60 s back-off (429)": (
            lambda f, s: "reconnecting" in s.states,
            lambda f: f.fail_next_connection(429, times=3),
        ),
        "server silent mid-stream": (
            lambda f, s: f.open_streams == 1,
            lambda f: f.script_next_connection(Silence(30)),
        ),
    }
    for label, (ready, setup) in states.items():
        for apart, way in ((False, "in this process"), (True, "the window's, a process apart")):
            times = [stop_after(ready, setup, apart=apart) * 1000 for _ in range(args.runs)]
            print(
                f"stop while {label}, {way}: median {statistics.median(times):.1f} ms, "
                f"max {max(times):.1f} ms ({args.runs} runs)"
            )
    os.environ["GEOTWEETS_X_API_URL"] = "http://127.0.0.1:9"  # refused
    times = []
    for _ in range(args.runs):
        source = XStreamSource(["rain"], DEFAULT_TOKEN)
        sink = RecordingSink()
        thread = threading.Thread(target=source.run, args=(sink,))
        thread.start()
        time.sleep(0.5)
        started = time.perf_counter()
        source.stop()
        thread.join(10)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"stop while connections are refused (retrying): median "
        f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms ({args.runs} runs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
