"""The session engine: what every front end does with the posts a source sends.

One engine carries one session, for the window (`ui/controller.py`) and for
`geotweets collect` (`commands/collect.py`) alike. The front end only decides
*when* a batch is handed over (the window on its timers, `collect` every
200 ms); the engine decides *what happens* to it: it is stored (one
transaction), counted in the live figures and the usage meter, cut at the
post limit, and its new located posts go to a `MapSink` if there is a map.
`limit_reached` says when the session must stop; `summary` says what it
caught. No Qt here: the engine is tested with a plain recording sink.

`add` stores a batch at once, on the caller's thread (`collect`). The
window's GUI thread must not wait on SQLite, so it uses `hand_over`
instead: the batch goes to a `StoreWriter` (core/store_writer.py), and is
counted and sent to the map when the writer's result is delivered, once it
is committed. A batch another process stored (the window's replay at full
speed, its X stream) is only counted and drawn (`take_stored`).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from geotweets_desktop.core.archive.summary import notices_text, reading_text
from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.live_stats import LiveStats
from geotweets_desktop.core.point_batch import Columns
from geotweets_desktop.core.post import LOCATION_KINDS, Post
from geotweets_desktop.core.store import ROW_KIND, SessionInfo, SessionStore, WrittenBatch
from geotweets_desktop.core.store_writer import StoreWriter
from geotweets_desktop.core.stored_batch import StoredBatch
from geotweets_desktop.core.usage import UsageMeter

_T = TypeVar("_T")
log = logging.getLogger(__name__)


def _ignore(_result: object) -> None:
    pass


def _log_failure(error: Exception) -> None:
    log.error("a session could not be closed in the store: %s", error)


class MapSink(Protocol):
    """Where the new located posts of each batch go (the window's map bridge):
    their columns as the store keeps them, blobs one after another
    (core/point_batch.py), never empty."""

    def add_point_blobs(self, blobs: bytes) -> None: ...


@dataclass(frozen=True, slots=True)
class SessionLimits:
    """When a session stops by itself; None is no limit.

    `max_posts` counts posts stored, repeats not included (a batch is cut
    at the limit); `max_seconds` counts from the engine's start. Paid
    sources bring their own limits in their `UsageMeter`."""

    max_posts: int | None = None
    max_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class ArchiveReport:
    """What a replayed file held beyond its posts (see `sources.base.ReadsArchive`).

    `stopped` says where and why reading ended before the end of the file."""

    posts_read: int
    bad_records: int
    posts_with_faults: int = 0
    notices: Mapping[str, int] = field(default_factory=dict)
    stopped: str | None = None
    problems: Sequence[object] = ()

    def reading_text(self) -> str:
        return reading_text(self.bad_records, self.posts_with_faults, self.notices, self.stopped)


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """What a session caught: the figures a front end reports at its end.

    `stored` counts the posts new to this session, `duplicates` the repeats
    left out, `kinds` the stored posts by how they were located. `archive`
    is set for a replayed file; `notices` are what a live source was told
    besides posts (deletions, limits), by kind."""

    session_id: int
    stored: int
    duplicates: int
    located: int
    kinds: Mapping[str, int] = field(default_factory=dict)
    archive: ArchiveReport | None = None
    notices: Mapping[str, int] = field(default_factory=dict)

    def line(self) -> str:
        """One line for a terminal (`geotweets collect` prints it)."""
        by_kind = ", ".join(f"{kind} {self.kinds.get(kind, 0)}" for kind in LOCATION_KINDS)
        caught = f"{self.duplicates} duplicates skipped, {self.located} located ({by_kind})"
        if self.archive is not None:
            return (
                f"session {self.session_id}: {self.archive.posts_read} posts read, "
                f"{self.stored} kept, {caught}, {self.archive.reading_text()}"
            )
        notices = notices_text(self.notices)
        line = f"session {self.session_id}: {self.stored} posts, {caught}"
        return f"{line}, {notices}" if notices else line


class SessionEngine:
    """One session in a store: batches in, figures and map points out."""

    def __init__(
        self,
        store: SessionStore,
        *,
        label: str,
        terms: Sequence[str],
        synthetic: bool,
        areas: Sequence[Area] = (),
        usage: UsageMeter | None = None,
        limits: SessionLimits | None = None,
        map_sink: MapSink | None = None,
        clock: Callable[[], float] = time.monotonic,
        session_id: int | None = None,
        writer: StoreWriter | None = None,
    ) -> None:
        """A new session in `store` (its row is written now), or with
        `session_id` one that is already there. `writer` writes the batches
        given to `hand_over` (its own connection to the same file)."""
        self.store = store
        if session_id is None:
            session_id = store.start_session(label, terms, synthetic, areas)
        self.session_id = session_id
        self.label = label
        self.terms = list(terms)
        self.synthetic = synthetic
        self.areas = list(areas)
        self.usage = usage
        self.limits = limits or SessionLimits()
        self.stats = LiveStats(clock)
        self.kinds: Counter[str] = Counter()
        self._recount_kinds = False
        self.error: str | None = None
        self._map_sink = map_sink
        self._writer = writer
        self.writing = 0  # posts handed over to the writer, not yet acknowledged
        self._write_error: str | None = None
        self._clock = clock
        self._started = clock()
        self._ended = False

    @classmethod
    def reopen(cls, store: SessionStore, session: SessionInfo) -> SessionEngine:
        """A stored session, shown again: its figures, nothing more to add."""
        engine = cls(
            store,
            label=f"{session.source} · session {session.id}",
            terms=session.terms,
            synthetic=session.synthetic,
            areas=session.areas,
            session_id=session.id,
        )
        engine.stats.received = session.received
        engine.stats.located = session.located
        engine.stats.stop()
        engine._ended = True
        return engine

    # -- posts -----------------------------------------------------------------

    def add(self, posts: list[Post]) -> int:
        """Store a batch and count it; the new located posts go to the map.

        Returns how many posts were new to the session (the rest repeated
        one already stored, and are only counted as duplicates)."""
        kept = self._within_post_limit(posts)
        if not kept:
            return 0
        return self._count_written(len(kept), self.store.write_posts(self.session_id, kept))

    def hand_over(self, posts: list[Post]) -> None:
        """Like `add`, through the writer: counted and drawn once written."""
        kept = self._within_post_limit(posts)
        if kept:
            session_id = self.session_id
            self._submit(
                len(kept),
                lambda store: store.write_posts(session_id, kept),
                lambda written: self._count_written(len(kept), written),
            )

    def _count_written(self, kept: int, written: WrittenBatch) -> int:
        """Count what the store said it wrote and send its blob to the map
        as it is: nothing here is per post (the GUI thread runs this)."""
        self.kinds.update(written.kinds)
        self.stats.add_counts(written.added, written.located, duplicates=kept - written.added)
        self._meter(written.added)
        if self._map_sink is not None and written.blob:
            self._map_sink.add_point_blobs(written.blob)
        return written.added

    def add_rows(self, rows: Sequence[tuple[Any, ...]], points: Columns | None = None) -> int:
        """Store rows made by `store.post_row` (a bulk load, no map); how many were new.
        `points`: their map columns made before they had keys (`store.add_rows`).

        The store does not say which rows repeated a post: when some did,
        the figures by kind are counted again from the store at `end`."""
        kept = self._within_post_limit(rows)
        if not kept:
            return 0
        added = self.store.add_rows(kept, points if len(kept) == len(rows) else None)
        located = [row[ROW_KIND] for row in kept if row[ROW_KIND] is not None]
        if added == len(kept):
            self.kinds.update(located)
        else:
            self._recount_kinds = True
        self.stats.add_counts(added, len(located), duplicates=len(kept) - added)
        self._meter(added)
        return added

    def take_stored(self, batch: StoredBatch) -> None:
        """A batch another process has stored in this session (the window's
        replay or X stream process): counted, and its point blobs sent to the map as
        they are."""
        self.kinds.update(batch.new_kinds)
        self.stats.add_counts(batch.added, batch.located, duplicates=batch.kept - batch.added)
        self._meter(batch.added)
        if self._map_sink is not None and batch.blobs:
            self._map_sink.add_point_blobs(batch.blobs)

    def _submit(
        self, posts: int, job: Callable[[SessionStore], _T], count: Callable[[_T], object]
    ) -> None:
        writer = self._writer
        if writer is None:
            raise RuntimeError("this session engine has no store writer")

        def done(result: _T) -> None:
            self.writing -= posts
            count(result)

        def failed(error: Exception) -> None:
            self.writing -= posts
            self._write_error = f"posts could not be stored: {error}"
            log.error(
                "%d posts of session %d could not be stored: %s", posts, self.session_id, error
            )

        self.writing += posts
        writer.submit(job, done, failed)

    def detach_map(self) -> None:
        """Send no more points to the map (another session is shown there now)."""
        self._map_sink = None

    def _within_post_limit(self, items: Sequence[_T]) -> Sequence[_T]:
        max_posts = self.limits.max_posts
        if max_posts is None:
            return items
        # Posts still being written may all be new: counted against the limit
        # until the writer says which were repeats.
        return items[: max(0, max_posts - self.stats.received - self.writing)]

    def _meter(self, added: int) -> None:
        if self.usage is not None:
            self.usage.add(added)

    # -- state -----------------------------------------------------------------

    def note_status(self, state: str, message: str = "") -> None:
        """The source's state: the clock stops when it does; an error is kept."""
        if state in ("stopped", "error"):
            self.stats.stop()
        if state == "error":
            self.error = message

    def limit_reached(self) -> str | None:
        """Why the session must stop now, or None."""
        if self._write_error is not None:
            return self._write_error
        limits = self.limits
        if limits.max_posts is not None and self.stats.received >= limits.max_posts:
            return f"limit reached: {limits.max_posts:,} posts"
        if limits.max_seconds is not None and self._clock() - self._started >= limits.max_seconds:
            return f"limit reached: {limits.max_seconds:g} seconds"
        if self.usage is not None:
            return self.usage.limit_reached()
        return None

    def end(self) -> None:
        """Close the session in the store (once) and stop its clock."""
        self.stats.stop()
        if self._recount_kinds:
            self.kinds = Counter(self.store.located_by_kind(self.session_id))
            self.stats.located = sum(self.kinds.values())
            self._recount_kinds = False
        if not self._ended:
            self._ended = True
            if self._writer is not None and self._writer.unfinished:
                # After the batches still being written, never alongside them.
                session_id = self.session_id
                self._writer.submit(
                    lambda store: store.end_session(session_id), _ignore, _log_failure
                )
            else:
                self.store.end_session(self.session_id)

    def summary(
        self, archive: ArchiveReport | None = None, notices: Mapping[str, int] | None = None
    ) -> SessionSummary:
        """The session's figures, with what the file held (a replay) or what
        the source was told besides posts (a live source)."""
        return SessionSummary(
            session_id=self.session_id,
            stored=self.stats.received,
            duplicates=self.stats.duplicates,
            located=self.stats.located,
            kinds=dict(self.kinds),
            archive=archive,
            notices=dict(notices or {}),
        )
