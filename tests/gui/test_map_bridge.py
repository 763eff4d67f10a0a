"""The typed bridge: one message per method, held until the page is ready, and
location kinds as codes from the one table in `core.post` — which no bad code
on the wire can turn into someone else's counts."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from geotweets_desktop.core.area.model import parse_bbox
from geotweets_desktop.core.point_batch import decode_points, encode_blob
from geotweets_desktop.core.post import LOCATION_KINDS, Location, Post
from geotweets_desktop.core.store import StoredPoint
from geotweets_desktop.ui.map.bridge import MapBridge, to_json

pytestmark = pytest.mark.gui

HOSTILE = "<img src=x onerror=alert(1)>\"'`\\ \u2028 </script> مطر"


def record(bridge: MapBridge) -> list[tuple[str, Any]]:
    """Every message the page would receive, in order, decoded."""
    seen: list[tuple[str, Any]] = []
    bridge.configured.connect(lambda m: seen.append(("configured", json.loads(m))))
    bridge.pointsAdded.connect(lambda m: seen.append(("pointsAdded", json.loads(m))))
    bridge.pointBlobsAdded.connect(
        lambda m: seen.append(("pointBlobsAdded", decode_points(base64.b64decode(m))))
    )
    bridge.pointsCleared.connect(lambda: seen.append(("pointsCleared", None)))
    bridge.postShown.connect(lambda m: seen.append(("postShown", json.loads(m))))
    return seen


def test_the_page_learns_the_kind_table_and_points_carry_its_codes(qapp: Any) -> None:
    bridge = MapBridge(tile_url="")
    seen = record(bridge)
    bridge.reportReady()
    bridge.configure(["rain", "sun"], synthetic=False, source_label="Recorded")
    bridge.add_points(
        [
            StoredPoint(1, 10.0, 20.0, "profile", ("sun",)),
            StoredPoint(2, 11.0, 21.0, "exact", ("rain", "not searched")),
        ]
    )
    # The first message is the configuration every page gets when it is ready.
    assert [name for name, _ in seen] == ["configured", "configured", "pointsAdded"]
    (_, config), (_, points) = seen[1:]
    assert [k["name"] for k in config["kinds"]] == list(LOCATION_KINDS)
    assert points["kind"] == [LOCATION_KINDS.index("profile"), LOCATION_KINDS.index("exact")]
    assert points["terms"] == ["sun", "rain", "not searched"]
    assert points["termBits"] == [0b001, 0b110]


def test_messages_sent_before_the_page_is_ready_wait_for_it(qapp: Any) -> None:
    bridge = MapBridge(tile_url="")
    seen = record(bridge)
    ready: list[bool] = []
    bridge.ready.connect(lambda: ready.append(bridge.is_ready))
    bridge.configure(["old"], synthetic=True, source_label="first")
    bridge.add_points([StoredPoint(1, 0.0, 0.0, "exact", ("old",))])
    bridge.clear_points()
    bridge.configure(["new"], synthetic=False, source_label="second")
    bridge.add_points([StoredPoint(2, 1.0, 1.0, "place", ("new",))])
    assert seen == []
    bridge.reportReady()
    assert ready == [True]
    assert [name for name, _ in seen] == ["configured", "pointsAdded"]
    assert seen[0][1]["sourceLabel"] == "second"
    assert seen[1][1]["key"] == [2]


def test_live_blobs_go_as_they_are_held_until_ready_and_kept_to_the_areas(qapp: Any) -> None:
    bridge = MapBridge(tile_url="")
    seen = record(bridge)
    inside = StoredPoint(1, 10.0, 20.0, "exact", ("rain",), 1.5e9, "en", HOSTILE, HOSTILE)
    outside = StoredPoint(2, -50.0, 20.0, "place", ("rain",), 1.6e9)
    blob = encode_blob([inside, outside])
    bridge.add_point_blobs(blob)
    assert seen == []
    bridge.reportReady()
    assert seen[1:] == [("pointBlobsAdded", [inside, outside])]
    bridge.show_areas([parse_bbox("0,0,30,30")])
    bridge.add_point_blobs(blob)  # without *Hide posts outside*: as they are
    bridge.set_hide_outside(True)
    bridge.add_point_blobs(blob)
    bridge.add_point_blobs(encode_blob([outside]))  # nothing left: nothing sent
    assert seen[2:] == [("pointBlobsAdded", [inside, outside]), ("pointBlobsAdded", [inside])]


def test_a_point_of_an_unknown_kind_is_not_sent(qapp: Any) -> None:
    bridge = MapBridge(tile_url="")
    seen = record(bridge)
    bridge.reportReady()
    bridge.configure(["rain"], synthetic=False, source_label="")
    bridge.add_points([StoredPoint(7, 5.0, 5.0, "satellite", ("rain",))])
    bridge.add_points(
        [StoredPoint(8, 5.0, 5.0, "satellite", ("rain",)), StoredPoint(9, 5.0, 5.0, "place", ())]
    )
    assert [(name, msg["key"]) for name, msg in seen[2:]] == [("pointsAdded", [9])]


CELL_COUNTS_JS = """JSON.stringify((() => {
  const pts = GeoTweets.points();
  const all = Array.from(pts.cells.subarray(0, pts.cellCount), (cell) => pts.countIn(cell));
  return {total: all.reduce((a, b) => a + b, 0), nonZero: all.filter(n => n > 0)};
})())"""


def test_unknown_codes_on_the_wire_cannot_corrupt_the_counts(
    qtbot: Any, window: Any, page: Any
) -> None:
    window.map_view.bridge.configure(["rain"], synthetic=False, source_label="Recorded")
    exact, profile = LOCATION_KINDS.index("exact"), LOCATION_KINDS.index("profile")
    # Every point at one spot: a bad kind that indexed its cell's counts would
    # land in this cell's or its neighbour's slots.
    bad_kinds: list[Any] = [-1, len(LOCATION_KINDS), 1.5, "place", None, 255]
    kinds = [exact, *bad_kinds, profile]
    n = len(kinds)
    window.map_view.bridge.pointsAdded.emit(
        to_json(
            {
                "key": list(range(1, n + 1)),
                "lon": [13.4] * n,
                "lat": [52.5] * n,
                "kind": kinds,
                # The last names no term the session has, or none at all.
                "terms": ["rain", "snow"],
                "termBits": [1] * (n - 1) + [0b1111110],
                # Codes beyond the batch's dictionaries, and no dictionaries.
                "lang": [5] * n,
                "tagStart": [0] + [2] * n,
                "tagPool": [7, -1],
            }
        )
    )
    qtbot.waitUntil(lambda: page.stats()["points"] == 2, timeout=20_000)
    qtbot.wait(100)  # any later (wrong) count would have come with the same message
    stats = page.stats()
    assert stats["points"] == 2
    assert stats["kindCounts"] == {"exact": 1, "place": 0, "profile": 1}
    assert stats["termCounts"] == {"rain": 1}
    cells = json.loads(page.eval(CELL_COUNTS_JS))
    assert cells == {"total": 2, "nonZero": [2]}  # one cell, the two points read
    columns = json.loads(page.eval("JSON.stringify(GeoTweets.columns())"))
    assert columns["term"] == [0, 255]
    assert columns["lang"] == ["", ""]
    assert columns["tags"] == [[], []]
    legend = page.eval(
        "[...document.querySelectorAll('.gt-kind .gt-count')].map(n => n.textContent).join()"
    )
    assert legend == "1,0,1"


def test_a_stored_post_of_an_unknown_kind_leaves_the_rest_of_its_session_intact(
    qtbot: Any, window: Any, page: Any
) -> None:
    store = window.store
    session_id = store.start_session("Another tool", ["rain"], synthetic=False)

    def post(i: int, kind: str) -> Post:
        return Post(
            id=str(1_800_000_000_000_000_000 + i),
            created_at=datetime(2026, 11, 29, 9, 0, i, tzinfo=UTC),
            text=f"post {i}",
            author_name="Ann",
            author_handle="ann",
            terms=("rain",),
            # Written by a newer version, say: a kind this one does not know.
            location=Location(lon=i, lat=i, kind=kind, radius_m=0),  # type: ignore[arg-type]
            raw="{}",
        )

    store.add_posts(session_id, [post(1, "exact"), post(2, "satellite"), post(3, "place")])
    store.end_session(session_id)
    window.controller.open_session(store.session(session_id))
    qtbot.waitUntil(lambda: page.stats()["points"] == 2, timeout=10_000)
    stats = page.stats()
    assert stats["kindCounts"] == {"exact": 1, "place": 1, "profile": 0}
    assert stats["termCounts"] == {"rain": 2}


def test_a_big_live_batch_is_added_to_the_page_a_few_hundred_points_a_task(
    qtbot: Any, window: Any, page: Any
) -> None:
    bridge = window.map_view.bridge
    bridge.configure(["rain"], synthetic=False, source_label="Recorded")
    page.eval(
        "window.pieces = [];"
        " GeoTweets.pointsLayer.on('pointsadded', e => window.pieces.push(e.to - e.from)); 0"
    )
    points = [
        StoredPoint(n + 1, n / 100, n / 200, "exact", ("rain",), 1.5e9 + n, "en", "", f"a{n % 7}")
        for n in range(1234)
    ]
    bridge.add_point_blobs(encode_blob(points[:1200]) + encode_blob(points[1200:]))
    qtbot.waitUntil(lambda: page.stats()["points"] == 1234, timeout=20_000)
    assert json.loads(page.eval("JSON.stringify(window.pieces)")) == [500, 500, 200, 34]
    columns = json.loads(page.eval("JSON.stringify(GeoTweets.columns())"))
    assert columns["key"] == [p.key for p in points]
    assert columns["author"] == [p.author for p in points]
    assert columns["time"] == [p.time for p in points]
