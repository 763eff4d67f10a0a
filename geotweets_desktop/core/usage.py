"""What a live X session costs, and the limits that stop it.

On pay-per-use access X bills each post delivered (about $0.005 a post read
in 2026, deduplicated daily). The estimate here counts distinct posts stored,
times the price the user set; it is an estimate, not X's invoice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_PRICE_PER_POST = 0.005


@dataclass(frozen=True, slots=True)
class UsageLimits:
    """None means no limit. The first three are per session; the monthly cap
    counts every X session this calendar month, as X's plans do."""

    max_posts: int | None = None
    max_cost: float | None = None
    max_minutes: float | None = None
    max_month_posts: int | None = None

    def describe(self) -> str:
        """The limits in words ("20 posts, $1.00 or 30 min"), empty when none."""
        parts = []
        if self.max_posts is not None:
            parts.append(_posts(self.max_posts))
        if self.max_cost is not None:
            parts.append(f"${self.max_cost:,.2f}")
        if self.max_minutes is not None:
            parts.append(f"{self.max_minutes:g} min")
        if self.max_month_posts is not None:
            parts.append(f"{_posts(self.max_month_posts)} this month")
        if len(parts) > 1:
            return ", ".join(parts[:-1]) + " or " + parts[-1]
        return "".join(parts)


def _posts(count: int) -> str:
    return f"{count:,} post" if count == 1 else f"{count:,} posts"


class UsageMeter:
    def __init__(
        self,
        price_per_post: float = DEFAULT_PRICE_PER_POST,
        limits: UsageLimits | None = None,
        posts_earlier_today: int = 0,
        posts_earlier_this_month: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.price_per_post = price_per_post
        self.limits = limits or UsageLimits()
        self.session_posts = 0
        self._earlier_today = posts_earlier_today
        self._earlier_this_month = max(posts_earlier_this_month, posts_earlier_today)
        self._clock = clock
        self._started = clock()

    def add(self, posts: int) -> None:
        self.session_posts += posts

    @property
    def today_posts(self) -> int:
        return self._earlier_today + self.session_posts

    @property
    def month_posts(self) -> int:
        return self._earlier_this_month + self.session_posts

    @property
    def month_cost(self) -> float:
        return self.month_posts * self.price_per_post

    @property
    def session_cost(self) -> float:
        return self.session_posts * self.price_per_post

    @property
    def today_cost(self) -> float:
        return self.today_posts * self.price_per_post

    def limit_reached(self) -> str | None:
        """Why the session must stop now, or None."""
        limits = self.limits
        if limits.max_posts is not None and self.session_posts >= limits.max_posts:
            return f"limit reached: {limits.max_posts:,} posts"
        if limits.max_cost is not None and self.session_cost >= limits.max_cost:
            return f"limit reached: ${limits.max_cost:,.2f} estimated cost"
        minutes = (self._clock() - self._started) / 60.0
        if limits.max_minutes is not None and minutes >= limits.max_minutes:
            return f"limit reached: {limits.max_minutes:g} minutes"
        if limits.max_month_posts is not None and self.month_posts >= limits.max_month_posts:
            return f"monthly cap reached: {_posts(limits.max_month_posts)}"
        return None

    def limits_text(self) -> str:
        """What stops this session, in words; empty when nothing will."""
        return self.limits.describe()

    def summary(self) -> str:
        text = (
            f"{_posts(self.session_posts)} this session ≈ ${self.session_cost:,.2f} · "
            f"today {self.today_posts:,} ≈ ${self.today_cost:,.2f}"
        )
        limits = self.limits_text()
        return f"{text} · stops at {limits}" if limits else text
