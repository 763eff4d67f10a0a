"""Benchmark: the map with many posts (issue 5, targets 1 and 4).

Makes a session store of N made-up located posts (cities weighted by
population, jittered), opens the real main window offscreen, reopens that
session so every point travels store -> controller -> bridge -> page, then
measures, on the page's own clock:

- redraw after a pan or a zoom: from the call to the second animation frame
  after it (the frame that shows the new drawing), median and p95; per drawing
  mode (density, pixels, circles, heat), zoom p50/p95 and pan p95, with the
  naive way beside each: the same layer redrawing every point without the
  grid (for heat: re-binning every point on every move, as a heat-map plugin
  does);
- click to popup: a click at a post's pixel (a real mouse event) until its
  popup is in the DOM, the post's text fetched from the store on demand (or,
  where several posts share the spot, the first page of their list);
- resident memory of the app's processes (Python and QtWebEngine's);
- the naive way in the same run: one Leaflet circleMarker per post on a
  canvas renderer, at a smaller N (it does not survive 1M), pan redraw.

Run: `.venv/bin/python bench/map_render.py [--posts 1000000] [--naive 50000]`
(offscreen; a few minutes for 1M).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import offscreen_scratch_env

offscreen_scratch_env()

from bench.common import (  # noqa: E402
    Driver,
    app_memory,
    make_session_store,
    percentile,
    summary,
)

PAN_JS = """
(() => {
  const map = GeoTweets.map;
  window.__frames = window.__frames || [];
  const t0 = performance.now();
  %s
  window.__draws = window.__draws || [];
  window.__draws.push(GeoTweets.lastDraw());
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


# Each drawing mode where it is the one drawn at a million posts: the layer's
# mode, the view's centre, the zooms stepped through, the zoom panned at.
MODE_VIEWS = {
    "density": ("points", [30, 10], [3, 4, 3, 2], 3),
    "pixels": ("points", [48, 5], [6, 7, 6, 5], 6),
    "circles": ("points", [-33.9, 18.4], [8, 9, 10, 9], 9),
    "heat": ("heat", [30, 10], [3, 4, 5, 4], 3),
}

# The naive way of each mode on the same layer and data: every point walked on
# every redraw, no grid. Pixels and density write each point's pixel (density
# too, at its zooms); circles arc every point in view; heat re-bins every
# point into 4 px squares and colours them by log(count), as heat-map
# plugins do on each move.
NAIVE_REDRAW_JS = """
(() => {
  const layer = GeoTweets.pointsLayer;
  const map = GeoTweets.map;
  const mode = %s;
  function naive() {
    const started = performance.now();
    const f = layer._frame();
    const canvas = layer._canvas;
    L.DomUtil.setPosition(canvas, f.topLeft);
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, f.width, f.height);
    const pts = layer.points();
    const xy = pts.xy;
    const w = f.width, h = f.height;
    if (mode === "circles") {
      const path = new Path2D();
      for (let i = 0; i < pts.count; i++) {
        const x = xy[2 * i] * f.scale - f.ox, y = xy[2 * i + 1] * f.scale - f.oy;
        if (x < 0 || y < 0 || x >= w || y >= h) continue;
        path.moveTo(x + 5, y);
        path.arc(x, y, 5, 0, 2 * Math.PI);
      }
      ctx.fillStyle = "#1f77b4";
      ctx.fill(path);
    } else if (mode === "heat") {
      const side = 4, bw = Math.ceil(w / side), bh = Math.ceil(h / side);
      const bins = new Uint32Array(bw * bh);
      let max = 0;
      for (let i = 0; i < pts.count; i++) {
        const x = xy[2 * i] * f.scale - f.ox, y = xy[2 * i + 1] * f.scale - f.oy;
        if (x < 0 || y < 0 || x >= w || y >= h) continue;
        const b = ((y / side) | 0) * bw + ((x / side) | 0);
        bins[b] += 1;
        if (bins[b] > max) max = bins[b];
      }
      const image = ctx.createImageData(w, h);
      const buf = new Uint32Array(image.data.buffer);
      for (let b = 0; b < bins.length; b++) {
        if (!bins[b]) continue;
        const level = Math.round((255 * Math.log(1 + bins[b])) / Math.log(1 + max));
        const c = ((225 << 24) | (40 << 16) | ((255 - level) << 8) | 255) >>> 0;
        const x0 = (b %% bw) * side, y0 = Math.floor(b / bw) * side;
        const x1 = Math.min(w, x0 + side);
        for (let y = y0; y < Math.min(h, y0 + side); y++) buf.fill(c, y * w + x0, y * w + x1);
      }
      ctx.putImageData(image, 0, 0);
    } else {
      const image = ctx.createImageData(w, h);
      const buf = new Uint32Array(image.data.buffer);
      for (let i = 0; i < pts.count; i++) {
        const x = (xy[2 * i] * f.scale - f.ox) | 0, y = (xy[2 * i + 1] * f.scale - f.oy) | 0;
        if (x < 1 || y < 1 || x >= w - 1 || y >= h - 1) continue;
        buf[y * w + x] = 0xffb4771f;
      }
      ctx.putImageData(image, 0, 0);
    }
    layer.lastRedrawMs = performance.now() - started;
    layer.drawMode = "naive " + mode;
  }
  map.off("moveend resize", layer.redraw, layer);
  map.on("moveend resize", naive);
  window.__naiveRedraw = naive;
  return true;
})()
"""

RESTORE_REDRAW_JS = """
(() => {
  const map = GeoTweets.map, layer = GeoTweets.pointsLayer;
  map.off("moveend resize", window.__naiveRedraw);
  map.on("moveend resize", layer.redraw, layer);
  layer.redraw();
  return true;
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

    def frames(moves: list[str]) -> tuple[list[float], list[dict[str, Any]]]:
        """Each move's time to the frame that shows it, and the layer's own
        drawing after it ({ms, mode})."""
        js("window.__frames = []; window.__draws = []; true")
        for k, move in enumerate(moves, start=1):
            js(PAN_JS % move)
            wait(lambda k=k: js("window.__frames.length") >= k)
        draws = json.loads(js("JSON.stringify(window.__draws)"))
        return list(json.loads(js("JSON.stringify(window.__frames)"))), draws

    pans = [f"map.panBy([{d}, {d // 2}], {{animate: false}});" for d in ([200, -200] * args.pans)]

    def measure(mode: str, *, naive: bool) -> tuple[list[float], list[float], list[dict[str, Any]]]:
        layer_mode, centre, zooms, pan_zoom = MODE_VIEWS[mode]
        js(f"GeoTweets.pointsLayer.setMode({json.dumps(layer_mode)}); true")
        if naive:
            js(NAIVE_REDRAW_JS % json.dumps(mode))
        js(f"GeoTweets.map.setView({centre}, {zooms[-1]}, {{animate: false}}); true")
        zoom_ms, zoom_draws = frames(
            [f"map.setZoom({z}, {{animate: false}});" for z in zooms * (args.pans // 2)]
        )
        js(f"GeoTweets.map.setView({centre}, {pan_zoom}, {{animate: false}}); true")
        pan_ms, pan_draws = frames(pans)
        if naive:
            js(RESTORE_REDRAW_JS)
        js("GeoTweets.pointsLayer.setMode('points'); true")
        return zoom_ms, pan_ms, zoom_draws + pan_draws

    def zoom_and_pan(zoom_ms: list[float], pan_ms: list[float]) -> str:
        return (
            f"zoom p50 {statistics.median(zoom_ms):.1f} ms, p95 {percentile(zoom_ms, 0.95):.1f};"
            f" pan p50 {statistics.median(pan_ms):.1f}, p95 {percentile(pan_ms, 0.95):.1f}"
        )

    print(f"redraw per mode, {session.located:,} points (to the frame that shows it):")
    for mode in MODE_VIEWS:
        zoom_ms, pan_ms, draws = measure(mode, naive=False)
        naive_zoom, naive_pan, naive_draws = measure(mode, naive=True)
        drawn = sorted({d["mode"] for d in draws})
        own = [d["ms"] for d in draws]
        naive_own = [d["ms"] for d in naive_draws]
        print(
            f"  {mode:8} {zoom_and_pan(zoom_ms, pan_ms)} (layer's drawing p50 "
            f"{statistics.median(own):.1f}, p95 {percentile(own, 0.95):.1f}; drawn as "
            f"{'/'.join(drawn)})\n"
            f"  {'naive':8} {zoom_and_pan(naive_zoom, naive_pan)} (layer's drawing p50 "
            f"{statistics.median(naive_own):.1f}, p95 {percentile(naive_own, 0.95):.1f}; every "
            f"point walked, no grid) -> zoom p95 "
            f"{percentile(naive_zoom, 0.95) / percentile(zoom_ms, 0.95):.1f}x, pan p95 "
            f"{percentile(naive_pan, 0.95) / percentile(pan_ms, 0.95):.1f}x the grid's"
        )
    tiles = []
    js("GeoTweets.map.setView([30, 10], 2, {animate: false}); true")
    for z in [3, 4, 5, 6] * 2:
        js(
            "(() => { window.__tiles = 0; const t0 = performance.now();"
            " GeoTweets.basemap.once('load', () => {"
            " window.__tiles = performance.now() - t0; });"
            f" GeoTweets.map.setZoom({z}, {{animate: false}}); return true; }})()"
        )
        wait(lambda: js("window.__tiles") > 0)
        tiles.append(float(js("window.__tiles")))
    summary("zoom until every offline basemap tile is drawn", tiles, "redraws")

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
        summary("click to popup (measured from Python, includes polling)", latencies, "redraws")

    print(
        f"memory of the app's processes: {app_memory(os.getpid()).line()} "
        f"with {session.located:,} points on the map"
    )

    # The naive way, same page, same data: one Leaflet circleMarker per post.
    js("GeoTweets.map.setView([30, 10], 4, {animate: false}); true")
    t = time.perf_counter()
    n = js(NAIVE_JS % args.naive)
    print(f"naive: {n:,} L.circleMarker layers added in {time.perf_counter() - t:.1f} s")
    summary(f"naive pan redraw at zoom 4, {n:,} circleMarkers", frames(pans[:6])[0], "redraws")

    driver.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
