"""The usage meter: posts and estimated cost, and the limits that stop a live session."""

from __future__ import annotations

import pytest
from helpers import FakeClock

from geotweets_desktop.core.backoff import Backoff
from geotweets_desktop.core.usage import UsageLimits, UsageMeter


def test_counts_and_cost_for_the_session_and_the_day() -> None:
    meter = UsageMeter(price_per_post=0.005, posts_earlier_today=200)
    meter.add(100)
    assert (meter.session_posts, meter.today_posts) == (100, 300)
    assert meter.session_cost == pytest.approx(0.5)
    assert meter.today_cost == pytest.approx(1.5)
    assert meter.summary() == "100 posts this session ≈ $0.50 · today 300 ≈ $1.50"


def test_the_summary_names_the_limits_that_will_stop_the_session() -> None:
    meter = UsageMeter(limits=UsageLimits(max_posts=1))
    assert meter.summary() == "0 posts this session ≈ $0.00 · today 0 ≈ $0.00 · stops at 1 post"
    limits = UsageLimits(max_posts=20, max_cost=1, max_minutes=30, max_month_posts=10_000)
    assert limits.describe() == "20 posts, $1.00, 30 min or 10,000 posts this month"
    assert UsageLimits().describe() == ""


def test_the_monthly_cap_counts_earlier_sessions_this_month() -> None:
    meter = UsageMeter(
        price_per_post=0.01,
        limits=UsageLimits(max_month_posts=1_000),
        posts_earlier_today=100,
        posts_earlier_this_month=990,
    )
    assert (meter.month_posts, meter.month_cost) == (990, pytest.approx(9.9))
    meter.add(9)
    assert meter.limit_reached() is None
    meter.add(1)
    assert meter.limit_reached() == "monthly cap reached: 1,000 posts"


def test_no_limits_never_stop() -> None:
    meter = UsageMeter()
    meter.add(10**6)
    assert meter.limit_reached() is None


def test_a_post_limit() -> None:
    meter = UsageMeter(limits=UsageLimits(max_posts=50))
    meter.add(49)
    assert meter.limit_reached() is None
    meter.add(1)
    assert meter.limit_reached() == "limit reached: 50 posts"


def test_a_cost_limit() -> None:
    meter = UsageMeter(price_per_post=0.01, limits=UsageLimits(max_cost=1.0))
    meter.add(99)
    assert meter.limit_reached() is None
    meter.add(1)
    assert meter.limit_reached() == "limit reached: $1.00 estimated cost"


def test_a_time_limit() -> None:
    clock = FakeClock()
    meter = UsageMeter(limits=UsageLimits(max_minutes=5), clock=clock)
    clock.now += 299
    assert meter.limit_reached() is None
    clock.now += 1
    assert meter.limit_reached() == "limit reached: 5 minutes"


def test_backoff_resets_after_a_success() -> None:
    backoff = Backoff()
    backoff.http_error()
    backoff.http_error()
    backoff.network_error()
    backoff.reset()
    assert (backoff.http_error(), backoff.network_error(), backoff.rate_limited()) == (5, 0.25, 60)
