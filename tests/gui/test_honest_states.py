"""What the window says is true: credentials, progress, pause, counts, limits, terms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from archive_samples import v2_line, write_lines
from fake_x import DEFAULT_TOKEN, FakeX
from keyring.backends import fail
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from test_credentials import MemoryKeyring

from geotweets_desktop import credentials
from geotweets_desktop.core.usage import UsageLimits
from geotweets_desktop.ui.dialogs.credentials import CredentialsDialog
from geotweets_desktop.ui.dialogs.usage import UsageLimitsDialog
from geotweets_desktop.ui.search_bar import SOURCE_X_STREAM

pytestmark = pytest.mark.gui


@pytest.fixture
def fake_x(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeX]:
    with FakeX(keepalive_interval=0.2) as server:
        monkeypatch.setenv("GEOTWEETS_X_API_URL", server.base_url)
        monkeypatch.delenv(credentials.ENV_TOKEN, raising=False)
        monkeypatch.setattr(credentials.SessionOnlyToken, "value", None)
        yield server


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def open_dialog(qtbot: Any) -> CredentialsDialog:
    dialog = CredentialsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def submit(qtbot: Any, dialog: CredentialsDialog, token: str) -> str:
    """Type a token, press Enter, and return what the dialog says once X answered."""
    dialog.token_edit.setText(token)
    qtbot.keyClick(dialog.token_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.last_check is not None, timeout=10_000)
    return dialog.check_label.text()


def test_with_a_keyring_a_working_token_is_saved_and_a_rejected_one_is_not(
    qtbot: Any, fake_x: FakeX, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog(qtbot)
    assert "kept in your system keyring" in dialog.intro_label.text()
    assert dialog.save_button.text() == "Check and save" and dialog.save_button.isDefault()
    said = submit(qtbot, dialog, "not-a-token-x-knows")
    assert said.startswith("✘") and "not kept" in said
    assert credentials.load_token() is None
    dialog.last_check = None
    said = submit(qtbot, dialog, DEFAULT_TOKEN)
    assert said.startswith("✔") and "Saved in your system keyring" in said
    assert credentials.load_token() == DEFAULT_TOKEN
    assert dialog.token_edit.text() == ""
    assert dialog.state_label.text() == "A token is in use, from system keyring."


def test_without_a_keyring_the_dialog_tells_one_story(
    qtbot: Any, fake_x: FakeX, no_keyring: None
) -> None:
    dialog = open_dialog(qtbot)
    intro = dialog.intro_label.text()
    assert "no system keyring" in intro and "for this session only" in intro
    assert "kept in your system keyring" not in intro
    assert dialog.save_button.text() == "Check and use for this session"
    said = submit(qtbot, dialog, DEFAULT_TOKEN)
    assert QApplication.activeModalWidget() is None, "no second box repeats the warning"
    assert said.startswith("✔") and "for this session only" in said
    assert credentials.resolve_token() == (DEFAULT_TOKEN, "this session only (not saved)")


def test_the_first_run_banner_goes_once_a_working_token_exists(
    qtbot: Any, fake_x: FakeX, memory_keyring: MemoryKeyring, window: Any
) -> None:
    assert window.welcome.isVisible()

    def enter_token() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CredentialsDialog)
        dialog.token_edit.setText(DEFAULT_TOKEN)
        dialog.save_button.click()
        qtbot.waitUntil(lambda: dialog.last_check is not None, timeout=10_000)
        dialog.accept()

    QTimer.singleShot(0, enter_token)
    window.show_credentials()
    assert credentials.load_token() == DEFAULT_TOKEN
    assert not window.welcome.isVisible()


def paced_archive(tmp_path: Path, count: int = 30, newest_first: bool = False) -> Path:
    lines = [
        v2_line(
            f"19000000000000{i:05d}",
            f"rain report {i}",
            point=[-9.14 + i * 0.01, 38.72],
            created_at=f"2026-11-28T12:00:{i:02d}.000Z",
        )
        for i in range(count)
    ]
    if newest_first:
        lines.reverse()
    return write_lines(tmp_path / "paced.jsonl", lines)


def test_progress_moves_with_the_posts_and_pause_stops_the_clock(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    # Posts a second apart, newest first, at 10x: about 3 s, oldest first.
    window.start_replay(paced_archive(tmp_path, newest_first=True), [], 10.0)
    status = window.status
    qtbot.waitUntil(lambda: window.controller.stats.received >= 5, timeout=10_000)
    qtbot.waitUntil(lambda: 0 < status.progress.value() < 1000, timeout=5_000)
    assert status.progress.isVisible()
    window.search.pause_button.click()
    assert window.search.pause_button.text() == "Resume"
    assert status.state_label.text().startswith("paused")
    held = window.controller.stats.elapsed
    clock = status.figures_label.text().rsplit("·", 1)[1]
    qtbot.wait(1200)
    assert window.controller.stats.elapsed == held
    assert status.figures_label.text().rsplit("·", 1)[1] == clock, "the clock ran on"
    window.search.pause_button.click()
    session_id = window.controller.session_id
    qtbot.waitUntil(lambda: window.store.session(session_id).received == 30, timeout=20_000)
    keys = [p.key for chunk in window.store.points(session_id) for p in chunk]
    assert len(keys) == 30
    times = [window.store.post(key).created_at for key in sorted(keys)]
    assert times == sorted(times), "a newest-first archive was not played in time order"


def test_clear_empties_the_map_and_the_counts(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    window.start_replay(paced_archive(tmp_path), [], None)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=20_000)
    qtbot.waitUntil(lambda: page.stats()["points"] == 30, timeout=5_000)
    assert "received 30 · located 30" in window.status.figures_label.text()
    window.search.clear_button.click()
    qtbot.waitUntil(lambda: page.stats()["points"] == 0, timeout=5_000)
    assert window.status.figures_label.text().startswith("received 0 · located 0")
    assert window.store.session(window.controller.session_id).received == 30


def test_a_limit_set_earlier_is_shown_when_the_stream_starts(
    qtbot: Any, fake_x: FakeX, no_keyring: None, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(credentials.ENV_TOKEN, DEFAULT_TOKEN)
    window.settings.usage_limits = UsageLimits(max_posts=20, max_month_posts=10_000)
    window.search.choose_source(SOURCE_X_STREAM)
    window.search.terms_edit.setText("rain")
    assert window.start_search()
    assert "stops at 20 posts or 10,000 posts this month" in window.status.state_label.text()
    assert "stops at 20 posts" in window.status.usage_label.text()
    assert not window.welcome.isVisible(), "the first-run banner stays up while streaming"
    qtbot.waitUntil(lambda: window.controller.state.state == "live", timeout=10_000)
    assert "stops at 20 posts" in window.status.usage_label.text()
    window.controller.stop()


def test_the_usage_dialog_shows_use_and_says_no_limit(qtbot: Any, window: Any) -> None:
    window.settings.usage_limits = UsageLimits(max_posts=20)
    dialog = UsageLimitsDialog(window.settings, window._usage_meter(), window)
    qtbot.addWidget(dialog)
    assert dialog.max_posts.text() == "20 posts"
    assert dialog.max_cost.text() == "no limit" and dialog.max_minutes.text() == "no limit"
    assert dialog.max_month_posts.text() == "no limit"
    assert "Today: 0 posts" in dialog.used_label.text()
    assert "This month: 0 posts" in dialog.used_label.text()
    dialog.max_month_posts.setValue(10_000)
    dialog._save()
    assert window.settings.usage_limits.max_month_posts == 10_000


@pytest.mark.parametrize(
    ("typed", "says"),
    [("rain OR snow", "type rain, snow instead of OR"), ("from:nasa", "from: are not supported")],
)
def test_terms_x_cannot_be_given_are_explained_next_to_the_field(
    qtbot: Any, window: Any, typed: str, says: str
) -> None:
    bar = window.search
    bar.choose_source("demo")
    bar.terms_edit.setText(typed)
    assert not window.start_search()
    assert QApplication.activeModalWidget() is None
    assert bar.error_label.isVisible() and says in bar.error_label.text()
    assert not window.controller.running
    qtbot.keyClicks(bar.terms_edit, " ")
    assert not bar.error_label.isVisible(), "the sentence goes once the user edits the terms"
