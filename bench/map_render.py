"""Benchmark: the map with many posts (issue 5, targets 1 and 4).

Makes a session store of N made-up located posts (cities weighted by
population, jittered), opens the real main window offscreen, reopens that
session so every point travels store -> controller -> bridge -> page, then
measures, on the page's own clock:

- redraw after a pan or a zoom: from the call to the second animation frame
  after it (the frame that shows the new drawing), median and p95;
- click to popup: a click at a post's pixel (a real mouse event) until its
  popup is in the DOM, the post's text fetched from the store on demand (or,
  where several posts share the spot, the first page of their list);
- resident memory of the app's processes (Python and QtWebEngine's);
- the naive way in the same run: one Leaflet circleMarker per post on a
  canvas renderer, at a smaller N (it does not survive 1M), pan redraw.

Run: `.venv/bin/python bench/map_render.py [--posts 1000000] [--naive 50000]`
(offscreen; about a minute for 1M).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import offscreen_scratch_env

offscreen_scratch_env()

from bench.common import Driver, make_session_store, process_tree_rss_mb  # noqa: E402

PAN_JS = """
(() => {
  const map = GeoTweets.map;
  window.__frames = window.__frames || [];
  const t0 = performance.now();
  %s
  window.__draws = window.__draws || [];
  window.__draws.push(GeoTweets.lastDraw().ms);
  requestAnimationFrame(() => requestAnimationFrame(() => {
    window.__frames.push(performance.now() - t0);
  }));
  return true;
})()
"""

NAIVE_JS = """
(() => {
  const map = GeoTweets.map;
  const renderer = L.canvas();
  const group = L.layerGroup();
  const pts = GeoTweets.points();
  const n = Math.min(%d, pts.count);
  for (let i = 0; i < n; i++) {
    const ll = map.unproject([pts.xy[2 * i], pts.xy[2 * i + 1]], 0);
    group.addLayer(L.circleMarker(ll, {renderer: renderer, radius: 4}));
  }
  GeoTweets.map.removeLayer(GeoTweets.pointsLayer);
  group.addTo(map);
  window.__naive = group;
  return n;
})()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--naive", type=int, default=50_000)
    parser.add_argument("--pans", type=int, default=15)
    args = parser.parse_args()

    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401

    from geotweets_desktop.paths import store_path

    t = time.perf_counter()
    session_id = make_session_store(store_path(), args.posts)
    print(f"made a store of {args.posts:,} posts in {time.perf_counter() - t:.1f} s")

    driver = Driver()
    store, window = driver.store, driver.window

    wait, js = driver.wait, driver.js

    session = store.session(session_id)
    t = time.perf_counter()
    window.controller.open_session(session)
    wait(
        lambda: json.loads(js("JSON.stringify(GeoTweets.stats().points)")) == session.located,
        timeout=600,
    )
    load_s = time.perf_counter() - t
    print(
        f"points on the page: {session.located:,} loaded from the store in {load_s:.1f} s "
        f"({session.located / load_s:,.0f} points/s)"
    )

    def frames(moves: list[str]) -> list[float]:
        js("window.__frames = []; window.__draws = []; true")
        for k, move in enumerate(moves, start=1):
            js(PAN_JS % move)
            wait(lambda k=k: js("window.__frames.length") >= k)
        draws = json.loads(js("JSON.stringify(window.__draws)"))
        if js("!window.__naive"):
            print(
                f"  (of which the points layer's own drawing: median "
                f"{statistics.median(draws):.1f} ms, max {max(draws):.1f} ms)"
            )
        return list(json.loads(js("JSON.stringify(window.__frames)")))

    def report(label: str, values: list[float]) -> None:
        values = sorted(values)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(
            f"{label}: median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, "
            f"min {values[0]:.1f}, max {values[-1]:.1f} ms ({len(values)} redraws)"
        )

    pans = [f"map.panBy([{d}, {d // 2}], {{animate: false}});" for d in ([200, -200] * args.pans)]
    for zoom in (2, 4, 5, 7):
        js(f"GeoTweets.map.setView([30, 10], {zoom}, {{animate: false}}); true")
        wait(lambda: True)
        mode = json.loads(js("JSON.stringify(GeoTweets.lastDraw().mode)"))
        report(f"pan redraw at zoom {zoom} ({mode}), {session.located:,} points", frames(pans))
    zooms = [f"map.setZoom({z}, {{animate: false}});" for z in [3, 4, 5, 4] * (args.pans // 2)]
    report(f"zoom redraw, {session.located:,} points", frames(zooms))
    tiles = []
    for z in [3, 4, 5, 6] * 2:
        js(
            "(() => { window.__tiles = 0; const t0 = performance.now();"
            " GeoTweets.basemap.once('load', () => {"
            " window.__tiles = performance.now() - t0; });"
            f" GeoTweets.map.setZoom({z}, {{animate: false}}); return true; }})()"
        )
        wait(lambda: js("window.__tiles") > 0)
        tiles.append(float(js("window.__tiles")))
    report("zoom until every offline basemap tile is drawn", tiles)

    # Click to popup: real mouse clicks at points' pixels.
    js("GeoTweets.map.setView([48.85, 2.35], 9, {animate: false}); true")
    latencies = []
    target = window.map_view.focusProxy() or window.map_view
    for _ in range(10):
        index = json.loads(js("JSON.stringify(GeoTweets.visiblePointIndex())"))
        if index < 0:
            break
        x, y = json.loads(js(f"JSON.stringify(GeoTweets.pointPixel({index}))"))
        js("GeoTweets.map.closePopup(); window.__popupAt = 0; true")
        started = time.perf_counter()
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))
        # A post's popup, or the list of a stack's posts when several share the spot.
        wait(lambda: js("!!document.querySelector('.gt-popup, .gt-stack-row')"), timeout=10)
        latencies.append((time.perf_counter() - started) * 1000)
    if latencies:
        report("click to popup (measured from Python, includes polling)", latencies)

    print(
        f"resident memory, app processes: {process_tree_rss_mb(os.getpid()):,.0f} MB "
        f"with {session.located:,} points on the map"
    )

    # The naive way, same page, same data: one Leaflet circleMarker per post.
    js("GeoTweets.map.setView([30, 10], 4, {animate: false}); true")
    t = time.perf_counter()
    n = js(NAIVE_JS % args.naive)
    print(f"naive: {n:,} L.circleMarker layers added in {time.perf_counter() - t:.1f} s")
    report(f"naive pan redraw at zoom 4, {n:,} circleMarkers", frames(pans[:6]))

    driver.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
