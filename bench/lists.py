"""Benchmark: the lists beside the map at N posts (issue 10 item 5; issue 13 target 7).

Makes a session store of N made-up located posts spread over a week (cities
weighted by population; a few languages, many authors, hashtags in the
text), opens the real main window offscreen and reopens that session, then
measures on the page's own clock, from the call to the lists shown anew
(the settling delay included):

- after a pan, zoomed out and in, with the newest posts shown and with a
  top list (hashtags) shown;
- after a brush move (the filter's brush set a step further on);
- the naive way in the same run, on the same store file: per move, SQLite
  counts the posts in the view and the brushed range, takes the newest 50
  and groups by language, place and author (four GROUP BYs; hashtags, which
  the store keeps only in the text, left out, which favours it);
- the text filter's search of the session (Python, Unicode-aware), beside
  SQLite's LIKE (ASCII case only).

Run: `.venv/bin/python bench/lists.py [--posts 1000000] [--moves 20]`
(offscreen; a few minutes at 1M).
"""

from __future__ import annotations

import argparse
import json
import random
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
START = datetime(2026, 11, 28, 12, tzinfo=UTC)
LANGS = ["en", "es", "pt", "fr", "ja", "ar", "und", "de", "it", "tr"]

# Runs a move and records, on the page's clock, the time to the lists'
# next update and the part of it spent working them out.
MOVE_JS = """
(() => {
  window.__lists = window.__lists || [];
  const t0 = performance.now();
  GeoTweets.listsPanel.once("listsupdate", function (e) {
    window.__lists.push([performance.now() - t0, e.computeMs, e.rows]);
  });
  %s
  return true;
})()
"""

NAIVE = [
    "SELECT count(*) FROM posts WHERE {where}",
    "SELECT rowid FROM posts WHERE {where} ORDER BY created_at DESC LIMIT 50",
    "SELECT lang, count(*) c FROM posts WHERE {where} GROUP BY lang ORDER BY c DESC LIMIT 25",
    "SELECT place_label, count(*) c FROM posts WHERE {where}"
    " GROUP BY place_label ORDER BY c DESC LIMIT 25",
    "SELECT author_handle, count(*) c FROM posts WHERE {where}"
    " GROUP BY author_handle ORDER BY c DESC LIMIT 25",
]
WHERE = (
    "session_id = ? AND lon IS NOT NULL AND created_at >= ? AND created_at < ?"
    " AND lon >= ? AND lon < ? AND lat >= ? AND lat < ?"
)


def make_store(path: Path, n: int) -> int:
    """A session of n located posts over DAYS days: a few languages, many
    authors, hashtags in the text (a long tail of each)."""
    rng = random.Random(3)

    def text(i: int) -> str:
        tags = " ".join(f"#tag{int(rng.paretovariate(1.2)) % 3000}" for _ in range(i % 3))
        return f"made-up post {i} {tags}"

    return make_session_store(
        path,
        n,
        days=DAYS,
        text=text,
        lang=lambda i: LANGS[min(len(LANGS) - 1, int(rng.expovariate(0.5)))],
        author=lambda i: f"user{int(rng.paretovariate(0.8)) % 200_000}",
        place=lambda lon, lat: f"Place {round(lon)} {round(lat)}",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--naive-moves", type=int, default=5)
    args = parser.parse_args()

    from geotweets_desktop.paths import store_path

    t = time.perf_counter()
    session_id = make_store(store_path(), args.posts)
    print(f"made a store of {args.posts:,} posts in {time.perf_counter() - t:.1f} s")

    driver = Driver()
    store, window = driver.store, driver.window
    wait, js = driver.wait, driver.js
    session = store.session(session_id)
    assert session is not None
    window.controller.open_session(session)
    wait(lambda: js("GeoTweets.stats().points") == session.located, timeout=600)
    print(f"points on the page: {session.located:,}")

    def moves(label: str, steps: list[str]) -> None:
        js("window.__lists = []; true")
        for k, step in enumerate(steps, start=1):
            time.sleep(0.25)  # a user's pace: the lists space updates that never stop
            js(MOVE_JS % step)
            wait(lambda k=k: js("window.__lists.length") >= k)
        done = json.loads(js("JSON.stringify(window.__lists)"))
        summary(label, [d[0] for d in done])
        computed = [d[1] for d in done]
        print(
            f"  (working out the rows: median {statistics.median(computed):.1f} ms; "
            f"{done[-1][2]:,} posts listed after the last move)"
        )

    pans = [f"GeoTweets.map.panBy([{d}, {d // 2}], {{animate: false}});" for d in [200, -200]]
    pans = pans * (args.moves // 2)
    for tab in ("posts", "tags"):
        js(f"GeoTweets.listsPanel.showTab('{tab}'); true")
        for zoom in (2, 5):
            js(f"GeoTweets.map.setView([30, 10], {zoom}, {{animate: false}}); true")
            wait(lambda: js("!GeoTweets.listsPanel.updatePending()"))
            moves(f"lists after a pan at zoom {zoom}, {tab} shown", pans)
    js("GeoTweets.listsPanel.showTab('posts'); true")

    width = 6 * 3600.0
    start = START.timestamp()
    brushes = [
        f"GeoTweets.pointsLayer.filter().setBrush([{start + k * width / 4}, "
        f"{start + k * width / 4 + width}]);"
        for k in range(args.moves)
    ]
    js("GeoTweets.map.setView([30, 10], 2, {animate: false}); true")
    moves("lists after a brush move at zoom 2, posts shown", brushes)

    # The naive way: SQLite per move, over the same view and brushed ranges.
    def view() -> tuple[float, ...]:
        bounds = js("GeoTweets.map.getBounds().toBBoxString()")
        return tuple(float(b) for b in bounds.split(","))

    def naive(label: str, ranges: list[tuple[float, float]], bbox: tuple[float, ...]) -> None:
        west, south, east, north = bbox
        took = []
        with sqlite3.connect(store_path()) as db:
            for t0, t1 in ranges[: args.naive_moves]:
                since = datetime.fromtimestamp(t0, UTC).isoformat()
                until = datetime.fromtimestamp(t1, UTC).isoformat()
                params = (session_id, since, until, west, east, south, north)
                began = time.perf_counter()
                for query in NAIVE:
                    db.execute(query.format(where=WHERE), params).fetchall()
                took.append((time.perf_counter() - began) * 1000)
        summary(f"naive: SQLite count, newest 50 and 3 GROUP BYs per {label}", took)

    ranges = [(start + k * width / 4, start + k * width / 4 + width) for k in range(args.moves)]
    naive("brush move at zoom 2", ranges, view())
    js("GeoTweets.pointsLayer.filter().setBrush(null); true")
    js("GeoTweets.map.setView([30, 10], 5, {animate: false}); true")
    everything = (start - 1, start + DAYS * 86400 + 1)
    naive("pan at zoom 5 (all time)", [everything] * args.moves, view())

    # The text filter's search of the whole session, beside SQLite's LIKE
    # (which folds ASCII letters only).
    from geotweets_desktop.core.text_search import TextQuery, session_keys_containing

    began = time.perf_counter()
    found = session_keys_containing(store_path(), session_id, TextQuery("#TAG12"))
    ours = time.perf_counter() - began
    with sqlite3.connect(store_path()) as db:
        began = time.perf_counter()
        like = db.execute(
            "SELECT rowid FROM posts WHERE session_id = ? AND lon IS NOT NULL"
            " AND text LIKE '%#tag12%'",
            (session_id,),
        ).fetchall()
        naive_s = time.perf_counter() - began
    print(
        f"text filter '#TAG12' over {session.located:,} posts: {ours:.2f} s "
        f"({len(found or []):,} posts); SQLite LIKE: {naive_s:.2f} s ({len(like):,} posts)"
    )
    driver.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
