"""What many test files share, so each is written once.

    from helpers import FakeClock, RecordingSink, VirtualClock, wait_for, wait_until

- `sinks.RecordingSink`: a source's sink that keeps every batch and status,
  stamped by a clock, safe to read from the test's thread while a source runs;
- `waits.wait_for` / `wait_until`: poll a condition with a bounded timeout,
  instead of sleeping and hoping;
- `clocks.FakeClock`: a clock the test moves by hand, for the `clock=`
  parameter the sources and the live figures accept; `clocks.VirtualClock`
  also stands for a source's waits, so pacing is exact and instant;
  `clocks.TakingTurns` lets a background thread run only when the test says;
- `point_blob.decode_blob`: a points blob read back into its JSON form;
- `probe.run_probe`: a script run in a fresh Python process, its answer.
"""

from .clocks import FakeClock, TakingTurns, VirtualClock
from .probe import run_probe
from .sinks import RecordingSink
from .waits import STOP_WITHIN_S, WAIT_TIMEOUT_S, wait_for, wait_until

__all__ = [
    "STOP_WITHIN_S",
    "WAIT_TIMEOUT_S",
    "FakeClock",
    "RecordingSink",
    "TakingTurns",
    "VirtualClock",
    "run_probe",
    "wait_for",
    "wait_until",
]
