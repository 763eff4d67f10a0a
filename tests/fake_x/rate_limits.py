"""X's rate limits: so many requests per window, then a 429, with x-rate-limit-* headers."""

from __future__ import annotations

import time


class RateBucket:
    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.used = 0
        # Wall-clock time: X's x-rate-limit-reset header is a Unix timestamp.
        self.reset_at = time.time() + window

    def take(self) -> tuple[bool, dict[str, str]]:
        """Whether one more request is allowed now, and the headers to send with the answer."""
        now = time.time()
        if now >= self.reset_at:
            self.used = 0
            self.reset_at = now + self.window
        allowed = self.used < self.limit
        if allowed:
            self.used += 1
        headers = {
            "x-rate-limit-limit": str(self.limit),
            "x-rate-limit-remaining": str(max(self.limit - self.used, 0)),
            "x-rate-limit-reset": str(int(self.reset_at)),
        }
        return allowed, headers
