"""A post's time reads the same wherever the window shows it: in UTC, as the
timeline's bins are. Its popup gives it in full and says "UTC"; the lists
give it compact, with the same full time in their tooltip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from archive_samples import v2_line, write_lines

pytestmark = pytest.mark.gui


def test_the_popup_and_the_lists_give_a_posts_time_in_utc(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    # Posted at 16:49:56 UTC: in any other zone the local time would differ.
    lisbon = v2_line("1900000000000000001", "rain in Lisbon", point=[-9.14, 38.72])
    assert lisbon["data"]["created_at"] == "2026-11-28T16:49:56.000Z"
    window.start_replay(write_lines(tmp_path / "one.jsonl", [lisbon]), [], None)
    qtbot.waitUntil(lambda: page.stats()["points"] == 1, timeout=20_000)

    page.eval("GeoTweets.openPointAt(0); true")
    qtbot.waitUntil(
        lambda: page.eval("!!document.querySelector('.gt-popup .gt-time')"), timeout=5_000
    )
    popup = page.eval("document.querySelector('.gt-popup .gt-time').textContent")
    assert popup == "2026-11-28 16:49:56 UTC"

    find_row = "document.querySelector('.gt-post-row .gt-post-time')"
    qtbot.waitUntil(lambda: page.eval(f"!!{find_row}"), timeout=10_000)
    text, tooltip = json.loads(
        page.eval(f"JSON.stringify([{find_row}.textContent, {find_row}.title])")
    )
    assert tooltip == popup
    assert text.endswith(" 16:49") and "28 Nov" in text, text
