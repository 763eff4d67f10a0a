"""Benchmark: the memory of the app's processes (issue 13, target 5).

For each way, a fresh process opens the real window (offscreen, 1280 x 800,
no online tiles) and measures each of the app's processes (Python and
QtWebEngine's), from /proc/PID/smaps_rollup:

- idle: the map up and start-up settled, nothing on it;
- 1M points: after reopening a stored session of N located posts (as
  File → Sessions… does), every point drawn, then 3 s to settle;
- the same after handing the C heap's free pages back (`malloc_trim`), to
  show what Python's allocator keeps of the reopen's passing allocations.

The ways, in the same run on the same store:
- `now`: the app as it is;
- `before`: as before the work on 13.5: the gazetteer built once the map
  is up (whether or not a post needs it), and QtWebEngine's zygote
  processes started although the sandbox they serve is off.

The target is judged on the sum of PSS (a page shared by several of the
app's processes counted once); the sum of RSS counts QtWebEngine's library
pages once in every process and is printed beside it. See bench/common.py.

Run: `.venv/bin/python bench/memory.py [--posts 1000000]` (a few minutes
for 1M, most of it writing the store).
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import measure_ways, ways_command_line
from bench.reopen import SCRATCH, write_store  # (sets up the scratch data folder)

WAYS = ("before", "now")
STAGES = (
    ("idle", "idle, no points"),
    ("points", "points drawn"),
    ("trimmed", "points drawn, after malloc_trim"),
)


def keep_running(driver: object, seconds: float) -> None:
    """Keep the event loop running for `seconds`."""
    end = time.monotonic() + seconds
    driver.wait(lambda: time.monotonic() > end)  # type: ignore[attr-defined]


def measure(way: str, session_id: int) -> dict[str, object]:
    """In this process: open the window one way, measure idle and with the points."""
    from bench.common import Driver, app_memory
    from geotweets_desktop import startup
    from geotweets_desktop.core.gazetteer import gazetteer_loaded

    driver = Driver(chromium_switches=[] if way == "before" else None)
    if way == "before":
        startup.settle()  # what the window did once the map was up
    keep_running(driver, 5)
    figures = {"idle": app_memory(os.getpid())}
    session = driver.store.session(session_id)
    assert session is not None
    driver.window.controller.open_session(session)

    def drawn() -> bool:
        state = json.loads(driver.js("JSON.stringify(GeoTweets.loadState())"))
        return bool(state["loadedDrawnAt"] > 0 and state["points"] == session.located)

    driver.wait(drawn, timeout=900)
    keep_running(driver, 3)
    figures["points"] = app_memory(os.getpid())
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    figures["trimmed"] = app_memory(os.getpid())
    loaded = gazetteer_loaded()
    driver.close()
    return {
        "located": session.located,
        "gazetteer": loaded,
        "stages": {
            stage: {"line": m.line(), "pss": m.pss, "rss": m.rss, "each": m.by_process()}
            for stage, m in figures.items()
        },
    }


def main() -> int:
    args = ways_command_line(__doc__.splitlines()[0], WAYS, measure)
    session_id = write_store(args.posts)
    results = measure_ways(__file__, WAYS, session_id, SCRATCH)
    print(f"memory of the app's processes, {results['now']['located']:,} points reopened")
    print("  per process: PSS / RSS MB")
    for stage, label in STAGES:
        for way in WAYS:
            r = results[way]["stages"][stage]
            print(f"  {label}, {way}: {r['line']}")
            print(f"      {r['each']}")
        before, now = (results[way]["stages"][stage] for way in WAYS)
        print(
            f"  {label}: now/before PSS {now['pss'] / before['pss']:.2f}, "
            f"RSS {now['rss'] / before['rss']:.2f}"
        )
    for way in WAYS:
        print(f"  gazetteer loaded by the end ({way}): {results[way]['gazetteer']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
