"""Every post can be reached where many share one spot, and the legend says what the map shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from archive_samples import v2_line, write_lines
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from geotweets_desktop.core.palette import TERM_COLORS
from geotweets_desktop.core.store import StoredPoint

pytestmark = pytest.mark.gui

NAIROBI_BOX = [36.66, -1.44, 37.10, -1.16]  # one place: every post gets its centre
CENTRE = ((36.66 + 37.10) / 2, (-1.44 + -1.16) / 2)


def stacked_archive(tmp_path: Path) -> Path:
    lines = [
        v2_line(
            f"1900000000000{i:06d}",
            f"rain in Nairobi, report {i}" if i < 50 else f"sun in Nairobi, report {i}",
            bbox=NAIROBI_BOX,
            created_at=f"2026-11-28T12:{i // 60:02d}:{i % 60:02d}.000Z",
        )
        for i in range(80)
    ]
    lines.append(v2_line("1900000000000999999", "rain in Lisbon", point=[-9.14, 38.72]))
    return write_lines(tmp_path / "stacked.jsonl", lines)


def near(colours: set[str], target: str, tolerance: int = 30) -> bool:
    want = QColor(target)
    return any(
        abs(QColor(c).red() - want.red())
        + abs(QColor(c).green() - want.green())
        + abs(QColor(c).blue() - want.blue())
        <= tolerance
        for c in colours
    )


def test_posts_on_one_place_show_a_count_and_a_click_lists_them_all(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    window.start_replay(stacked_archive(tmp_path), ["rain", "sun"], None)
    qtbot.waitUntil(lambda: page.stats()["points"] == 81, timeout=20_000)
    lon, lat = CENTRE
    page.eval(f"GeoTweets.map.setView([{lat}, {lon}], 9, {{animate: false}}); true")
    qtbot.waitUntil(lambda: page.eval("GeoTweets.lastDraw().mode") == "circles", timeout=5_000)
    # The stack's first point (file order): its pixel on screen.
    x, y = json.loads(page.eval("JSON.stringify(GeoTweets.pointPixel(0))"))
    drawn = page.drawn_colours(x, y)
    # Both terms show at the spot (a pie of their shares) and so does the count badge.
    assert near(drawn, TERM_COLORS[0]) and near(drawn, TERM_COLORS[1]), drawn
    assert near(drawn, "#191919"), "no count badge"
    assert page.eval("GeoTweets.stackSizeAt(0)") == 80

    target = window.map_view.focusProxy() or window.map_view
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))
    qtbot.waitUntil(lambda: page.eval("!!document.querySelector('.gt-stack-row')"), timeout=5_000)

    def listed() -> dict[str, Any]:
        return json.loads(
            page.eval("""JSON.stringify({
              head: document.querySelector('.gt-stack-head').textContent,
              range: document.querySelector('.gt-stack-range').textContent,
              rows: Array.from(document.querySelectorAll('.gt-stack-row .gt-stack-text'))
                .map(function (n) { return n.textContent; }),
            })""")
        )

    first = listed()
    assert first["head"] == "80 posts here" and first["range"] == "1\u201320 of 80"
    assert len(first["rows"]) == 20 and first["rows"][0] == "sun in Nairobi, report 79"
    seen = set(first["rows"])
    for page_number in range(2, 5):
        page.eval("document.querySelector('.gt-stack-older').click(); true")
        start = f"{(page_number - 1) * 20 + 1}\u2013"
        qtbot.waitUntil(
            lambda s=start: listed()["range"].startswith(s) and len(listed()["rows"]) == 20,
            timeout=5_000,
        )
        seen |= set(listed()["rows"])
    assert len(seen) == 80, "every post on the spot is listed once"
    assert page.eval("document.querySelector('.gt-stack-older').disabled")
    page.eval("document.querySelector('.gt-stack-row').click(); true")
    qtbot.waitUntil(
        lambda: page.eval("!!document.querySelector('.gt-popup .gt-text')"), timeout=5_000
    )
    assert page.eval("document.querySelector('.gt-popup .gt-text').textContent").startswith(
        "rain in Nairobi, report"
    )
    where = page.eval("document.querySelector('.gt-popup .gt-where').textContent")
    # "Located by place: …" in lower case, and the size kept on one line.
    assert where.startswith("Located by place") and "\u00a0km)" in where, where


def legend(page: Any) -> dict[str, Any]:
    return json.loads(
        page.eval("""JSON.stringify({
          text: document.querySelector('.gt-legend').innerText,
          rows: Array.from(document.querySelectorAll('.gt-legend .gt-term'))
            .filter(function (r) { return r.style.display !== 'none'; })
            .map(function (r) { return r.innerText.replace(/\\s+/g, ' ').trim(); }),
        })""")
    )


def test_a_replay_without_terms_is_all_posts_in_the_legend(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    assert "No search yet" in legend(page)["text"]
    window.start_replay(stacked_archive(tmp_path), [], None)
    qtbot.waitUntil(lambda: page.stats()["points"] == 81, timeout=20_000)
    qtbot.waitUntil(lambda: legend(page)["rows"] == ["All posts 81"], timeout=5_000)
    shown = legend(page)["text"]
    assert "No search yet" not in shown and "LOCATED POSTS" in shown.upper()


def test_located_posts_that_match_no_term_have_a_row(qtbot: Any, window: Any, page: Any) -> None:
    bridge = window.map_view.bridge
    bridge.configure(["rain"], synthetic=False, source_label="X filtered stream")
    bridge.add_points(
        [StoredPoint(1, 2.35, 48.85, "exact", ("rain",)), StoredPoint(2, 13.4, 52.5, "place", ())]
    )
    qtbot.waitUntil(lambda: legend(page)["rows"] == ["rain 1", "No term 1"], timeout=5_000)


def test_the_legend_draws_each_kind_as_the_map_does(qtbot: Any, window: Any, page: Any) -> None:
    """Exact points are opaque dots with a white rim, place centres paler
    dots, profile matches hollow rings: the legend's symbols are drawn by the
    same code, and look so."""
    centres = json.loads(
        page.eval("""JSON.stringify(Array.from(document.querySelectorAll('.gt-kind-symbol'))
          .map(function (c) {
            const at = function (x, y) {
              const d = c.getContext('2d').getImageData(x, y, 1, 1).data;
              return [d[0], d[1], d[2]];
            };
            return {kind: c.className, centre: at(7, 7), rim: at(11, 7)};
          }))""")
    )
    by_kind = {c["kind"].split("gt-kind-")[-1]: c for c in centres}
    grey, land = (0x66, 0x66, 0x66), (0xF3, 0xF0, 0xE8)
    assert tuple(by_kind["exact"]["centre"]) == grey
    assert min(by_kind["exact"]["rim"]) > 0xC0, "an exact point has a white rim"
    place = by_kind["place"]["centre"]
    assert grey[0] < place[0] < land[0], "a place centre is a paler dot"
    assert tuple(by_kind["profile"]["centre"]) == land, "a profile match is a hollow ring"


def test_the_page_asks_for_a_list_page_with_keys_only(qtbot: Any, window: Any) -> None:
    bridge = window.map_view.bridge
    asked: list[list[int]] = []
    bridge.postsRequested.connect(asked.append)
    for bad in ("not json", '{"keys": [1]}', '[1, "2"]', "[true]"):
        bridge.requestPosts(bad)
    bridge.requestPosts("[3, 4.0]")
    bridge.requestPosts(json.dumps(list(range(500))))
    assert asked == [[3, 4], list(range(100))]
