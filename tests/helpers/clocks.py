"""Clocks a test controls, for code that takes a `clock=` (and a `wait=`) parameter."""

from __future__ import annotations

import math
import threading


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
