"""The bin ladder: 60-300 bins for any span from a minute to 300 days, bins on
whole multiples of their step (UTC), counts by the post's own time."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from geotweets_desktop.core.time_bins import (
    BIN_LADDER_S,
    MAX_BINS,
    MIN_BINS,
    bin_range,
    bin_step,
    bin_times,
    step_label,
)


def test_the_ladder_is_the_one_the_timeline_shows() -> None:
    assert [step_label(s) for s in BIN_LADDER_S] == [
        "1 s",
        "5 s",
        "15 s",
        "30 s",
        "1 min",
        "5 min",
        "15 min",
        "1 h",
        "3 h",
        "6 h",
        "12 h",
        "1 day",
    ]


@pytest.mark.parametrize(
    ("span_s", "step"),
    [
        (0, 1),
        (59, 1),
        (300, 1),
        (301, 5),
        (3_600, 15),
        (6 * 3_600, 300),
        (86_400, 300),
        (7 * 86_400, 3_600),
        (30 * 86_400, 10_800),
        (90 * 86_400, 43_200),
        (400 * 86_400, 86_400),
    ],
)
def test_step_for_a_span(span_s: float, step: int) -> None:
    assert bin_step(span_s) == step


@pytest.mark.parametrize("span_s", [60, 61, 299, 301, 1_499, 4_500, 9_001, 86_400, 7e6, 2.59e7])
def test_spans_from_a_minute_to_300_days_get_60_to_300_bins(span_s: float) -> None:
    bins = span_s / bin_step(span_s)
    assert MIN_BINS <= bins <= MAX_BINS


def test_bins_start_on_whole_multiples_of_their_step() -> None:
    first = datetime(2026, 11, 30, 10, 7, 42, tzinfo=UTC).timestamp()
    last = first + 5 * 86_400
    start, step, bins = bin_range(first, last)
    assert step == 3_600
    assert datetime.fromtimestamp(start, UTC) == datetime(2026, 11, 30, 10, tzinfo=UTC)
    assert start + bins * step > last >= start + (bins - 1) * step


def test_times_are_counted_in_their_bins_and_unknown_times_left_out() -> None:
    base = 1_800_000_000  # a multiple of 300
    times = [base + 0.5, base + 299.9, base + 300, math.nan, base + 1_499]
    binned = bin_times(times)
    assert binned is not None
    assert (binned.start, binned.step) == (base, 5)
    assert sum(binned.counts) == 4
    assert binned.counts[0] == 1
    assert binned.counts[59] == 1  # 295..300 holds 299.9
    assert binned.counts[60] == 1
    assert binned.counts[-1] == 1
    assert binned.end == base + 1_500


def test_no_known_time_is_no_bins() -> None:
    assert bin_times([]) is None
    assert bin_times([math.nan]) is None
