"""The store writer: the front end hands batches over and never waits on SQLite.

A store whose writes are held until the test lets them go stands for a disk
that is busy; nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from helpers.waits import WAIT_TIMEOUT_S
from test_core_session import RecordingMap, post

from geotweets_desktop.core.post import Post
from geotweets_desktop.core.session import SessionEngine
from geotweets_desktop.core.store import SessionStore, WrittenBatch
from geotweets_desktop.core.store_writer import StoreWriter


class HeldStore(SessionStore):
    """A store whose writes wait until `release` is set (a disk that is busy)."""

    release = threading.Event()
    writing = threading.Event()

    def write_posts(self, session_id: int, posts: Iterable[Post]) -> WrittenBatch:
        self.writing.set()
        assert self.release.wait(WAIT_TIMEOUT_S)
        return super().write_posts(session_id, posts)


class BrokenStore(SessionStore):
    def write_posts(self, session_id: int, posts: Iterable[Post]) -> WrittenBatch:
        raise sqlite3.OperationalError("database or disk is full")


def held_store() -> Callable[[Path], SessionStore]:
    HeldStore.release = threading.Event()
    HeldStore.writing = threading.Event()
    return HeldStore


def stored_ids(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT post_id FROM posts ORDER BY rowid")]


@contextmanager
def engine_with_writer(
    tmp_path: Path, open_store: Callable[[Path], SessionStore], map_sink: RecordingMap
) -> Iterator[tuple[SessionStore, StoreWriter, SessionEngine]]:
    """An engine handing over to a writer; the writer must finish at the end."""
    store = SessionStore(tmp_path / "sessions.db")
    writer = StoreWriter(store.path, open_store=open_store)
    engine = SessionEngine(
        store, label="Test", terms=["rain"], synthetic=False, map_sink=map_sink, writer=writer
    )
    try:
        yield store, writer, engine
    finally:
        HeldStore.release.set()
        assert writer.close(WAIT_TIMEOUT_S)
        store.close()


def test_a_batch_handed_over_is_counted_and_drawn_only_once_it_is_written(
    tmp_path: Path,
) -> None:
    map_sink = RecordingMap()
    with engine_with_writer(tmp_path, held_store(), map_sink) as (store, writer, engine):
        engine.hand_over([post(1, "exact"), post(2, None), post(3, "place")])
        assert HeldStore.writing.wait(WAIT_TIMEOUT_S)
        # The disk is busy: the caller went on, nothing is counted or drawn yet.
        assert engine.writing == 3 and writer.deliver() == 0
        assert engine.stats.received == 0 and map_sink.batches == []
        HeldStore.release.set()
        assert writer.wait_written(WAIT_TIMEOUT_S)
        assert writer.deliver() == 1
        assert engine.writing == 0 and engine.stats.received == 2 + 1
        [points] = map_sink.batches
        stored = [store.post(point.key) for point in points]
        assert [p.id if p else None for p in stored] == [post(1).id, post(3).id]


def test_batches_are_written_in_order_and_repeats_are_counted_once(tmp_path: Path) -> None:
    map_sink = RecordingMap()
    with engine_with_writer(tmp_path, SessionStore, map_sink) as (store, writer, engine):
        engine.hand_over([post(1), post(2)])
        engine.hand_over([post(2), post(3)])
        assert writer.wait_written(WAIT_TIMEOUT_S) and writer.deliver() == 2
        assert [len(batch) for batch in map_sink.batches] == [2, 1]
        assert (engine.stats.received, engine.stats.duplicates) == (3, 1)
        assert stored_ids(store.path) == [post(n).id for n in (1, 2, 3)]


def test_a_batch_that_cannot_be_written_stops_the_session_saying_why(tmp_path: Path) -> None:
    with engine_with_writer(tmp_path, BrokenStore, RecordingMap()) as (_store, writer, engine):
        engine.hand_over([post(1)])
        assert writer.wait_written(WAIT_TIMEOUT_S) and writer.deliver() == 1
        assert engine.writing == 0 and engine.stats.received == 0
        assert engine.limit_reached() == "posts could not be stored: database or disk is full"


def test_close_writes_what_was_handed_over_and_waits_only_as_long_as_told(
    tmp_path: Path,
) -> None:
    with engine_with_writer(tmp_path, held_store(), RecordingMap()) as (store, writer, engine):
        engine.hand_over([post(1)])
        engine.hand_over([post(2)])
        engine.end()  # after the batches, on the writer too
        assert HeldStore.writing.wait(WAIT_TIMEOUT_S)
        assert not writer.close(0.01)  # the disk is stalled: close says so, and returns
        HeldStore.release.set()
        assert writer.close(WAIT_TIMEOUT_S)
        assert stored_ids(store.path) == [post(1).id, post(2).id]
        info = store.session(engine.session_id)
        assert info is not None and not info.interrupted
        with pytest.raises(RuntimeError):
            engine.hand_over([post(3)])


def _write_until_killed(path: str, acknowledged: Connection) -> None:
    """A child process: hands batches to the writer and reports each one the
    writer acknowledged (the count of posts stored so far)."""
    store = SessionStore(Path(path))
    writer = StoreWriter(store.path)
    engine = SessionEngine(store, label="Crash", terms=["rain"], synthetic=False, writer=writer)
    for batch in range(10_000):
        engine.hand_over([post(batch * 10 + n) for n in range(10)])
        while engine.writing:
            writer.wait_written(WAIT_TIMEOUT_S)
            writer.deliver()
        acknowledged.send(engine.stats.received)


def test_a_crash_loses_nothing_the_writer_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    SessionStore(path).close()
    receiving, sending = multiprocessing.get_context("spawn").Pipe(duplex=False)
    child = multiprocessing.get_context("spawn").Process(
        target=_write_until_killed, args=(str(path), sending)
    )
    child.start()
    sending.close()
    acknowledged = 0
    while acknowledged < 300:
        assert receiving.poll(WAIT_TIMEOUT_S)
        acknowledged = receiving.recv()
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)  # mid-write, as a crash would
    child.join()
    try:
        while receiving.poll(0):  # acknowledgements sent before the kill
            acknowledged = receiving.recv()
    except EOFError:
        pass
    assert len(stored_ids(path)) >= acknowledged
    assert len(set(stored_ids(path))) == len(stored_ids(path))
