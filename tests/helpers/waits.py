"""Waiting on a condition, with a bounded timeout.

A test waits for what it needs to see, never for a fixed time: on a loaded
two-core machine a fixed sleep is sometimes too short. The timeout only
bounds a failing test; a passing one returns as soon as the condition holds,
so it can be generous.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

#: How long a condition may take before the test fails. Generous on purpose:
#: it only costs time when something is already wrong.
WAIT_TIMEOUT_S = 30.0
#: Stop must end a stream within this. Far under every wait that Stop has to
#: cut short in the tests (X's 20 s keep-alive gap, a 60 s back-off, a
#: minute of silence), far over what a busy machine needs to wake a thread
#: and close a socket. The figure itself is measured by bench/stop_latency.py.
STOP_WITHIN_S = 10.0
_POLL_S = 0.005

T = TypeVar("T")


def _poll(predicate: Callable[[], T], timeout: float) -> T:
    """Call `predicate` until its result is true or `timeout` passes; that last result."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(_POLL_S)


def wait_until(predicate: Callable[[], object], timeout: float = WAIT_TIMEOUT_S) -> bool:
    """Poll `predicate` until it is true (returns True) or `timeout` passes (False)."""
    return bool(_poll(predicate, timeout))


def wait_for(predicate: Callable[[], T], timeout: float = WAIT_TIMEOUT_S, what: str = "") -> T:
    """`predicate`'s first true result; fails the test with `what` if none comes in time."""
    result = _poll(predicate, timeout)
    if not result:
        raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
    return result
