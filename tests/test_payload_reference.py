"""Payloads kept by reference to the archive a full-speed replay read
(core/archive_payload.py): they read back byte for byte, the store says so
when the file has gone, exports copy them, and older stores gain the columns."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
from archive_samples import v1_status, v2_line, write_lines

from geotweets_desktop.cli import main
from geotweets_desktop.commands import bulk_replay
from geotweets_desktop.core.archive_payload import PayloadMissing, reference_refusal
from geotweets_desktop.core.export import ExportError, export_session
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.session import SessionEngine
from geotweets_desktop.core.store import SCHEMA_VERSION, SessionStore

# collect installs SIGINT/SIGTERM handlers and freezes the GC (see conftest.py).
pytestmark = pytest.mark.usefixtures("restore_process_state")


def _archive(path: Path, *, crlf: bool = False, bom: bool = False) -> Path:
    """Made-up posts of two shapes, text in several scripts, one damaged line."""
    records: list[object] = []
    for i in range(60):
        post_id = f"18700000000{i:08d}"
        if i == 17:
            records.append(b'{"data": {"id": "broken')
        elif i % 5 == 3:
            records.append(v1_status(post_id, f"old rain {i} مطر", coordinates=[10.0, 50.0]))
        else:
            records.append(v2_line(post_id, f"rain {i} ☔ 雨", point=[i - 30.0, 10.0]))
    write_lines(path, records)
    body = path.read_bytes()
    if crlf:
        body = body.replace(b"\n", b"\r\n")
    if bom:
        body = b"\xef\xbb\xbf" + body
    path.write_bytes(body)
    return path


def _lines(path: Path) -> list[bytes]:
    """The file's good lines as the payloads should read back."""
    lines = path.read_bytes().removeprefix(b"\xef\xbb\xbf").splitlines()
    return [line for line in lines if not line.startswith(b'{"data": {"id": "broken')]


def _replay(archive: Path, db: Path, *, by_reference: bool) -> tuple[int, int]:
    """(session id, posts sent by reference)."""
    store = SessionStore(db)
    engine = SessionEngine(store, label="replay", terms=[], synthetic=False)
    try:
        result = bulk_replay.bulk_replay(archive, [], engine, readers=2, by_reference=by_reference)
        engine.end()
    finally:
        store.close()
    assert result.error is None
    return engine.session_id, result.by_reference


def _posts(db: Path, session: int) -> list[Post]:
    store = SessionStore(db)
    try:
        return [post for chunk in store.iter_posts(session) for post in chunk]
    finally:
        store.close()


def _stored_copies(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (count,) = conn.execute("SELECT count(*) FROM posts WHERE raw_archive IS NULL").fetchone()
    return int(count)


@pytest.mark.parametrize(("crlf", "bom"), [(False, False), (True, False), (False, True)])
def test_a_payload_kept_by_reference_reads_back_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crlf: bool, bom: bool
) -> None:
    monkeypatch.setattr(bulk_replay, "PART_BYTES", 2_000)  # several parts, two readers
    archive = _archive(tmp_path / "a.jsonl", crlf=crlf, bom=bom)
    session, by_reference = _replay(archive, tmp_path / "ref.db", by_reference=True)
    assert by_reference == 59 and _stored_copies(tmp_path / "ref.db") == 0
    payloads = [post.raw for post in _posts(tmp_path / "ref.db", session)]
    assert [p.encode("utf-8") for p in payloads] == _lines(archive)
    # The same posts as a replay that copies them, payloads and all.
    copied, _ = _replay(archive, tmp_path / "copy.db", by_reference=False)
    assert _stored_copies(tmp_path / "copy.db") == 59
    assert _posts(tmp_path / "copy.db", copied) == _posts(tmp_path / "ref.db", session)


def test_a_gzip_archive_keeps_copies(tmp_path: Path) -> None:
    archive = write_lines(tmp_path / "a.jsonl.gz", [v2_line("1", "rain ☔")] * 3, compress=True)
    session, by_reference = _replay(archive, tmp_path / "s.db", by_reference=True)
    assert by_reference == 0 and _stored_copies(tmp_path / "s.db") == 1
    assert _posts(tmp_path / "s.db", session)[0].raw.startswith('{"data"')


def test_an_archive_moved_away_is_said_and_the_rest_of_the_post_stays(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "a.jsonl")
    db = tmp_path / "s.db"
    session, _ = _replay(archive, db, by_reference=True)
    archive.rename(tmp_path / "elsewhere.jsonl")
    store = SessionStore(db)
    try:
        post = store.post(1)
        assert post is not None and post.text == "rain 0 ☔ 雨" and post.raw == ""
        said = re.escape(f"kept by reference to {archive}, which has been moved")
        with pytest.raises(PayloadMissing, match=said):
            store.payload(1)
        with pytest.raises(PayloadMissing):
            list(store.iter_posts(session))
        # The exports that hold no payloads still work; a copy of the store says why not.
        export_session(store, session, tmp_path / "o.csv")
        with pytest.raises(ExportError, match=r"cannot copy the raw payloads.*moved"):
            export_session(store, session, tmp_path / "o.db")
        assert not (tmp_path / "o.db").exists()
        (tmp_path / "elsewhere.jsonl").rename(archive)  # put back: read again
        assert store.payload(1).encode("utf-8") == _lines(archive)[0]
    finally:
        store.close()


def test_an_archive_rewritten_is_never_read_as_another_post(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "a.jsonl")
    db = tmp_path / "s.db"
    _replay(archive, db, by_reference=True)
    original = archive.read_bytes()
    store = SessionStore(db)
    try:
        archive.write_bytes(original + b'{"more": "appended later"}\n')  # a capture going on
        assert store.payload(2).encode("utf-8") == _lines(archive)[1]
        archive.write_bytes(original.replace(b"rain 1 ", b"rain X "))  # same length, other bytes
        with pytest.raises(PayloadMissing):
            store.payload(2)
    finally:
        store.close()


def test_a_copy_of_the_store_holds_the_payloads_themselves(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "a.jsonl")
    lines = _lines(archive)
    db = tmp_path / "s.db"
    session, _ = _replay(archive, db, by_reference=True)
    store = SessionStore(db)
    try:
        export_session(store, session, tmp_path / "copy.db")
    finally:
        store.close()
    archive.unlink()  # the copy travels without it
    assert _stored_copies(tmp_path / "copy.db") == 59
    payloads = [post.raw.encode("utf-8") for post in _posts(tmp_path / "copy.db", session)]
    assert payloads == lines


def test_collect_keeps_payloads_by_reference_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # tmp_path is in the system's temporary folder; stand for a user's own folder.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "system-temp"))
    archive = _archive(tmp_path / "a.jsonl")
    assert main(["collect", "--replay", str(archive), "--out", str(tmp_path / "s.db")]) == 0
    told = capsys.readouterr()[1].splitlines()
    assert told[0] == (
        f"geotweets collect: 59 raw payloads are kept by reference to {archive}, not copied: "
        "keep the file there (or replay with --copy-payloads)"
    )
    assert told[1].startswith("geotweets collect: line 18: broken JSON")
    assert _stored_copies(tmp_path / "s.db") == 0
    args = ["collect", "--replay", str(archive), "--out", str(tmp_path / "c.db")]
    assert main([*args, "--copy-payloads"]) == 0
    assert "by reference" not in capsys.readouterr()[1]
    assert _stored_copies(tmp_path / "c.db") == 59


def test_an_archive_in_the_temporary_folder_is_copied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = _archive(tmp_path / "a.jsonl")
    assert reference_refusal(archive) is not None  # pytest's tmp_path is temporary
    assert main(["collect", "--replay", str(archive), "--out", str(tmp_path / "s.db")]) == 0
    assert "by reference" not in capsys.readouterr()[1]
    assert _stored_copies(tmp_path / "s.db") == 59


def test_a_store_from_before_references_gains_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "four.db"
    store = SessionStore(path)
    session = store.start_session("X", ["rain"], False)
    store.close()
    with contextlib.closing(sqlite3.connect(path)) as db:
        for column in ("raw_archive", "raw_offset", "raw_length", "raw_crc"):
            db.execute(f"ALTER TABLE posts DROP COLUMN {column}")
        db.execute("DROP TABLE archives")
        db.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
        db.commit()
    store = SessionStore(path)
    try:
        assert [info.id for info in store.sessions()] == [session]
        assert store.add_archive(_archive(tmp_path / "a.jsonl")) == 1
    finally:
        store.close()
    with contextlib.closing(sqlite3.connect(path)) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(posts)")}
        (version,) = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert {"raw_archive", "raw_offset", "raw_length", "raw_crc"} <= columns
    assert version == str(SCHEMA_VERSION)
