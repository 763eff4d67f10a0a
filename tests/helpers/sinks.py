"""A sink that records what a source sends, for tests that run sources on a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from geotweets_desktop.core.post import Post
from geotweets_desktop.core.stored_batch import StoredBatch
from geotweets_desktop.sources.base import StatusEvent


class RecordingSink:
    """Keeps every batch of posts and every status event, each with the moment
    (by `clock`) it arrived. The source calls it from its own thread; the
    properties give the test copies taken under the lock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._batches: list[tuple[float, list[Post]]] = []
        self._statuses: list[tuple[float, StatusEvent]] = []
        self._stored: list[StoredBatch] = []
        self.first_batch = threading.Event()
        self.went_live = threading.Event()

    # -- the Sink interface (sources/base.py) --------------------------------

    def posts(self, posts: list[Post]) -> None:
        with self._lock:
            self._batches.append((self._clock(), list(posts)))
        self.first_batch.set()

    def stored(self, batch: StoredBatch) -> None:
        """A batch the source's own process stored (`sources.base.StoredSink`)."""
        with self._lock:
            self._stored.append(batch)

    def status(self, event: StatusEvent) -> None:
        with self._lock:
            self._statuses.append((self._clock(), event))
        if event.state == "live":
            self.went_live.set()

    # -- what the test reads -------------------------------------------------

    @property
    def batches(self) -> list[tuple[float, list[Post]]]:
        """(arrival time, posts) for every batch, in order."""
        with self._lock:
            return [(at, list(batch)) for at, batch in self._batches]

    @property
    def received(self) -> list[Post]:
        """Every post, in arrival order."""
        with self._lock:
            return [post for _, batch in self._batches for post in batch]

    @property
    def arrivals(self) -> list[float]:
        """The arrival time of each post, in order."""
        with self._lock:
            return [at for at, batch in self._batches for _ in batch]

    @property
    def stored_batches(self) -> list[StoredBatch]:
        with self._lock:
            return list(self._stored)

    @property
    def statuses(self) -> list[tuple[float, StatusEvent]]:
        """(arrival time, event) for every status, in order."""
        with self._lock:
            return list(self._statuses)

    @property
    def events(self) -> list[StatusEvent]:
        with self._lock:
            return [event for _, event in self._statuses]

    @property
    def states(self) -> list[str]:
        with self._lock:
            return [event.state for _, event in self._statuses]

    @property
    def last(self) -> StatusEvent:
        """The latest status event."""
        with self._lock:
            return self._statuses[-1][1]
