"""The app's own command line, run as a user or a script would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from geotweets_desktop.core.store import SessionStore

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def run_app(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geotweets_desktop", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )


def test_self_check_passes() -> None:
    result = run_app("--self-check")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "self-check passed" in result.stdout


def test_demo_screenshot_and_quit_after(tmp_path: Path, data_dir: Path) -> None:
    shot = tmp_path / "shot.png"
    result = run_app(
        "--demo", "--term", "rain", "--term", "sun", "--quit-after", "6", "--screenshot", str(shot)
    )
    assert result.returncode == 0, result.stderr[-2000:]
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    store = SessionStore(data_dir / "sessions.db")
    [session] = store.sessions()
    assert session.terms == ("rain", "sun") and session.synthetic
    # How many posts six seconds bring depends on the machine (test_live_map
    # waits for them); what is certain is that the session was kept and ended.
    assert session.ended_at is not None
    store.close()


def test_bad_terms_get_a_clear_message_not_a_traceback() -> None:
    result = run_app("--demo", "--term", '"unclosed', timeout=30)
    assert result.returncode == 2
    assert "closing quote" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_options() -> None:
    result = run_app("--help", timeout=30)
    assert result.returncode == 0
    for option in ("--demo", "--term", "--screenshot", "--quit-after", "--self-check", "collect"):
        assert option in result.stdout
