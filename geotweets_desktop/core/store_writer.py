"""The store writer: batches are written to SQLite on a thread of their own.

The window's GUI thread must never wait on SQLite: a commit can take tens of
milliseconds while the disk is busy (another program writing, a checkpoint
copying the log), and the map would freeze meanwhile. So the window's
session engine hands each batch to this writer, which owns a connection of
its own (a `SessionStore` opened on its thread), writes the jobs in the
order given, one transaction each, and hands back what SQLite said (what
was new, and the map's columns of it). A job may also only read (the posts
the map page asks for), so that it too keeps off the GUI thread.

Handing back: each job comes with `done`, which runs on the front end's
thread when it calls `deliver()`; the writer calls `wake()` from its own
thread whenever a result is ready, so the front end knows to deliver (the
window turns it into a queued Qt signal). A result is delivered only after
its transaction committed (WAL, synchronous=NORMAL), so what the front end
was told is stored survives the app being killed.

`close` writes everything handed over first, then closes the connection; it
waits only as long as it is told to, and says whether the writer finished.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geotweets_desktop.core.store import SessionStore

log = logging.getLogger(__name__)

Job = Callable[[SessionStore], Any]


def _second_connection(path: Path) -> SessionStore:
    return SessionStore(path, tidies=False)


@dataclass(slots=True)
class _Task:
    job: Job
    done: Callable[[Any], None]
    failed: Callable[[Exception], None]
    result: Any = None
    error: Exception | None = None


class StoreWriter:
    """One thread and one connection writing a store's batches in order."""

    def __init__(
        self,
        path: Path,
        wake: Callable[[], None] = lambda: None,
        *,
        open_store: Callable[[Path], SessionStore] = _second_connection,
    ) -> None:
        """`wake` is called on the writer's thread each time a job is written;
        `open_store` opens the writer's connection (tests slow it down). The
        front end's own connection checkpoints the log (`SessionStore.tidies`)."""
        self._path = path
        self._wake = wake
        self._open_store = open_store
        self._changed = threading.Condition()
        self._queue: deque[_Task] = deque()  # the first one is being written
        self._written: deque[_Task] = deque()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
        self._thread.start()

    def submit(
        self,
        job: Job,
        done: Callable[[Any], None],
        failed: Callable[[Exception], None],
    ) -> None:
        """Write `job(store)` after the jobs before it; `done(result)` or
        `failed(error)` runs in a later `deliver()`."""
        with self._changed:
            if self._closing:
                raise RuntimeError("the store writer is closed")
            self._queue.append(_Task(job, done, failed))
            self._changed.notify_all()

    @property
    def unfinished(self) -> int:
        """Jobs handed over whose results were not delivered yet."""
        with self._changed:
            return len(self._queue) + len(self._written)

    def deliver(self) -> int:
        """Run `done` (or `failed`) of each job written so far, in order, on
        the calling thread; how many."""
        with self._changed:
            tasks = list(self._written)
            self._written.clear()
        for task in tasks:
            if task.error is not None:
                task.failed(task.error)
            else:
                task.done(task.result)
        return len(tasks)

    def wait_written(self, timeout: float) -> bool:
        """Wait until every job handed over is written (not delivered); False
        when that takes longer than `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._queue, timeout)

    def close(self, timeout: float) -> bool:
        """Write what was handed over, then close the connection. False when
        that takes longer than `timeout` seconds: the thread then finishes on
        its own (a daemon: if the process ends first, SQLite rolls back the
        transaction in flight, which nobody was told was stored)."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            store: SessionStore | None = self._open_store(self._path)
            opening: Exception | None = None
        except Exception as exc:  # every job then fails with why
            log.exception("the store writer cannot open %s", self._path)
            store, opening = None, exc
        try:
            while True:
                with self._changed:
                    self._changed.wait_for(lambda: self._queue or self._closing)
                    if not self._queue:
                        return
                    task = self._queue[0]
                try:
                    if store is None:
                        assert opening is not None
                        raise opening
                    task.result = task.job(store)
                except Exception as exc:  # reported to the front end, not raised here
                    task.error = exc
                with self._changed:
                    self._queue.popleft()
                    self._written.append(task)
                    self._changed.notify_all()
                self._wake()
        finally:
            if store is not None:
                store.close()
