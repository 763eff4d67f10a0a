"""The window end to end: demo stream -> store -> bridge -> page, as a user sees it."""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers import STOP_WITHIN_S
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QPushButton

from geotweets_desktop.core.palette import TERM_COLORS
from geotweets_desktop.paths import store_path

pytestmark = pytest.mark.gui


def stored_term_counts(session_id: int) -> Counter[str]:
    """Located posts per term, read straight from the SQLite file."""
    db = sqlite3.connect(store_path())
    counts: Counter[str] = Counter()
    for (terms,) in db.execute(
        "SELECT terms FROM posts WHERE session_id = ? AND lon IS NOT NULL", (session_id,)
    ):
        counts.update(json.loads(terms))
    db.close()
    return counts


def stored_count(session_id: int) -> int:
    db = sqlite3.connect(store_path())
    (n,) = db.execute("SELECT count(*) FROM posts WHERE session_id = ?", (session_id,)).fetchone()
    db.close()
    return n


def test_demo_for_two_terms_draws_both_colours_and_counts_match_the_store(
    qtbot: Any, window: Any, page: Any
) -> None:
    assert window.start_demo(["rain", "sun"])
    session_id = window.controller.session_id
    qtbot.waitUntil(
        lambda: min(stored_term_counts(session_id)[t] for t in ("rain", "sun")) >= 3,
        timeout=20_000,
    )
    window.controller.stop()
    expected = stored_term_counts(session_id)
    qtbot.waitUntil(lambda: page.stats()["termCounts"] == dict(expected), timeout=20_000)
    stats = page.stats()
    # Markers of both colours are on the page, one per located post.
    assert set(stats["colors"]) >= {TERM_COLORS[0], TERM_COLORS[1]}
    assert stats["points"] == sum(1 for _ in window.store.points(session_id) for _ in _)
    # The status bar shows live figures that agree with the store.
    figures = window.status.figures_label.text()
    assert f"located {window.controller.stats.located:,}" in figures
    assert window.controller.stats.received == stored_count(session_id)
    assert "Demo (synthetic)" in window.status.source_label.text()


def test_a_new_search_stops_the_old_stream(qtbot: Any, window: Any, page: Any) -> None:
    window.start_demo(["alpha"])
    old_session = window.controller.session_id
    qtbot.waitUntil(lambda: stored_count(old_session) >= 3, timeout=20_000)
    old_runner = window.controller._runner
    started = time.monotonic()
    window.start_demo(["beta"])
    switch_s = time.monotonic() - started
    assert switch_s < STOP_WITHIN_S, f"switching searches took {switch_s:.2f} s"
    assert not old_runner.running, "the old stream's thread is still running"
    frozen = stored_count(old_session)
    new_session = window.controller.session_id
    qtbot.waitUntil(lambda: stored_count(new_session) >= 5, timeout=20_000)
    # Nothing more arrived for the old search, on disk or on the map.
    assert stored_count(old_session) == frozen
    assert set(stored_term_counts(new_session)) == {"beta"}
    assert window.store.session(old_session).ended_at is not None
    stats = page.stats()
    assert list(stats["termCounts"]) == ["beta"]
    assert set(stats["colors"]) == {TERM_COLORS[0]}


def test_stop_and_clear_do_what_they_say(qtbot: Any, window: Any, page: Any) -> None:
    window.start_demo(["rain"])
    session_id = window.controller.session_id
    qtbot.waitUntil(lambda: stored_count(session_id) >= 3, timeout=20_000)
    assert window.search.stop_button.isEnabled()
    started = time.monotonic()
    window.search.stop_button.click()
    assert time.monotonic() - started < STOP_WITHIN_S
    assert not window.search.stop_button.isEnabled()
    stored = stored_count(session_id)
    qtbot.wait(1500)
    assert stored_count(session_id) == stored
    assert "stopped" in window.status.state_label.text()
    qtbot.waitUntil(lambda: page.stats()["points"] > 0, timeout=20_000)
    window.search.clear_button.click()
    qtbot.waitUntil(lambda: page.stats()["points"] == 0, timeout=20_000)
    assert stored_count(session_id) == stored, "Clear must not delete stored posts"


def test_closing_mid_stream_keeps_everything_and_the_session_reopens(
    qtbot: Any, make_window: Any, page_of: Any
) -> None:
    first = make_window()
    first.start_demo(["rain", "sun"])
    session_id = first.controller.session_id
    qtbot.waitUntil(lambda: stored_count(session_id) >= 8, timeout=20_000)
    started = time.monotonic()
    first.close()
    assert time.monotonic() - started < STOP_WITHIN_S
    session = first.store.session(session_id)
    assert session is not None and session.ended_at is not None
    located = session.located
    assert located > 0

    second = make_window()
    sessions = second.store.sessions()
    assert sessions[0].id == session_id
    second.controller.open_session(sessions[0])
    page = page_of(second)
    qtbot.waitUntil(lambda: page.stats()["points"] == located, timeout=10_000)
    assert set(page.stats()["termCounts"]) == {"rain", "sun"}


def test_screenshot_shows_a_map_with_markers(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    window.start_demo(["rain", "sun"])
    qtbot.waitUntil(lambda: page.stats()["points"] >= 10, timeout=20_000)
    path = tmp_path / "window.png"

    def shows_the_basemap_and_markers_of_both_terms() -> None:
        assert window.grab().save(str(path), "PNG")
        image = QImage(str(path))
        assert image.width() >= 1200 and image.height() >= 700
        colours: Counter[str] = Counter()
        for y in range(0, image.height(), 2):
            for x in range(0, image.width(), 2):
                colours[image.pixelColor(x, y).name()] += 1

        def near(hex_colour: str, tolerance: int = 40) -> int:
            target = QColor(hex_colour)
            return sum(
                n
                for name, n in colours.items()
                if abs(QColor(name).red() - target.red())
                + abs(QColor(name).green() - target.green())
                + abs(QColor(name).blue() - target.blue())
                <= tolerance
            )

        total = sum(colours.values())
        assert near("#a9cfdc") > total * 0.2, "no ocean: the basemap did not draw"
        assert near("#f3f0e8", 12) > total * 0.05, "no land: the basemap did not draw"
        assert near(TERM_COLORS[0]) > 0 and near(TERM_COLORS[1]) > 0, "no markers of both terms"

    # The page draws on its next frames, later on a busy machine: look until it has.
    qtbot.waitUntil(shows_the_basemap_and_markers_of_both_terms, timeout=20_000)


def test_first_launch_offers_credentials_or_the_demo(qtbot: Any, window: Any, page: Any) -> None:
    # No token is stored in this test's keyring, so the window offers both ways in.
    assert window.welcome.isVisible()
    buttons = {b.text(): b for b in window.welcome.findChildren(QPushButton)}
    assert set(buttons) == {"Enter credentials…", "Start the demo"}
    buttons["Start the demo"].click()
    assert not window.welcome.isVisible()
    assert window.controller.running and window.controller.synthetic
    qtbot.waitUntil(lambda: page.stats()["points"] > 0, timeout=20_000)
    assert page.eval("document.querySelector('.gt-synthetic').textContent") == (
        "Synthetic demo data"
    )
