"""Emit Qt signals from Python safely on PySide6 6.12.0.

PySide6 6.12.0's `SignalInstance.emit()` returns `True` without taking a
reference to it, so every emit lowers the interpreter's count of `True` by
one; after a few thousand emits Python aborts with "bool_dealloc: deallocating
True or False". Every emit in this app goes through `emit()` below, which
gives the reference back. The fault is measured once, at the first emit (it
does not show before a QCoreApplication exists), so on a PySide6 without it
the helper does nothing extra.
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    fired = Signal()


_PROBE_EMITS = 20


@cache
def emit_steals_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBE_EMITS):
        probe.fired.emit()
    # Other threads may touch True meanwhile; twenty lost references are no noise.
    stolen = before - sys.getrefcount(True) >= _PROBE_EMITS - 1
    if stolen:
        for _ in range(_PROBE_EMITS):
            _give_back(True)
    return stolen


def _give_back(result: object) -> None:
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))


def emit(signal: SignalInstance, *args: Any) -> None:
    result = signal.emit(*args)
    if isinstance(result, bool) and emit_steals_a_reference():
        _give_back(result)
