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
    assert meter.summary() == (
        "100 posts this session, 300 today · ≈ $0.50 (today $1.50) at $0.005/post"
    )


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
