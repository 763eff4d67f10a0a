"""Work off the GUI thread, answered on it: the window's one idiom for it.

`BackgroundTask(work)` runs `work()` once, on a thread of its own, and emits
`finished(result)` or `failed(exception)`; the window receives them on the
GUI thread (the task lives there, so Qt queues them), like any other signal,
so nobody polls and no widget is touched from another thread.

The thread is a daemon Python thread, not a QThread: Qt aborts the process
when a running QThread is destroyed, and a task (a token check waiting on
the network, the gazetteer being built) may still be running when the user
closes the window. A daemon thread simply ends with the process. The task
is a child of the widget that wants the answer, so Qt deletes it with that
widget, on the GUI thread; an answer that comes later reaches no one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class BackgroundTask(QObject):
    finished = Signal(object)  # what `work` returned
    failed = Signal(object)  # the Exception it raised
    progressed = Signal(object)  # what `work` passed to `report` meanwhile

    def __init__(self, work: Callable[[], object], name: str, parent: QObject) -> None:
        super().__init__(parent)
        self._work = work
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the work is done; False if it still runs after `timeout_s`."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def report(self, progress: object) -> None:
        """Called by `work`, on its thread: how far it got (`progressed`)."""
        try:
            self.progressed.emit(progress)
        except RuntimeError:  # the widget that asked was closed
            log.debug("background task %s reported after its owner", self._thread.name)

    def _run(self) -> None:
        name = self._thread.name
        failure: Exception | None = None
        try:
            result = self._work()
        except Exception as exc:  # handed to the GUI thread, which says what failed
            log.debug("background task %s failed", name, exc_info=True)
            failure = exc
        try:
            if failure is None:
                self.finished.emit(result)
            else:
                self.failed.emit(failure)
        except RuntimeError:  # the widget that asked was closed: the task went with it
            log.debug("background task %s ended after its owner", name)
