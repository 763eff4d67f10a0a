"""Time bins for a session's timeline: the bin ladder, and where a post's time falls.

The same ladder is written in the map page's timeline (`resources/web/time_bins.js`)
and a test checks that the two choose the same step for the same times. A bin
of step `s` holds the times `t` with `floor(t / s) == i` (Unix seconds, UTC):
bins start at whole multiples of their step, so a day's bin starts at
midnight UTC and a 3-hour bin at 00:00, 03:00, ... UTC. Times are the posts'
own times (`created_at`), never when they arrived.
"""

from __future__ import annotations

import math

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
# step that keeps a span within MAX_BINS bins gives more than about
# MAX_BINS / 5 = 60 of them, for any span from a minute to 300 days.
MAX_BINS = 300
MIN_BINS = 60


def bin_count(first_s: float, last_s: float, step: int) -> int:
    """How many bins of `step` the times from `first_s` to `last_s` fall in."""
    return math.floor(last_s / step) - math.floor(first_s / step) + 1


def bin_step(first_s: float, last_s: float) -> int:
    """The finest step of the ladder that puts the times from `first_s` to
    `last_s` in at most `MAX_BINS` bins; a day for longer spans."""
    for step in BIN_LADDER_S:
        if bin_count(first_s, last_s, step) <= MAX_BINS:
            return step
    return BIN_LADDER_S[-1]


def bin_range(first_s: float, last_s: float) -> tuple[int, int, int]:
    """(start, step, bins) covering the times from `first_s` to `last_s`:
    bin `i` holds the times `t` with `start + i * step <= t < start + (i + 1) * step`."""
    step = bin_step(first_s, last_s)
    return math.floor(first_s / step) * step, step, bin_count(first_s, last_s, step)


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
