"""The window's one way to work off the GUI thread: answers arrive on it, as signals."""

from __future__ import annotations

import threading
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread

from geotweets_desktop.ui.background import BackgroundTask


def test_the_result_arrives_on_the_gui_thread(qtbot: Any) -> None:
    owner = QObject()
    worked_on: list[threading.Thread] = []

    def work() -> int:
        worked_on.append(threading.current_thread())
        return 42

    task = BackgroundTask(work, "answer", owner)
    answered_on: list[QThread] = []
    task.finished.connect(lambda _result: answered_on.append(QThread.currentThread()))
    with qtbot.waitSignal(task.finished) as blocker:
        task.start()
    assert blocker.args == [42]
    assert worked_on[0] is not threading.main_thread()
    assert answered_on == [owner.thread()]


def test_an_exception_arrives_as_failed(qtbot: Any) -> None:
    def work() -> None:
        raise OSError("disk full")

    owner = QObject()
    task = BackgroundTask(work, "failing", owner)
    with qtbot.waitSignal(task.failed) as blocker:
        task.start()
    [error] = blocker.args
    assert isinstance(error, OSError) and str(error) == "disk full"


def test_an_answer_after_its_owner_was_closed_reaches_no_one(qtbot: Any) -> None:
    owner = QObject()
    release = threading.Event()
    answers: list[object] = []
    task = BackgroundTask(release.wait, "late", owner)
    task.finished.connect(answers.append)
    task.start()
    shiboken6.delete(owner)  # the dialog closed while the work ran
    release.set()
    assert task.wait(10)
    qtbot.wait(50)  # a queued answer would be delivered now
    assert answers == []
