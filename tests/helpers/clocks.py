"""A clock the test moves by hand."""

from __future__ import annotations


class FakeClock:
    """Stands for `time.monotonic` where code takes a `clock=` parameter."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
