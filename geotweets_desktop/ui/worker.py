"""One worker object per stream, on its own QThread, talking only through signals."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QThread, Signal, Slot

from geotweets_desktop.core.post import Post
from geotweets_desktop.sources.base import Source, StatusEvent
from geotweets_desktop.ui.signals import emit

log = logging.getLogger(__name__)

STOP_TIMEOUT_MS = 1000


class SourceWorker(QObject):
    """Runs `source.run` on the worker thread and turns its sink calls into signals.

    Every signal carries the stream's token, so the receiver can drop what
    an old stream still had in flight after a new search replaced it.
    """

    postsReady = Signal(int, object)
    statusChanged = Signal(int, object)
    finished = Signal(int)

    def __init__(self, token: int, source: Source) -> None:
        super().__init__()
        self.token = token
        self.source = source

    # The Sink interface, called on the worker thread.
    def posts(self, posts: list[Post]) -> None:
        emit(self.postsReady, self.token, posts)

    def status(self, event: StatusEvent) -> None:
        emit(self.statusChanged, self.token, event)

    @Slot()
    def run(self) -> None:
        try:
            self.source.run(self)
        except Exception as exc:  # a source bug must not take the app down
            log.exception("stream source failed")
            self.status(StatusEvent("error", f"The stream failed: {exc}"))
        finally:
            emit(self.finished, self.token)


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
        self.source.stop()
        self.thread.quit()
        if self.thread.wait(STOP_TIMEOUT_MS):
            return True
        log.error("stream %d did not stop within %d ms", self.token, STOP_TIMEOUT_MS)
        return False

    @property
    def running(self) -> bool:
        return self.thread.isRunning()
