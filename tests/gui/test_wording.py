"""Small words that must be right: plurals, no stray separators, one-line sizes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from geotweets_desktop.core.store import SessionInfo
from geotweets_desktop.ui.dialogs.export import ExportDialog
from geotweets_desktop.ui.dialogs.sessions import SessionsDialog
from geotweets_desktop.ui.search_bar import SOURCE_DEMO, SOURCE_X_STREAM

pytestmark = pytest.mark.gui

STARTED = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def session(id_: int, terms: tuple[str, ...], received: int, minutes: float | None) -> SessionInfo:
    ended = STARTED + timedelta(minutes=minutes) if minutes is not None else None
    return SessionInfo(id_, "Replay: a.jsonl", terms, False, STARTED, ended, received, received)


def test_the_sessions_list_shows_durations_and_closes_with_close(qtbot: Any) -> None:
    dialog = SessionsDialog([session(2, ("rain",), 5, 75.5), session(1, (), 1, None)])
    qtbot.addWidget(dialog)
    table = dialog.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[2] == "Duration"
    assert table.item(0, 2).text() == "1:15:30" and table.item(1, 2).text() == ""
    assert table.item(1, headers.index("State")).text() == "interrupted"
    box = dialog.findChild(QDialogButtonBox)
    assert box.button(QDialogButtonBox.StandardButton.Close) is not None
    assert box.button(QDialogButtonBox.StandardButton.Cancel) is None


def test_the_export_list_has_no_stray_separator_and_says_1_post(qtbot: Any, tmp_path: Any) -> None:
    sessions = [session(1, (), 1, 1.0), session(2, ("rain",), 3, 1)]
    dialog = ExportDialog(tmp_path / "s.db", sessions, None)
    qtbot.addWidget(dialog)
    combo = dialog.session_combo
    assert combo.itemText(0) == "1: Replay: a.jsonl · 1 post"
    assert combo.itemText(1) == "2: rain · Replay: a.jsonl · 3 posts"


def test_located_only_shows_what_the_demo_sends(qtbot: Any, window: Any) -> None:
    bar = window.search
    bar.choose_source(SOURCE_X_STREAM)
    bar.located_only_check.setChecked(True)
    bar.choose_source(SOURCE_DEMO)
    # The demo sends posts without a location too: the box must not say otherwise.
    assert not bar.located_only_check.isChecked() and not bar.located_only_check.isEnabled()
    bar.choose_source(SOURCE_X_STREAM)
    assert bar.located_only_check.isChecked() and bar.located_only
