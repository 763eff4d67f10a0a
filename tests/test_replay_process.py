"""The window's replay process (commands/replay_process.py), followed by its source
(sources/fast_replay.py) on a plain thread: no Qt, a real process, a real store."""

from __future__ import annotations

import io
import os
import resource
import sqlite3
import struct
from pathlib import Path

import pytest
from archive_samples import damaged_archive
from helpers import RecordingSink
from helpers.point_blob import decode_blobs

from geotweets_desktop.commands import bulk_replay
from geotweets_desktop.commands.replay_wire import WireError, read_frame, write_frame
from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.sources.fast_replay import FastReplaySource
from geotweets_desktop.sources.replay import ReplaySource


def blob_keys(blobs: bytes) -> list[int]:
    """The post keys of blobs laid one after another (core/point_batch.py)."""
    return [int(key) for blob in decode_blobs(blobs) for key in blob["key"]]


def replay(store: SessionStore, archive: Path, terms: list[str]) -> tuple[int, RecordingSink]:
    session_id = store.start_session("Replay", terms, False, [])
    source = FastReplaySource(archive, terms)
    source.store_path, source.session_id = store.path, session_id
    sink = RecordingSink()
    source.run(sink)
    return session_id, sink


@pytest.mark.parametrize("terms", [[], ["rain"]])
def test_what_it_reports_is_what_the_session_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terms: list[str]
) -> None:
    monkeypatch.setattr(bulk_replay, "PART_BYTES", 10_000)  # many parts: it goes with the job
    archive = damaged_archive(tmp_path / "archive.jsonl")
    store = SessionStore(tmp_path / "sessions.db")
    try:
        session_id, sink = replay(store, archive, terms)
        one_reader = ReplaySource(archive, terms)
        one_reader.run(RecordingSink())
        assert sink.last.state == "stopped" and sink.last.message == one_reader.summary()
        batches = sink.stored_batches
        assert len(batches) > 1
        with sqlite3.connect(store.path) as db:
            keys = [
                key
                for (key,) in db.execute(
                    "SELECT rowid FROM posts WHERE session_id = ? AND lon IS NOT NULL"
                    " ORDER BY rowid",
                    (session_id,),
                )
            ]
            (stored,) = db.execute(
                "SELECT count(*) FROM posts WHERE session_id = ?", (session_id,)
            ).fetchone()
        assert sum(batch.added for batch in batches) == stored
        assert sum(batch.located for batch in batches) == len(keys)
        # The map gets exactly the session's located posts, in order, once each.
        assert [key for batch in batches for key in blob_keys(batch.blobs)] == keys
        assert all(len(blob_keys(b.blobs)) == b.located for b in batches)
    finally:
        store.close()


def test_a_process_that_fails_says_why_in_one_line(tmp_path: Path) -> None:
    archive = damaged_archive(tmp_path / "archive.jsonl", 100)
    store = SessionStore(tmp_path / "sessions.db")
    try:
        session_id = store.start_session("Replay", [], False, [])
        source = FastReplaySource(archive)
        # A folder where its store should be: it cannot open it.
        source.store_path, source.session_id = tmp_path, session_id
        sink = RecordingSink()
        source.run(sink)
    finally:
        store.close()
    last = sink.last
    assert last.state == "error"
    assert "the replay process failed (exit status 1): " in last.message
    assert "unable to open database file" in last.message
    assert "Traceback" not in last.message and "\n" not in last.message
    assert sink.stored_batches == []


def test_frames_carry_hostile_text_as_text_and_refuse_what_is_no_frame() -> None:
    out = io.BytesIO()
    hostile = {"kind": "done", "error": '</script><img onerror=x>\u2028"\n'}
    write_frame(out.write, hostile, b"\0\1")
    out.seek(0)
    assert read_frame(out) == (hostile, b"\0\1")
    assert read_frame(out) is None  # the end, between frames
    with pytest.raises(WireError):
        read_frame(io.BytesIO(struct.pack("<II", 5, 0) + b"nope!"))
    with pytest.raises(EOFError):
        read_frame(io.BytesIO(struct.pack("<II", 50, 0) + b"{}"))  # cut short


def test_a_window_with_many_files_open_follows_its_replay(tmp_path: Path) -> None:
    """The window holds over a thousand descriptors after a while (select()
    cannot watch those past 1,024): its replay's pipes are watched all the same."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1_200:
        pytest.skip("this machine lets a process open too few files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1_200), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1_100)]
    archive = damaged_archive(tmp_path / "archive.jsonl", 100)
    store = SessionStore(tmp_path / "sessions.db")
    try:
        _session, sink = replay(store, archive, [])
    finally:
        store.close()
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert sink.last.state == "stopped", sink.last
    in_file = sum(1 for _ in ArchiveReader(archive).posts())
    assert sum(batch.added for batch in sink.stored_batches) == in_file
