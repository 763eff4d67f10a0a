"""Time bins for a session's timeline: the bin ladder and the binning of post times.

The same ladder is written in the map page's timeline (`resources/web/time_bins.js`)
and a test checks that the two choose the same step for the same span. A bin
of step `s` holds the times `t` with `floor(t / s) == i` (Unix seconds, UTC):
bins start at whole multiples of their step, so a day's bin starts at
midnight UTC and a 3-hour bin at 00:00, 03:00, ... UTC. Times are the posts'
own times (`created_at`), never when they arrived.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

# Seconds: 1 s, 5 s, 15 s, 30 s, 1 min, 5 min, 15 min, 1 h, 3 h, 6 h, 12 h, 1 day.
BIN_LADDER_S: tuple[int, ...] = (
    1,
    5,
    15,
    30,
    60,
    300,
    900,
    3_600,
    10_800,
    21_600,
    43_200,
    86_400,
)
# A step of the ladder is at most five times the one before, so the finest
# step that keeps a span within MAX_BINS gives more than MAX_BINS / 5 = 60
# bins, for any span from a minute to 300 days.
MAX_BINS = 300
MIN_BINS = 60


def bin_step(span_s: float) -> int:
    """The finest step of the ladder that cuts `span_s` seconds into at most
    `MAX_BINS` bins (`span_s / step <= MAX_BINS`); a day for longer spans."""
    for step in BIN_LADDER_S:
        if span_s <= step * MAX_BINS:
            return step
    return BIN_LADDER_S[-1]


def step_label(step_s: int) -> str:
    """A step in words as the timeline shows it: "15 s", "5 min", "3 h", "1 day"."""
    if step_s % 86_400 == 0:
        days = step_s // 86_400
        return "1 day" if days == 1 else f"{days} days"
    if step_s % 3_600 == 0:
        return f"{step_s // 3_600} h"
    if step_s % 60 == 0:
        return f"{step_s // 60} min"
    return f"{step_s} s"


@dataclass(frozen=True, slots=True)
class TimeBins:
    """Counts per bin: bin `i` covers `[start + i * step, start + (i + 1) * step)`."""

    start: int  # Unix seconds, a multiple of `step`
    step: int
    counts: tuple[int, ...]

    @property
    def end(self) -> int:
        return self.start + self.step * len(self.counts)

    def bin_start(self, index: int) -> int:
        return self.start + index * self.step


def bin_range(first_s: float, last_s: float) -> tuple[int, int, int]:
    """(start, step, bins) covering the times from `first_s` to `last_s` inclusive."""
    step = bin_step(last_s - first_s)
    first_bin = math.floor(first_s / step)
    last_bin = math.floor(last_s / step)
    return first_bin * step, step, last_bin - first_bin + 1


def bin_times(times: Iterable[float]) -> TimeBins | None:
    """The times (Unix seconds; NaN for an unknown time, which is left out)
    counted in bins of the step their span asks for; None when no time is known."""
    known = [t for t in times if not math.isnan(t)]
    if not known:
        return None
    start, step, bins = bin_range(min(known), max(known))
    counts = [0] * bins
    for t in known:
        counts[math.floor(t / step) - start // step] += 1
    return TimeBins(start, step, tuple(counts))
