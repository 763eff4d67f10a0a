"""The window on archives other tools wrote: duplicates, poles, posts without a time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from archive_samples import NOTICES, v2_line, write_lines
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

pytestmark = pytest.mark.gui


def test_a_replay_counts_repeats_once_and_says_what_the_map_cannot_draw(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    lisbon = v2_line("1900000000000000001", "rain in Lisbon", point=[-9.14, 38.72])
    no_time = v2_line(
        "1900000000000000002", "rain, time only in the id", point=[2.35, 48.85], created_at=None
    )
    svalbard = v2_line("1900000000000000003", "rain far north", point=[15.6, 88.5])
    records = [lisbon, no_time, lisbon, NOTICES["limit"], svalbard, lisbon]
    window.start_replay(write_lines(tmp_path / "odd.jsonl", records), [], None)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=20_000)
    qtbot.waitUntil(lambda: page.stats()["beyondMap"] == 1, timeout=5_000)
    stats = page.stats()
    # Three posts: two drawn, one too near the pole for the map; the repeats not at all.
    assert stats["points"] == 2 and stats["kindCounts"]["exact"] == 2
    legend = page.eval("document.querySelector('.gt-legend').textContent")
    assert "1 post is nearer a pole than the map reaches" in legend
    assert window.controller.stats.received == 3
    assert window.controller.stats.duplicates == 2
    assert window.store.session(window.controller.session_id).received == 3
    assert "notices: 1 limit" in window.status.state_label.text()
    # The figures say what repeated; the notices (shown there while the file
    # plays) stay in the replay's last words above.
    assert window.status.figures_label.text().startswith("received 3 · located 3 · 2 duplicates")

    # The post whose time came from its id says so in its popup.
    page.eval("GeoTweets.openPointAt(1); true")  # points in file order: Lisbon, then this
    qtbot.waitUntil(
        lambda: page.eval("!!document.querySelector('.gt-popup .gt-time')"), timeout=5_000
    )
    assert page.eval("document.querySelector('.gt-popup .gt-time').textContent").endswith(
        "(from the post id)"
    )


def test_a_stack_lists_a_post_with_no_time_as_such(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    timed = v2_line("1900000000000000011", "rain with a time", point=[-9.14, 38.72])
    timeless = v2_line("20", "rain with no time at all", point=[-9.14, 38.72], created_at=None)
    window.start_replay(write_lines(tmp_path / "two.jsonl", [timed, timeless]), [], None)
    qtbot.waitUntil(lambda: page.stats()["points"] == 2, timeout=20_000)
    page.eval("GeoTweets.map.setView([38.72, -9.14], 9, {animate: false}); true")
    qtbot.waitUntil(lambda: page.eval("GeoTweets.lastDraw().mode") == "circles", timeout=5_000)
    x, y = json.loads(page.eval("JSON.stringify(GeoTweets.pointPixel(0))"))
    target = window.map_view.focusProxy() or window.map_view
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))
    qtbot.waitUntil(lambda: page.eval("!!document.querySelector('.gt-stack-row')"), timeout=5_000)
    rows = json.loads(
        page.eval(
            "JSON.stringify(Array.from(document.querySelectorAll('.gt-stack-author'))"
            ".map(n => n.textContent))"
        )
    )
    assert len(rows) == 2 and any(row.endswith(" · Time unknown") for row in rows), rows
    # The other in UTC, as in its popup, the lists and the timeline.
    assert any(row.endswith(" · 2026-11-28 16:49:56 UTC") for row in rows), rows
