"""Where the map page's parts are, and the check that none lies over another
or past an edge: shared by the offscreen tests and the real-window probe."""

from __future__ import annotations

import json
from typing import Any

# JSON of the page's parts: its size, the map, the lists panel and its post
# list, the timeline, whether the lists and the legend are folded, and every
# map control in sight (zoom, modes, areas, legend, chips, scale, attribution).
LAYOUT_SCRIPT = """JSON.stringify({
  page: [window.innerWidth, window.innerHeight],
  map: GeoTweets.map.getContainer().getBoundingClientRect(),
  panel: document.querySelector('.gt-lists').getBoundingClientRect(),
  list: document.querySelector('.gt-post-list').getBoundingClientRect(),
  timeline: document.querySelector('.gt-timeline').getBoundingClientRect(),
  folded: document.querySelector('.gt-lists').classList.contains('gt-collapsed'),
  legendFolded: document.querySelector('.gt-legend').classList.contains('gt-collapsed'),
  controls: Array.from(document.querySelectorAll('.leaflet-control'))
    .filter(function (c) { return c.offsetParent !== null; })
    .map(function (c) {
      const r = c.getBoundingClientRect();
      return {name: c.className, left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    }),
})"""


def layout(page: Any) -> dict[str, Any]:
    """What LAYOUT_SCRIPT says of the page (tests/gui/conftest.py's `Page`)."""
    shown: dict[str, Any] = json.loads(page.eval(LAYOUT_SCRIPT))
    return shown


def resize(qtbot: Any, window: Any, page: Any, width: int, height: int) -> None:
    """The window to this size, once the page inside has followed."""
    window.resize(width, height)
    qtbot.waitUntil(lambda: abs(layout(page)["page"][0] - width) < 40, timeout=5_000)


def assert_nothing_overlaps_or_is_cut_off(shown: dict[str, Any]) -> None:
    """The panel beside the map, the timeline under it, all within the page;
    every control inside the map and clear of every other."""
    width, height = shown["page"]
    map_box, panel, timeline = shown["map"], shown["panel"], shown["timeline"]
    assert panel["right"] <= width + 1 and panel["bottom"] <= height + 1, panel
    assert timeline["bottom"] <= height + 1 and timeline["top"] >= map_box["bottom"] - 1, timeline
    assert map_box["right"] <= panel["left"] + 1, "side by side, not over the map"
    controls = shown["controls"]
    for c in controls:
        inside = (
            c["left"] >= map_box["left"] - 1
            and c["right"] <= map_box["right"] + 1
            and c["top"] >= map_box["top"] - 1
            and c["bottom"] <= map_box["bottom"] + 1
        )
        assert inside, f"{c['name']} is cut off by the map's edge {map_box}: {c}"
    for i, a in enumerate(controls):
        for b in controls[i + 1 :]:
            apart = (
                a["right"] <= b["left"] + 1
                or b["right"] <= a["left"] + 1
                or a["bottom"] <= b["top"] + 1
                or b["bottom"] <= a["top"] + 1
            )
            assert apart, f"{a['name']} overlaps {b['name']}: {a} {b}"
