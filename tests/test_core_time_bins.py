"""The bin ladder: 60-300 bins for any span from a minute to 300 days, bins on
whole multiples of their step (UTC). The page's copy of the ladder is checked
against this one in tests/gui/test_time_bins_agree.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from geotweets_desktop.core.time_bins import (
    BIN_LADDER_S,
    MAX_BINS,
    MIN_BINS,
    bin_count,
    bin_range,
    bin_step,
    step_label,
)

DAY_START = 20_833 * 86_400  # midnight UTC, a whole multiple of every step


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
    ("first", "last", "step"),
    [
        (0, 0, 1),
        (0, 299.9, 1),  # seconds 0..299: 300 bins
        (0, 300, 5),  # 301 one-second bins would be too many
        (10, 309, 1),
        (10, 310, 5),
        (0, 3_600, 15),
        (0, 6 * 3_600, 300),
        (0, 86_400, 300),
        (0, 7 * 86_400, 3_600),
        (0, 30 * 86_400, 10_800),
        (0, 90 * 86_400, 43_200),
        (0, 400 * 86_400, 86_400),
    ],
)
def test_step_for_the_times(first: float, last: float, step: int) -> None:
    assert bin_step(DAY_START + first, DAY_START + last) == step


@pytest.mark.parametrize("span_s", [60, 61, 299, 301, 1_499, 4_500, 9_001, 86_400, 7e6, 2.59e7])
@pytest.mark.parametrize("offset_s", [0, 0.5, 7_777.25])
def test_spans_from_a_minute_to_300_days_get_60_to_300_bins(span_s: float, offset_s: float) -> None:
    first = DAY_START + offset_s
    bins = bin_count(first, first + span_s, bin_step(first, first + span_s))
    assert MIN_BINS <= bins <= MAX_BINS


def test_bins_start_on_whole_multiples_of_their_step() -> None:
    first = datetime(2026, 11, 30, 10, 7, 42, tzinfo=UTC).timestamp()
    last = first + 5 * 86_400
    start, step, bins = bin_range(first, last)
    assert step == 3_600
    assert datetime.fromtimestamp(start, UTC) == datetime(2026, 11, 30, 10, tzinfo=UTC)
    assert start + bins * step > last >= start + (bins - 1) * step
