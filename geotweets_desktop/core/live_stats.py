"""The figures the status bar shows for a running session."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

RATE_WINDOW_S = 60.0


class LiveStats:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.started = clock()
        self.stopped: float | None = None
        self._paused_at: float | None = None
        self._paused_for = 0.0  # seconds spent paused, left out of `elapsed`
        self.received = 0
        self.located = 0
        # Posts delivered again (same id) and not counted twice: streams and files repeat.
        self.duplicates = 0
        # (time, posts) per batch, not a time per post: at thousands of posts
        # a second a per-post deque held a million floats, and every full
        # garbage collection walked them all (20-30 ms with the GUI stalled).
        self._arrivals: deque[tuple[float, int]] = deque()

    def add_counts(self, received: int, located: int, duplicates: int = 0) -> None:
        """A batch: its new posts, how many of them are located, and how
        many repeats were left out of it."""
        self.duplicates += duplicates
        if received:
            self.received += received
            self.located += located
            self._arrivals.append((self._clock(), received))

    def stop(self) -> None:
        if self.stopped is None:
            self.resume()
            self.stopped = self._clock()

    def pause(self) -> None:
        """The clock stops until `resume` (a paused replay is not elapsing)."""
        if self._paused_at is None and self.stopped is None:
            self._paused_at = self._clock()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._paused_for += self._clock() - self._paused_at
            self._paused_at = None

    def reset_counts(self) -> None:
        """Counts start again from nothing (the user cleared the map); the clock runs on."""
        self.received = 0
        self.located = 0
        self._arrivals.clear()

    def _now(self) -> float:
        for moment in (self.stopped, self._paused_at):
            if moment is not None:
                return moment
        return self._clock()

    @property
    def elapsed(self) -> float:
        return self._now() - self.started - self._paused_for

    @property
    def per_minute(self) -> float:
        """Posts received in the last minute (scaled up while the session is younger)."""
        now = self._now()
        while self._arrivals and self._arrivals[0][0] < now - RATE_WINDOW_S:
            self._arrivals.popleft()
        window = min(RATE_WINDOW_S, max(self.elapsed, 1.0))
        return sum(count for _, count in self._arrivals) * 60.0 / window


def format_elapsed(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
