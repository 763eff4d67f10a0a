"""The summary card when a session ends, and Save report from it."""

from __future__ import annotations

import base64
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from archive_samples import v2_line, write_lines
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from geotweets_desktop.ui.main_window import MainWindow
from geotweets_desktop.ui.summary_card import counting_text
from geotweets_desktop.ui.timeline_strip import TimelineStrip

pytestmark = pytest.mark.gui

HOSTILE_PLACE = '<img src=x onerror=window.__pwned=1> "Tokyo" & co'
LISBON = [-9.14, 38.72]
TOKYO_BBOX = [139.5, 35.5, 139.9, 35.9]


def make_archive(tmp_path: Path) -> Path:
    """30 posts over three minutes of 12:00 UTC, ten a minute: rain in Lisbon
    (exact points) with #Flood, two of them unlocated; sun tagged with a
    place in Tokyo whose name is hostile."""
    lines = []
    for i in range(30):
        second = i * 2 if i < 10 else 60 + (i - 10) * 6 if i < 20 else 120 + (i - 20) * 5
        rain = i % 3 != 0
        line = v2_line(
            f"1900000000000{i:06d}",
            f"rain in Lisbon #Flood {i}" if rain else f"sun in Tokyo #sun {i}",
            point=(None if i in (4, 5) else LISBON) if rain else None,
            bbox=None if rain else TOKYO_BBOX,
            created_at=f"2026-11-28T12:{second // 60:02d}:{second % 60:02d}.000Z",
        )
        if not rain:
            line["includes"]["places"][0]["full_name"] = HOSTILE_PLACE
        lines.append(line)
    return write_lines(tmp_path / "archive.jsonl", lines)


def shown_text(widget: QWidget) -> str:
    """What the user reads on the card: its visible labels, in order, in one line."""
    labels = [label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)]
    return " ".join(" ".join(labels).split())


def replay_to_the_end(qtbot: Any, window: MainWindow, tmp_path: Path) -> Any:
    window.start_replay(make_archive(tmp_path), ["rain", "sun"], None)
    card = window.summary_card
    # Its figures are counted in the background, then shown.
    qtbot.waitUntil(lambda: card.isVisible() and "Received" in shown_text(card), timeout=30_000)
    return card


def test_the_card_shows_what_the_session_caught(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    card = replay_to_the_end(qtbot, window, tmp_path)
    text = shown_text(card)
    session = window.controller.session_id
    assert f"Session {session} ended · Replayed to the end" in text
    assert "Received 30 posts" in text
    assert "Located 28 (93%; exact 18, place 10, profile 0)" in text
    assert "Written 2026-11-28 12:00:00 UTC to 2026-11-28 12:02:45 UTC" in text
    # Ten posts at 12:00, ten at 12:01, ten at 12:02: the earliest busiest minute.
    assert "Peak minute 2026-11-28 12:00 UTC: 10 posts" in text
    assert "Term Received Located rain 20 18 sun 10 10" in text
    assert "Posts per 1 s, by the posts' own time (UTC)" in text
    assert f"Top places {HOSTILE_PLACE} 10 Top hashtags #flood 20 #sun 10" in text
    # Hostile text is shown as text, never as markup.
    for label in card.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText
    strip = card.findChild(TimelineStrip)
    assert strip is not None and strip.isVisibleTo(card)
    assert strip.timeline is not None and sum(strip.timeline.total) == 30


def test_the_card_is_dismissed_and_the_map_is_whole_again(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    card = replay_to_the_end(qtbot, window, tmp_path)
    qtbot.mouseClick(card.close_button, Qt.MouseButton.LeftButton)
    assert not card.isVisible()
    # A new search does not bring back the old session's card.
    window.start_demo(["rain"])
    qtbot.waitUntil(lambda: window.controller.running, timeout=10_000)
    assert not card.isVisible()
    window.controller.stop()
    qtbot.waitUntil(lambda: card.isVisible(), timeout=10_000)
    assert "ended · Stopped" in card.title.text()
    card.save_button.setFocus()
    qtbot.keyClick(card.save_button, Qt.Key.Key_Escape)
    assert not card.isVisible()


def test_the_card_fits_in_a_small_window(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.width() == 900 and window.height() == 600, timeout=5_000)
    card = replay_to_the_end(qtbot, window, tmp_path)
    map_view = window.map_view
    map_rect = QRect(
        map_view.mapTo(card.parentWidget(), map_view.rect().topLeft()), map_view.size()
    )
    assert map_rect.contains(card.geometry())
    # It covers part of the map, not all of it.
    assert card.width() * card.height() < map_rect.width() * map_rect.height() / 2
    for button in card.findChildren(QAbstractButton):
        if button.isVisibleTo(card):
            corner = button.mapTo(card, button.rect().bottomRight())
            assert card.rect().contains(corner), button.text()


def test_save_report_writes_the_stores_numbers_and_a_picture_of_the_map(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    card = replay_to_the_end(qtbot, window, tmp_path)
    out = tmp_path / "report.html"
    card.save_to(out)
    qtbot.waitUntil(lambda: card.saved_to == out, timeout=20_000)
    assert card.save_status.text() == "Saved to report.html"
    assert card.open_button.isVisible()
    page = out.read_text(encoding="utf-8")
    session = window.controller.session_id
    db = sqlite3.connect(window.store.path)
    received, located = db.execute(
        "SELECT count(*), count(lon) FROM posts WHERE session_id = ?", (session,)
    ).fetchone()
    db.close()
    assert f"<dt>Posts received</dt><dd>{received}</dd>" in page
    assert f"<dd>{located} (93%; exact 18, place 10, profile 0)</dd>" in page
    assert "<img src=x" not in page
    assert "<td>&lt;img src=x onerror=window.__pwned=1&gt; &quot;Tokyo&quot; &amp; co</td>" in page
    [png] = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert base64.b64decode(png).startswith(b"\x89PNG")


def test_a_report_path_it_cannot_use_is_said_on_the_card(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    card = replay_to_the_end(qtbot, window, tmp_path)
    card.save_to(tmp_path / "missing" / "report.html")
    assert card.save_status.text().startswith("Not saved: ")
    assert "is not a folder that exists" in card.save_status.text()
    assert not card.open_button.isVisible()


def test_while_it_counts_the_card_says_how_far_it_got() -> None:
    # A million posts take half a minute: the card counts them in ranges of
    # rows and says after each how far it got (core/report/figures.py).
    assert counting_text(420_000, 0.42) == "Counting the session's posts… 42 % (420,000 read)"
    assert counting_text(1_000_000, 1.0) == "Read all 1,000,000 posts; working out the figures…"
