"""Guard against a PySide6 release that leaks references to None or True.

PySide6 6.12.0 returns `None` from every void method and `True` from
`Signal.emit()` without a reference of its own, so each call lowers the
interpreter's count: after a few thousand calls (minutes of streaming)
Python aborts with "none_dealloc" or "bool_dealloc". That is why the project
pins PySide6 below 6.12; this test fails on such a release.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6.QtCore import QObject, QTimer, Signal

pytestmark = pytest.mark.gui

CALLS = 2_000


class Emitter(QObject):
    fired = Signal(int)


def test_void_calls_and_emits_keep_their_references(qapp: Any) -> None:
    timer = QTimer()
    emitter = Emitter()
    emitter.fired.connect(lambda _n: None)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for n in range(CALLS):
        qapp.processEvents()
        timer.start(1000)
        timer.stop()
        emitter.fired.emit(n)
    # Other code may take or drop a few references meanwhile; a leak loses thousands.
    assert sys.getrefcount(None) > none_before - CALLS // 2
    assert sys.getrefcount(True) > true_before - CALLS // 2
