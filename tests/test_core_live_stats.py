"""The status-bar figures of a running session, with a fake clock."""

from __future__ import annotations

import tracemalloc

import pytest
from helpers import FakeClock

from geotweets_desktop.core.live_stats import RATE_WINDOW_S, LiveStats, format_elapsed


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_starts_at_zero(clock: FakeClock) -> None:
    stats = LiveStats(clock)
    assert (stats.received, stats.located) == (0, 0)
    assert stats.elapsed == 0.0
    assert stats.per_minute == 0.0


def test_received_and_located_counts(clock: FakeClock) -> None:
    stats = LiveStats(clock)
    stats.add_counts(5, 3)
    stats.add_counts(0, 0)
    stats.add_counts(4, 0)
    stats.add_counts(2, 2)
    assert (stats.received, stats.located) == (11, 5)


def test_elapsed_follows_the_clock(clock: FakeClock) -> None:
    stats = LiveStats(clock)
    clock.advance(12.5)
    assert stats.elapsed == 12.5


def test_per_minute_over_the_first_minute_is_scaled_up(clock: FakeClock) -> None:
    stats = LiveStats(clock)
    clock.advance(30)
    stats.add_counts(10, 0)
    # 10 posts in 30 s is 20 a minute.
    assert stats.per_minute == pytest.approx(20.0)


def test_per_minute_in_the_first_second_is_not_infinite(clock: FakeClock) -> None:
    stats = LiveStats(clock)
    stats.add_counts(3, 0)
    # The window never shrinks below one second: 3 posts/s → 180 a minute.
    assert stats.per_minute == pytest.approx(180.0)


def test_per_minute_counts_only_the_last_minute(clock: FakeClock) -> None:
    stats = LiveStats(clock)
    stats.add_counts(100, 0)  # at t=0
    clock.advance(RATE_WINDOW_S / 2)
    stats.add_counts(6, 0)  # at t=30
    clock.advance(RATE_WINDOW_S / 2 + 1)  # t=61: the first 100 are out of the window
    assert stats.per_minute == pytest.approx(6.0)
    clock.advance(RATE_WINDOW_S)  # t=121: nothing in the last minute
    assert stats.per_minute == 0.0
    assert stats.received == 106  # the totals are not windowed


def test_steady_rate(clock: FakeClock) -> None:
    stats = LiveStats(clock)
    for _ in range(300):  # two posts a second for five minutes
        clock.advance(0.5)
        stats.add_counts(1, 1)
    assert stats.per_minute == pytest.approx(120.0, rel=0.02)


def test_elapsed_and_rate_freeze_after_stop(clock: FakeClock) -> None:
    stats = LiveStats(clock)
    clock.advance(30)
    stats.add_counts(10, 4)
    clock.advance(10)
    stats.stop()
    rate = stats.per_minute
    clock.advance(3600)
    assert stats.elapsed == 40.0
    assert stats.per_minute == rate == pytest.approx(15.0)
    stats.stop()  # a second stop does not move the end
    assert stats.elapsed == 40.0
    assert (stats.received, stats.located) == (10, 4)


def test_a_million_posts_in_big_batches_keep_the_rate_window_small(clock: FakeClock) -> None:
    stats = LiveStats(clock)
    tracemalloc.start()
    try:
        for _ in range(1_000):
            clock.advance(0.01)
            stats.add_counts(1_000, 1_000)
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stats.received == stats.located == 1_000_000
    assert stats.per_minute == pytest.approx(6_000_000.0)  # 1M posts in 10 s
    assert held < 200_000  # bytes: a few per batch, not one float per post


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "00:00"),
        (0.99, "00:00"),
        (5, "00:05"),
        (59.9, "00:59"),
        (60, "01:00"),
        (61, "01:01"),
        (599, "09:59"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (3661, "1:01:01"),
        (36_000 + 59, "10:00:59"),
        (100 * 3600, "100:00:00"),
    ],
)
def test_format_elapsed(seconds: float, shown: str) -> None:
    assert format_elapsed(seconds) == shown


def test_the_clock_stops_while_paused_and_goes_on_after() -> None:
    clock = FakeClock()
    stats = LiveStats(clock)
    clock.advance(10)
    stats.pause()
    clock.advance(60)
    assert stats.elapsed == 10
    stats.resume()
    clock.advance(5)
    assert stats.elapsed == 15
    stats.pause()
    clock.advance(30)
    stats.stop()  # stopped while paused: the pause does not count either
    clock.advance(30)
    assert stats.elapsed == 15


def test_reset_counts_starts_the_figures_again_but_not_the_clock() -> None:
    clock = FakeClock()
    stats = LiveStats(clock)
    stats.add_counts(10, 4)
    clock.advance(20)
    stats.reset_counts()
    assert (stats.received, stats.located, stats.per_minute) == (0, 0, 0)
    assert stats.elapsed == 20
    stats.add_counts(3, 1)
    assert (stats.received, stats.located) == (3, 1)
