"""The window on archives other tools wrote: duplicates, poles, posts without a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from archive_samples import NOTICES, v2_line, write_lines

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

    # The post whose time came from its id says so in its popup.
    page.eval("GeoTweets.openPointAt(1); true")  # points in file order: Lisbon, then this
    qtbot.waitUntil(
        lambda: page.eval("!!document.querySelector('.gt-popup .gt-time')"), timeout=5_000
    )
    assert page.eval("document.querySelector('.gt-popup .gt-time').textContent").endswith(
        "(from the post id)"
    )
