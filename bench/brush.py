"""Benchmark: brushing the timeline and playing it back at N posts (issue 10,
brush and playback; issue 13 target 7).

Makes a session store of N made-up located posts spread over a week, opens
the real main window offscreen and reopens that session, then measures on
the page's own clock:

- a brush move: the filter's brush set to a window a step further on (what a
  drag does once a frame), from the call to the second animation frame after
  it (the frame that shows the map redrawn, the legend and the timeline's
  overlay updated), median and p95, zoomed out (density) and in (pixels);
- playback: frames a second while the brushed window plays through the week
  at a day a second, sliding;
- the naive way in the same run: a brush move that asks SQLite for the posts
  in the range (from the same store file) and hands them to the page to draw
  instead, from the query to the second frame after the page has them all.

Run: `.venv/bin/python bench/brush.py [--posts 1000000] [--moves 30]`
(offscreen; a few minutes at 1M).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import offscreen_scratch_env

offscreen_scratch_env()

from bench.common import Driver, make_session_store, summary  # noqa: E402

DAYS = 7
START = datetime(2026, 11, 28, 12, tzinfo=UTC).timestamp()  # make_session_store's first post

# Sets the brush and records, on the page's clock, the time to the second
# frame after it and the time the call itself took (filter, map, legend).
BRUSH_JS = """
(() => {
  window.__frames = window.__frames || [];
  window.__calls = window.__calls || [];
  const t0 = performance.now();
  GeoTweets.pointsLayer.filter().setBrush([%f, %f]);
  window.__calls.push(performance.now() - t0);
  requestAnimationFrame(() => requestAnimationFrame(() => {
    window.__frames.push(performance.now() - t0);
  }));
  return true;
})()
"""

NAIVE_SELECT = (
    "SELECT rowid, lon, lat, kind, terms, created_at FROM posts"
    " WHERE session_id = ? AND lon IS NOT NULL AND created_at >= ? AND created_at < ?"
    " ORDER BY rowid"
)


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--naive-moves", type=int, default=5)
    args = parser.parse_args()

    from geotweets_desktop.core.store import StoredPoint
    from geotweets_desktop.paths import store_path

    t = time.perf_counter()
    session_id = make_session_store(store_path(), args.posts, days=DAYS)
    print(
        f"made a store of {args.posts:,} posts over {DAYS} days in {time.perf_counter() - t:.1f} s"
    )

    driver = Driver()
    store, window = driver.store, driver.window
    wait, js = driver.wait, driver.js
    session = store.session(session_id)
    window.controller.open_session(session)
    wait(lambda: js("GeoTweets.stats().points") == session.located, timeout=600)
    wait(lambda: js("GeoTweets.timelineBins().step") > 0, timeout=60)
    print(
        f"points on the page: {session.located:,}; bins of {js('GeoTweets.timelineBins().step')} s"
    )

    # A six-hour window dragged along the week, a step of 1/4 of it a move.
    width = 6 * 3600.0
    moves = [(START + k * width / 4, START + k * width / 4 + width) for k in range(args.moves)]

    def brush_moves() -> tuple[list[float], list[float]]:
        js("window.__frames = []; window.__calls = []; true")
        for k, (t0, t1) in enumerate(moves, start=1):
            js(BRUSH_JS % (t0, t1))
            wait(lambda k=k: js("window.__frames.length") >= k)
        return (
            list(json.loads(js("JSON.stringify(window.__frames)"))),
            list(json.loads(js("JSON.stringify(window.__calls)"))),
        )

    for zoom in (2, 5):
        js(f"GeoTweets.map.setView([30, 10], {zoom}, {{animate: false}}); true")
        wait(lambda: True)
        frames, calls = brush_moves()
        mode = js("GeoTweets.lastDraw().mode")
        shown = js("GeoTweets.stats().shown")
        summary(f"brush move at zoom {zoom} ({mode}), {session.located:,} points", frames)
        print(
            f"  (of which the brush call itself, filter + map + legend: "
            f"median {statistics.median(calls):.1f} ms, max {max(calls):.1f} ms; "
            f"{shown:,} points in the last window)"
        )

    # Playback: a day a second through the week, sliding, looping.
    js("GeoTweets.map.setView([30, 10], 2, {animate: false}); true")
    js(f"GeoTweets.pointsLayer.filter().setBrush([{START}, {START + width}]); true")
    js(
        "(() => { const p = GeoTweets.playback(); p.setSpeed(86400); p.setLoop(true);"
        " window.__play = [performance.now(), p.frames]; p.play(); return true; })()"
    )
    seconds = 5.0
    end = time.monotonic() + seconds
    wait(lambda: time.monotonic() > end, timeout=seconds + 30)
    played = json.loads(
        js(
            "(() => { const p = GeoTweets.playback(); p.pause();"
            " return JSON.stringify([(performance.now() - window.__play[0]) / 1000,"
            " p.frames - window.__play[1]]); })()"
        )
    )
    print(
        f"playback at 1 day/s, {session.located:,} points: {played[1] / played[0]:.1f} frames/s "
        f"({played[1]} frames in {played[0]:.1f} s)"
    )

    # The naive way: each brush move asks SQLite for the range and redraws what it returns.
    js("GeoTweets.pointsLayer.filter().clear(); true")
    db = sqlite3.connect(f"file:{store_path()}?mode=ro", uri=True)
    bridge = window.map_view.bridge
    naive = []
    for t0, t1 in moves[: args.naive_moves]:
        started = time.perf_counter()
        rows = db.execute(NAIVE_SELECT, (session_id, iso(t0), iso(t1))).fetchall()
        points = [
            StoredPoint(
                r[0],
                r[1],
                r[2],
                r[3],
                tuple(json.loads(r[4])),
                datetime.fromisoformat(r[5]).timestamp(),
            )
            for r in rows
        ]
        bridge.clear_points()
        bridge.add_points(points)
        count = len(points)
        wait(lambda count=count: js("GeoTweets.stats().points") == count, timeout=120)
        js(
            "window.__drawn = false; requestAnimationFrame(() => requestAnimationFrame(() =>"
            " { window.__drawn = true; })); true"
        )
        wait(lambda: js("window.__drawn"))
        naive.append((time.perf_counter() - started) * 1000)
    db.close()
    summary(
        f"naive brush move (SQLite query of the range, the page redrawn with it; "
        f"about {len(points):,} points a window)",
        naive,
    )
    driver.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
