"""The window keeps the size the user gave it, and Start and Stop stay in reach."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from archive_samples import v2_line, write_lines
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget

from geotweets_desktop.sources.base import StatusEvent
from geotweets_desktop.ui.main_window import MainWindow
from geotweets_desktop.ui.search_bar import SOURCE_ARCHIVE, SOURCE_SESSION
from geotweets_desktop.ui.settings import AppSettings

pytestmark = pytest.mark.gui


def shown_in(widget: QWidget, window: QWidget) -> bool:
    """True when all of `widget` is visible inside the window's own rectangle."""
    corner = widget.mapTo(window, QPoint(0, 0))
    return widget.isVisible() and window.rect().contains(QRect(corner, widget.size()))


def archive(tmp_path: Path, name: str = "archive.jsonl", posts: int = 5) -> Path:
    lines = [
        v2_line(f"19000000000000{i:05d}", f"rain report {i}", point=[-9.14 + i * 0.01, 38.72])
        for i in range(posts)
    ]
    return write_lines(tmp_path / name, lines)


def test_long_status_texts_never_widen_the_window(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    long_name = "twarc2-capture-" + "of-a-very-long-running-search-" * 3 + "2026.jsonl"
    assert len(long_name) > 100
    path = archive(tmp_path, long_name)
    window.start_replay(path, [], None)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=20_000)
    window.controller._set_state(StatusEvent("error", "X said: " + "a long complaint " * 30))
    QApplication.processEvents()
    assert window.size().width() == 1280
    assert window.minimumSizeHint().width() <= 900
    window.resize(900, 600)
    QApplication.processEvents()
    assert window.size().width() == 900
    source = window.status.source_label
    assert source.text() == f"Replay: {long_name}"
    assert "…" in source.shown_text() and source.shown_text().endswith("2026.jsonl")
    assert str(path) in source.toolTip()
    state = window.status.state_label
    assert state.shown_text().endswith("…") and "a long complaint" in state.toolTip()


def test_start_and_stop_are_in_reach_at_900_by_600_and_at_the_minimum(
    qtbot: Any, window: Any
) -> None:
    bar = window.search
    window.start_demo(["rain"])
    for width, height in ((900, 600), (window.minimumSizeHint().width(), 600)):
        window.resize(width, height)
        QApplication.processEvents()
        assert window.width() == width
        for button in (bar.start_button, bar.stop_button, bar.pause_button, bar.clear_button):
            assert shown_in(button, window), f"{button.text()} is out of sight at {width} px"
        assert bar.stop_button.isEnabled()
        # The terms field gave up its width first; it is still there to type in.
        assert shown_in(bar.terms_edit, window) and bar.terms_edit.width() >= 100
    assert "Enter" in bar.start_button.toolTip() and "Ctrl+." in bar.stop_button.toolTip()


def test_ctrl_period_stops_the_stream_wherever_the_focus_is(qtbot: Any, window: Any) -> None:
    window.start_demo(["rain"])
    window.activateWindow()
    window.map_view.setFocus()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=5_000)
    qtbot.keyClick(
        window.map_view.focusProxy() or window.map_view,
        Qt.Key.Key_Period,
        Qt.KeyboardModifier.ControlModifier,
    )
    qtbot.waitUntil(lambda: not window.controller.running, timeout=5_000)


def test_the_boxes_name_the_archive_playing_and_its_filter(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    bar = window.search
    bar.terms_edit.setText("rain, sun")
    path = archive(tmp_path)
    window.start_replay(path, [], None)
    assert bar.source_kind == SOURCE_ARCHIVE
    assert bar.source_combo.currentText() == "Archive: archive.jsonl"
    assert bar.source_combo.toolTip() == str(path)
    # No filter: the terms box says every post plays, not the last search's terms.
    assert bar.terms_edit.text() == "" and bar.terms_edit.placeholderText().startswith("All posts")
    qtbot.waitUntil(lambda: not window.controller.running, timeout=20_000)
    window.start_replay(path, ["rain"], 10.0)
    assert bar.terms_edit.text() == "rain"
    assert bar.source_combo.count() == 4, "one archive entry at a time"
    window.controller.stop()
    # Start with the archive still chosen plays it again with the typed filter.
    bar.terms_edit.setText("")
    assert window.start_search()
    assert window.controller.terms == [] and "archive.jsonl" in window.controller.source_label
    window.controller.stop()
    # Back to a live source: the user's own terms come back.
    bar.choose_source("demo")
    assert bar.source_combo.count() == 3 and bar.terms_edit.text() == "rain, sun"


def test_a_reopened_session_is_named_in_the_boxes(qtbot: Any, window: Any, page: Any) -> None:
    window.start_demo(["rain", "sun"])
    qtbot.waitUntil(lambda: window.controller.stats.located >= 2, timeout=20_000)
    window.controller.stop()
    session = window.store.sessions()[0]
    window.open_session(session)
    bar = window.search
    assert bar.source_kind == SOURCE_SESSION
    assert bar.source_combo.currentText() == f"Session {session.id}: Demo (synthetic)"
    assert bar.terms_edit.text() == "rain, sun" and bar.terms_edit.isReadOnly()
    assert window.status.source_label.text() == f"Demo (synthetic) · session {session.id}"


def test_a_saved_size_wider_than_the_screen_comes_back_within_it(qtbot: Any, window: Any) -> None:
    screen = window.screen().availableGeometry()
    window.resize(screen.width() + 900, screen.height())  # what a long status text once did
    window.settings.window_geometry = window.saveGeometry()
    again = MainWindow(window.store, AppSettings())
    qtbot.addWidget(again)
    assert again.width() <= screen.width() and again.height() <= screen.height()


def test_zoomed_out_the_world_shows_about_once_and_offline_zoom_stops_at_the_basemap(
    qtbot: Any, window: Any, page: Any
) -> None:
    page.eval("GeoTweets.map.setZoom(0, {animate: false}); true")
    qtbot.waitUntil(lambda: page.eval("GeoTweets.map.getZoom()") == 2, timeout=5_000)
    width = page.eval("GeoTweets.map.getSize().x")
    assert 0.7 <= width / (256 * 2**2) <= 1.4, "the world repeats side by side"
    # Offline (the tests' setting), the deepest zoom still shows coastlines.
    page.eval("GeoTweets.map.setZoom(18, {animate: false}); true")
    qtbot.waitUntil(lambda: page.eval("GeoTweets.map.getZoom()") == 10, timeout=5_000)
