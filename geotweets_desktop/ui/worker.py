"""One worker object per stream, on its own QThread, talking only through signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from geotweets_desktop import startup
from geotweets_desktop.core.gazetteer import gazetteer_loaded
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.stored_batch import StoredBatch
from geotweets_desktop.sources.base import Source, StatusEvent, TakesSession

log = logging.getLogger(__name__)

STOP_TIMEOUT_MS = 1000
MAX_BUFFERED = 1000  # posts waiting for the GUI thread before the source is held back
MAX_STORED_BATCHES = 2  # stored batches waiting for the GUI thread (a few thousand posts each)


class SourceWorker(QObject):
    """Runs `source.run` on the worker thread and turns its sink calls into signals.

    Posts are not sent one signal each: they collect in a buffer, and
    `postsAvailable` is emitted only when the buffer goes from empty to not
    empty. The GUI thread then `take()`s everything at once, so a burst of
    thousands of posts a second costs a handful of signals, and a lone post
    is handed over at once.

    A source that stores its posts itself, in another process (a replay at
    full speed, the X stream), hands over what it stored instead (`stored`); those
    batches wait in a buffer of their own, at most `MAX_STORED_BATCHES`,
    until the GUI thread takes them (`take_stored`).

    Every signal carries the stream's token, so the receiver can ignore what
    an old stream still had in flight after a new search replaced it.
    """

    postsAvailable = Signal(int)
    statusChanged = Signal(int, object)
    finished = Signal(int)

    def __init__(self, token: int, source: Source) -> None:
        super().__init__()
        self.token = token
        self.source = source
        self._buffer: list[Post] = []
        self._stored: list[StoredBatch] = []
        self._changed = threading.Condition()
        self._closed = False

    # The Sink interface, called on the worker thread.
    def posts(self, posts: list[Post]) -> None:
        with self._changed:
            # Back-pressure: a source faster than the window (an archive at full
            # speed) waits here, instead of piling up posts the GUI thread would
            # later have to swallow in one long gulp.
            self._wait_for_room(lambda: len(self._buffer) < MAX_BUFFERED)
            was_empty = self._empty
            # The buffer as it is now: `take` hands the old one over meanwhile.
            self._buffer.extend(posts)
        if was_empty:
            self.postsAvailable.emit(self.token)

    def stored(self, batch: StoredBatch) -> None:
        with self._changed:
            # The source's process waits meanwhile (its frames are not read).
            self._wait_for_room(lambda: len(self._stored) < MAX_STORED_BATCHES)
            was_empty = self._empty
            self._stored.append(batch)
        if was_empty:
            self.postsAvailable.emit(self.token)

    def _wait_for_room(self, room: Callable[[], bool]) -> None:
        while not room() and not self._closed:
            self._changed.wait(0.1)

    @property
    def _empty(self) -> bool:
        return not self._buffer and not self._stored

    def take(self) -> list[Post]:
        """Everything buffered so far (called on the GUI thread)."""
        with self._changed:
            posts, self._buffer = self._buffer, []
            self._changed.notify_all()
        return posts

    def take_stored(self) -> list[StoredBatch]:
        """Every stored batch waiting so far (called on the GUI thread)."""
        with self._changed:
            batches, self._stored = self._stored, []
            self._changed.notify_all()
        return batches

    @property
    def buffered(self) -> int:
        """Posts waiting, stored or not."""
        return len(self._buffer) + sum(batch.kept for batch in self._stored)

    def close(self) -> None:
        """Stop holding the source back (it is being stopped)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def status(self, event: StatusEvent) -> None:
        self.statusChanged.emit(self.token, event)

    def _gazetteer_read(self) -> bool:
        """Wait for the gazetteer, read on a thread of its own (seconds on a
        busy machine): True once it is read, False as soon as the stream is
        stopped (`close`), the reading going on for the next stream."""
        read = startup.settle_in_background()
        with self._changed:
            while not read.is_set() and not self._closed:
                self._changed.wait(0.1)
            return not self._closed

    @Slot()
    def run(self) -> None:
        try:
            if not gazetteer_loaded() and not isinstance(self.source, TakesSession):
                # A source locates posts by profile text in this process
                # (unless another process stores them): the first time, the
                # gazetteer is read before it starts rather than by the first
                # post that needs it (see startup.py).
                self.status(StatusEvent("connecting", "Reading the offline gazetteer"))
                if not self._gazetteer_read():
                    return  # stopped meanwhile: the source never started
            self.source.run(self)
        except Exception as exc:  # a source bug must not take the app down
            log.exception("stream source failed")
            self.status(StatusEvent("error", f"The stream failed: {exc}"))
        finally:
            self.finished.emit(self.token)


class StreamRunner:
    """Owns a worker and its thread; `stop` returns within about a second."""

    def __init__(self, token: int, source: Source) -> None:
        self.token = token
        self.source = source
        self.thread = QThread()
        self.thread.setObjectName(f"stream-{token}")
        self.worker = SourceWorker(token, source)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.finished.connect(self.thread.quit)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> bool:
        """Stop the source and join the thread; False if it did not end in time."""
        self.worker.close()
        self.source.stop()
        self.thread.quit()
        if self.thread.wait(STOP_TIMEOUT_MS):
            return True
        log.error("stream %d did not stop within %d ms", self.token, STOP_TIMEOUT_MS)
        return False

    def abandon(self) -> None:
        """Give up on a thread that will not stop. Qt aborts the process when a
        running QThread is destroyed, and Python would destroy this one with
        its last reference: so it goes to the main thread's own QThread
        object (this is the GUI thread), which lasts as long as the process."""
        self.thread.setParent(QThread.currentThread())

    @property
    def running(self) -> bool:
        return self.thread.isRunning()
