"""`geotweets collect` end to end, as a separate process writing a real .db."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import wait_for

from geotweets_desktop.core.store import SessionInfo, SessionStore

pytestmark = pytest.mark.slow

SUMMARY = re.compile(
    r"^session (?P<id>\d+): (?P<received>\d+) posts, (?P<duplicates>\d+) duplicates skipped, "
    r"(?P<located>\d+) located "
    r"\(exact (?P<exact>\d+), place (?P<place>\d+), profile (?P<profile>\d+)\) -> (?P<path>.+)$"
)
TERMS = ("rain", "sun")


def _cmd(*extra: str) -> list[str]:
    return [sys.executable, "-m", "geotweets_desktop", "collect", *extra]


def _env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "GEOTWEETS_DATA_DIR": str(data_dir)}


def _run(args: list[str], data_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=_env(data_dir), capture_output=True, text=True, timeout=timeout, check=False
    )


def _post_count(db: Path) -> int:
    """Count posts through a read-only connection, leaving the writer alone."""
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return int(conn.execute("SELECT count(*) FROM posts").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def _all_keys(db: Path) -> list[int]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return [r[0] for r in conn.execute("SELECT rowid FROM posts ORDER BY rowid")]


def _integrity(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _check_rows_intact(store: SessionStore, db: Path, session_id: int) -> int:
    """Every stored post reads back whole; returns how many there are."""
    keys = _all_keys(db)
    ids = set()
    for key in keys:
        post = store.post(key)
        assert post is not None
        raw = json.loads(post.raw)
        assert raw["data"]["id"] == post.id
        assert raw["data"]["text"] == post.text
        assert post.text
        assert post.terms
        assert set(post.terms) <= set(TERMS)
        assert post.synthetic is True
        assert post.created_at.tzinfo is not None
        if post.location is not None:
            assert -180 <= post.location.lon <= 180
            assert -90 <= post.location.lat <= 90
            assert post.location.kind in ("exact", "place", "profile")
        ids.add(post.id)
    assert len(ids) == len(keys)  # no post stored twice
    located = sum(len(chunk) for chunk in store.points(session_id))
    info = store.session(session_id)
    assert info is not None
    assert (info.received, info.located) == (len(keys), located)
    return len(keys)


def _start_demo(out: Path, data_dir: Path) -> subprocess.Popen[str]:
    """`collect --demo` for rain and sun into `out`, running in the background."""
    return subprocess.Popen(
        _cmd("--demo", "--term", "rain", "--term", "sun", "--out", str(out)),
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_posts(proc: subprocess.Popen[str], db: Path, at_least_s: float) -> None:
    """Until collect has run `at_least_s` and stored posts (it must not exit meanwhile)."""
    started = time.monotonic()

    def ready() -> bool:
        assert proc.poll() is None, f"collect exited early: {proc.communicate()}"
        return time.monotonic() - started >= at_least_s and _post_count(db) > 0

    wait_for(ready, timeout=60, what="collect to store posts")


def test_collect_for_three_seconds(tmp_path: Path, data_dir: Path) -> None:
    # How many posts arrive in three seconds depends on the machine (building
    # the gazetteer alone takes seconds when it is busy): what is certain is
    # that collect ends after three seconds and stores what it got, whole.
    out = tmp_path / "s.db"
    t0 = time.monotonic()
    result = _run(
        _cmd("--demo", "--term", "rain", "--term", "sun", "--duration", "3", "--out", str(out)),
        data_dir,
    )
    took = time.monotonic() - t0
    assert result.returncode == 0, result.stderr
    assert 3 <= took < 30

    summary = _summary_line(result.stdout)
    assert Path(summary["path"]) == out
    info = _check_stored_session(out, summary)
    assert 2 <= (info.ended_at - info.started_at).total_seconds() < 30
    assert not (data_dir / "sessions.db").exists()  # --out was honoured


def test_collect_stores_every_kind_of_post_the_demo_sends(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "s.db"
    result = _run(
        _cmd("--demo", "--term", "rain", "--term", "sun", "--max-posts", "20", "--out", str(out)),
        data_dir,
    )
    assert result.returncode == 0, result.stderr
    summary = _summary_line(result.stdout)
    received, located = int(summary["received"]), int(summary["located"])
    assert received == 20
    assert 0 < located <= received
    assert int(summary["exact"]) + int(summary["place"]) + int(summary["profile"]) == located
    _check_stored_session(out, summary)


def _summary_line(stdout: str) -> re.Match[str]:
    lines = stdout.strip().splitlines()
    assert len(lines) == 1, stdout
    summary = SUMMARY.match(lines[0])
    assert summary, lines[0]
    return summary


def _check_stored_session(out: Path, summary: re.Match[str]) -> SessionInfo:
    """The session the summary names is in `out`, ended, and agrees with it."""
    assert _integrity(out) == "ok"
    store = SessionStore(out)
    try:
        (info,) = store.sessions()
        assert info.id == int(summary["id"])
        assert info.source == "Demo (synthetic)"
        assert info.terms == TERMS
        assert info.synthetic is True
        assert info.interrupted is False
        assert info.ended_at is not None
        assert (info.received, info.located) == (int(summary["received"]), int(summary["located"]))
        assert _check_rows_intact(store, out, info.id) == info.received
    finally:
        store.close()
    return info


def test_collect_without_out_writes_the_apps_own_store(data_dir: Path) -> None:
    result = _run(_cmd("--demo", "--term", "rain", "--max-posts", "5"), data_dir)
    assert result.returncode == 0, result.stderr
    db = data_dir / "sessions.db"
    summary = SUMMARY.match(result.stdout.strip())
    assert summary, result.stdout
    assert summary["received"] == "5"
    assert Path(summary["path"]) == db
    store = SessionStore(db)
    try:
        (info,) = store.sessions()
        assert info.received == 5
        assert info.terms == ("rain",)
        assert not info.interrupted
    finally:
        store.close()


def test_a_second_run_adds_a_second_session(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "two.db"
    for _ in range(2):
        result = _run(
            _cmd("--demo", "--term", "rain", "--max-posts", "2", "--out", str(out)), data_dir
        )
        assert result.returncode == 0, result.stderr
    store = SessionStore(out)
    try:
        assert [(s.received, s.interrupted) for s in store.sessions()] == [(2, False)] * 2
    finally:
        store.close()


def test_wrong_out_suffix_is_refused_in_one_line(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "s.txt"
    result = _run(_cmd("--demo", "--term", "rain", "--duration", "3", "--out", str(out)), data_dir)
    assert result.returncode != 0
    assert result.stdout == ""
    reason = result.stderr.strip().splitlines()
    assert len(reason) == 1, result.stderr
    assert "s.txt" in reason[0]
    assert ".db" in reason[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_bad_term_is_refused_in_one_line(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "s.db"
    result = _run(_cmd("--demo", "--term", "!!!", "--out", str(out)), data_dir)
    assert result.returncode == 2
    assert result.stderr.strip() == "geotweets: '!!!' has no letters or digits to search for."


def test_collect_without_a_source_is_refused(tmp_path: Path, data_dir: Path) -> None:
    result = _run(_cmd("--term", "rain", "--out", str(tmp_path / "s.db")), data_dir)
    assert result.returncode == 2
    assert "--demo" in result.stderr
    assert "Traceback" not in result.stderr


def test_sigterm_ends_the_session_cleanly(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "term.db"
    proc = _start_demo(out, data_dir)
    try:
        _wait_for_posts(proc, out, at_least_s=1.0)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, stderr
    assert SUMMARY.match(stdout.strip()), stdout
    store = SessionStore(out)
    try:
        (info,) = store.sessions()
        assert info.interrupted is False
        assert info.received > 0
    finally:
        store.close()


def test_sigkill_mid_run_leaves_a_readable_interrupted_session(
    tmp_path: Path, data_dir: Path
) -> None:
    out = tmp_path / "crash.db"
    proc = _start_demo(out, data_dir)
    try:
        _wait_for_posts(proc, out, at_least_s=3.0)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    assert _integrity(out) == "ok"
    store = SessionStore(out)
    try:
        (info,) = store.sessions()
        assert info.ended_at is None
        assert info.interrupted is True
        assert info.terms == TERMS
        assert _check_rows_intact(store, out, info.id) > 0
    finally:
        store.close()
    with contextlib.closing(sqlite3.connect(out)) as conn:
        assert conn.execute("SELECT ended_at FROM sessions").fetchall() == [(None,)]
