"""Clocks a test controls, for code that takes a `clock=` (and a `wait=`) parameter."""

from __future__ import annotations

import math
import threading

from .waits import WAIT_TIMEOUT_S


class FakeClock:
    """Stands for `time.monotonic`; the test moves it by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class VirtualClock(FakeClock):
    """Time that passes only when the code under test waits.

    `wait(condition, timeout)` has the shape of `threading.Condition.wait` and
    stands for it. A timed wait moves the clock to its end and returns at once,
    so a paced replay is exact to the microsecond and takes no real time. With
    `hold=True`, timed waits instead block until the condition is notified
    (stop, pause, resume) and the clock stands still, so the code is caught
    mid-wait. A wait without a timeout (paused) always blocks until notified.
    `parked` is set while the code is blocked in such a wait: the test waits
    for it instead of sleeping and hoping the code got there.
    """

    def __init__(self, now: float = 1000.0, *, hold: bool = False) -> None:
        super().__init__(now)
        self.hold = hold
        self.parked = threading.Event()

    def wait(self, condition: threading.Condition, timeout: float | None) -> bool:
        if timeout is not None and not self.hold:
            if timeout > 0:
                # At least one step of the float, or a wait shorter than that
                # would leave the clock where it was, and the code would wait again.
                self.now = max(self.now + timeout, math.nextafter(self.now, math.inf))
            condition.wait(0)  # let another thread's stop() or pause() in
            return False
        self.parked.set()
        try:
            return condition.wait()
        finally:
            self.parked.clear()


class TakingTurns:
    """Virtual time for a thread that waits on an event between rounds of work
    (`wait(event, seconds)`, the shape of `threading.Event.wait`).

    The thread runs only when `advance()` brings the time it asked for, and
    `advance()` returns once it is waiting again: the test and the thread take
    turns, so what the thread finds each time is the same on any machine.
    `intervals` lists every wait the thread asked for.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self.intervals: list[float] = []
        self._cond = threading.Condition()
        self._due: float | None = None  # None while the thread is working

    def wait(self, event: threading.Event, seconds: float) -> bool:
        with self._cond:
            self.intervals.append(seconds)
            self._due = self.now + seconds
            self._cond.notify_all()
            while not event.is_set() and self.now < self._due:
                self._cond.wait(0.01)  # event.set() does not notify this condition
            self._due = None
            return event.is_set()

    def advance(self, seconds: float) -> None:
        with self._cond:
            self.now += seconds
            self._cond.notify_all()
            waiting = self._cond.wait_for(
                lambda: self._due is not None and self._due > self.now, WAIT_TIMEOUT_S
            )
        assert waiting, "the thread never came back to wait"
