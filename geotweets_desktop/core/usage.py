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
    max_posts: int | None = None
    max_cost: float | None = None
    max_minutes: float | None = None


class UsageMeter:
    def __init__(
        self,
        price_per_post: float = DEFAULT_PRICE_PER_POST,
        limits: UsageLimits | None = None,
        posts_earlier_today: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.price_per_post = price_per_post
        self.limits = limits or UsageLimits()
        self.session_posts = 0
        self._earlier_today = posts_earlier_today
        self._clock = clock
        self._started = clock()

    def add(self, posts: int) -> None:
        self.session_posts += posts

    @property
    def today_posts(self) -> int:
        return self._earlier_today + self.session_posts

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
        return None

    def summary(self) -> str:
        return (
            f"{self.session_posts:,} posts this session, {self.today_posts:,} today · "
            f"≈ ${self.session_cost:,.2f} (today ${self.today_cost:,.2f}) "
            f"at ${self.price_per_post:g}/post"
        )
