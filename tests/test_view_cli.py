"""`geotweets --view FILE` and `geotweets --session ID`: what cannot be opened is
one line on stderr and exit status 2, before any window exists."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from geotweets_desktop.cli import main
from geotweets_desktop.core.saved_views import session_ref
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.core.view_state import SavedView, SessionRef, ViewState, write_view_file
from geotweets_desktop.paths import store_path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    _, stderr = capsys.readouterr()
    assert stderr.count("\n") <= 1, stderr
    return code, stderr.strip()


def stored_session() -> int:
    store = SessionStore(store_path())
    try:
        return store.start_session("Demo (synthetic)", ["rain"], synthetic=True)
    finally:
        store.close()


def test_a_view_of_a_session_not_in_this_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored_session()
    ref = SessionRef(7, datetime(2025, 6, 1, 12, 0, tzinfo=UTC), "X live stream")
    path = tmp_path / "shared.json"
    write_view_file(SavedView("Shared", ref, ViewState()), path)
    code, stderr = run(["--view", str(path)], capsys)
    assert code == 2
    assert stderr == (
        f"geotweets: session 7 (started 2025-06-01 12:00 UTC, X live stream) "
        f"is not in {store_path()}"
    )


def test_a_view_naming_another_session_under_the_same_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = stored_session()
    ref = SessionRef(session, datetime(2025, 6, 1, 12, 0, tzinfo=UTC))
    path = tmp_path / "shared.json"
    write_view_file(SavedView("Shared", ref, ViewState()), path)
    code, stderr = run(["--view", str(path)], capsys)
    assert code == 2
    assert f"its session {session} is another one" in stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read it"),
        ("{not json", "not a GeoTweets view: not JSON (line 1)"),
        ('{"geotweets_view": 9}', "written by a newer GeoTweets (view format 9"),
        (json.dumps({"geotweets_view": 1, "name": "x\u2028<b>"}), "session must be an object"),
    ],
)
def test_a_view_file_that_cannot_be_used(
    tmp_path: Path, content: str | None, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "view.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, stderr = run(["--view", str(path)], capsys)
    assert code == 2
    assert stderr.startswith(f"geotweets: {path}: {message}")


def test_a_session_that_is_not_stored(capsys: pytest.CaptureFixture[str]) -> None:
    stored_session()
    code, stderr = run(["--session", "99"], capsys)
    assert code == 2
    assert stderr == f"geotweets: --session: there is no session 99 in {store_path()}"


@pytest.mark.parametrize("extra", [["--demo"], ["--x", "--term", "rain"], ["--session", "1"]])
def test_a_view_or_session_is_one_thing_to_show(
    tmp_path: Path, extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    session = stored_session()
    store = SessionStore(store_path())
    try:
        info = store.session(session)
        assert info is not None
        path = tmp_path / "view.json"
        write_view_file(SavedView("Mine", session_ref(info), ViewState()), path)
    finally:
        store.close()
    code, stderr = run(["--view", str(path), *extra], capsys)
    assert code == 2
    assert stderr.startswith("geotweets: --")
    assert stderr.endswith(": choose one thing to show")
