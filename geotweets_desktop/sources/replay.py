"""Replay an archive file as if it were a live stream.

Pace: each post is due `(its created_at - the first post's created_at) / speed`
after the start, so gaps in the archive play back `speed` times faster
(`speed=None` is "max": as fast as the file can be read). A paced replay
reads the whole archive first and plays it in time order: archives are not
always sorted, and search results come newest first (a twarc2 capture of
recent search is in reverse time order from its first page to its last), so
played in file order it would be over in an instant. Time spent paused
pushes the whole schedule back. A jump of more than `MAX_GAP_S` between two
consecutive posts (the collector was off overnight, or a broken timestamp)
is closed up rather than waited out, so one bad date cannot stall a replay for years.

Batches: posts that fall due together go to `sink.posts` as one list, and a
list is sent at the latest when it holds `batch_size` posts or has waited
`batch_seconds`, so "max" speed sends big, infrequent batches and slow
speeds send each post on time.

A post with no known time (see core/post_time.py) is played first and sent
at once.

Terms: a post is kept when its text matches at least one term as X would
(`core.term_match`), and its `terms` are the ones it matches; with no terms
every post passes. Areas: a post is kept only when it lies in one of them
(`core.area.inside`). Progress goes to `sink.status` a few times a second; the
last status is a summary (posts read, matched, located by kind, bad lines,
notices by kind, and where reading stopped if it stopped early). A file
holding nothing this app reads ends with an error status instead.

Time: `clock` says what time it is and `wait(condition, timeout)` (the shape
of `threading.Condition.wait`, `timeout` in clock seconds, None for "until
notified") is how the source waits; tests pass a virtual clock's pair, so
pacing is checked exactly and a busy machine cannot make it late.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.core.area.inside import post_inside
from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.gazetteer import locate_profile
from geotweets_desktop.core.geolocate import ProfileMatcher
from geotweets_desktop.core.post import LOCATION_KINDS, Post
from geotweets_desktop.core.session import ArchiveReport
from geotweets_desktop.core.term_match import TermMatcher
from geotweets_desktop.sources.base import Sink, StatusEvent

SPEEDS: tuple[float | None, ...] = (1.0, 10.0, 100.0, None)
BATCH_SIZE = 1_000
BATCH_SECONDS = 0.05
PROGRESS_SECONDS = 0.25
MAX_GAP_S = 3600.0
_NO_TIME = datetime.min.replace(tzinfo=UTC)

Wait = Callable[[threading.Condition, float | None], object]


def parse_speed(text: str) -> float | None:
    """`"max"` -> None; a positive number (`"10"`, `"2.5"`) -> that float."""
    if text.strip().lower() in {"max", "maximum", "fast"}:
        return None
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise ValueError(f"speed must be a positive number or 'max', not {text!r}")
    return value


class ReplaySource:
    """A Source (see sources/base.py) that plays an archive file back: it is
    Pausable, ReportsProgress and ReadsArchive."""

    synthetic = False

    def __init__(
        self,
        path: Path | str,
        terms: Sequence[str] = (),
        *,
        speed: float | None = None,
        areas: Sequence[Area] = (),
        batch_size: int = BATCH_SIZE,
        batch_seconds: float = BATCH_SECONDS,
        progress_seconds: float = PROGRESS_SECONDS,
        profile_matcher: ProfileMatcher | None = locate_profile,
        clock: Callable[[], float] = time.monotonic,
        wait: Wait = threading.Condition.wait,
    ) -> None:
        self.path = Path(path)
        self.terms = list(terms)
        self.areas = list(areas)
        self.label = f"Replay: {self.path.name}"
        self.speed = speed
        self.reader = ArchiveReader(self.path, profile_matcher)
        self._matcher = TermMatcher(self.terms)
        self._batch_size = batch_size
        self._batch_seconds = batch_seconds
        self._progress_seconds = progress_seconds
        self._clock = clock
        self._wait = wait
        self._cond = threading.Condition()
        self._stopped = False
        self._paused = False
        self._shift = 0.0  # seconds the schedule was pushed back by pauses
        self.matched = 0
        self.kinds: Counter[str] = Counter()
        self.finished = False  # True once the whole file was played
        self._to_play: int | None = None  # posts a paced replay holds, once read
        self._taken = 0  # posts played or passed over by the term filter

    # -- control, from any thread --------------------------------------------

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def pause(self) -> None:
        with self._cond:
            self._paused = True
            self._cond.notify_all()

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def fraction(self) -> float:
        """How far the replay is, 0 to 1: the part of the file read, or, for a
        paced replay (which reads it all first), the part of its posts played."""
        if self._to_play is None:
            return self.reader.fraction
        return self._taken / self._to_play if self._to_play else 1.0

    # -- the stream, on the worker thread -----------------------------------

    def run(self, sink: Sink) -> None:
        sink.status(StatusEvent("connecting", f"Opening {self.path.name}"))
        posts = self.reader.posts()
        try:
            if self.speed is None:
                self._play(posts, sink)
            else:
                in_order = self._read_all(posts, sink)
                if in_order is not None:
                    self._play(in_order, sink)
        except OSError as exc:
            sink.status(StatusEvent("error", f"Cannot read {self.path}: {exc.strerror or exc}"))
            return
        except Exception as exc:  # the posts before it are sent; say where and why
            posts.close()  # sets reader.lines_read to the line reading stopped at
            fault = f"unexpected fault ({type(exc).__name__}: {exc})"
            sink.status(
                StatusEvent(
                    "error", f"{self.summary()}; stopped at line {self.reader.lines_read}: {fault}"
                )
            )
            return
        finally:
            posts.close()
        why_not = self.reader.why_not_an_archive() if self.finished else None
        if why_not is not None:
            sink.status(StatusEvent("error", why_not))
            return
        sink.status(StatusEvent("stopped", self.summary()))

    def _read_all(self, posts: Iterable[Post], sink: Sink) -> list[Post] | None:
        """Every post of the archive in time order (None: stopped meanwhile)."""
        kept: list[Post] = []
        last_progress = self._clock()
        for post in posts:
            if self._stopped:
                return None
            kept.append(post)
            if self._clock() - last_progress >= self._progress_seconds:
                last_progress = self._clock()
                read = f"Reading {self.path.name}: {len(kept):,} posts"
                sink.status(StatusEvent("connecting", read))
        # Stable: equal times keep file order. Posts with no time go first
        # (they are sent at once, like posts out of order).
        kept.sort(key=lambda post: post.created_at or _NO_TIME)
        self._to_play = len(kept)
        return kept

    def _play(self, posts: Iterable[Post], sink: Sink) -> None:
        matcher = self._matcher if self.terms else None
        areas = self.areas
        clock = self._clock
        speed = self.speed
        batch: list[Post] = []
        started = clock()
        last_flush = last_progress = started
        first_time: float | None = None
        previous = 0.0  # archive time of the previous post
        closed_up = 0.0  # archive seconds of gaps closed up so far
        sink.status(StatusEvent("live", f"Replaying {self.path.name}"))
        try:
            for post in posts:
                if self._stopped:
                    break
                self._taken += 1
                found = matcher.matching(post.text) if matcher is not None else post.terms
                if (matcher is not None and not found) or (areas and not post_inside(post, areas)):
                    if clock() - last_progress >= self._progress_seconds:
                        last_progress = clock()
                        sink.status(StatusEvent("live", self.progress()))
                    continue
                post.terms = found
                if speed is not None and post.created_at is not None:
                    moment = post.created_at.timestamp()
                    if first_time is None:
                        first_time = previous = moment
                    elif abs(moment - previous) > MAX_GAP_S:
                        closed_up += moment - previous
                    previous = moment
                    due = started + (moment - closed_up - first_time) / speed
                    if self._paused or due + self._shift > clock():
                        if batch:
                            sink.posts(batch)
                            batch = []
                            last_flush = clock()
                        if not self._wait_until(due):
                            break
                elif self._paused:
                    if batch:
                        sink.posts(batch)
                        batch = []
                    if not self._wait_until(0.0):
                        break
                batch.append(post)
                self.matched += 1
                location = post.location
                if location is not None:
                    self.kinds[location.kind] += 1
                now = clock()
                if len(batch) >= self._batch_size or now - last_flush >= self._batch_seconds:
                    sink.posts(batch)
                    batch = []
                    last_flush = now
                if now - last_progress >= self._progress_seconds:
                    last_progress = now
                    sink.status(StatusEvent("live", self.progress()))
            else:
                self.finished = True
        finally:
            if batch:  # sent even when a fault ends the replay: nothing read is lost
                sink.posts(batch)

    def _wait_until(self, due: float) -> bool:
        """Sleep until `due` (+ time paused); False when stopped meanwhile."""
        clock = self._clock
        with self._cond:
            while not self._stopped:
                if self._paused:
                    began = clock()
                    while self._paused and not self._stopped:
                        self._wait(self._cond, None)
                    self._shift += clock() - began
                    continue
                remaining = due + self._shift - clock()
                if remaining <= 0:
                    return True
                self._wait(self._cond, remaining)
            return False

    # -- reporting -----------------------------------------------------------

    def progress(self) -> str:
        reader = self.reader
        return progress_line(
            self.path.name,
            self.fraction,
            reader.posts_read,
            self.matched,
            reader.bad_records,
            paused=self._paused,
        )

    def not_an_archive(self) -> str | None:
        """Why the file is no archive at all (one line), or None; asked before `run`."""
        try:
            return self.reader.not_an_archive()
        except OSError as exc:
            return f"cannot read {self.path}: {exc.strerror or exc}"

    @property
    def notices(self) -> Mapping[str, int]:
        """X's notices met in the file so far, by kind."""
        return self.reader.notices

    def archive_report(self) -> ArchiveReport:
        reader = self.reader
        return ArchiveReport(
            reader.posts_read,
            reader.bad_records,
            reader.posts_with_faults,
            dict(reader.notices),
            str(reader.stopped) if reader.stopped else None,
            tuple(reader.problems),
        )

    def summary(self) -> str:
        """One line: what was read, what was sent, how it was located, what was bad."""
        filtered = bool(self.terms or self.areas)
        return summary_line(
            self.path.name, self.finished, filtered, self.matched, self.kinds, self.archive_report()
        )


def progress_line(
    name: str, fraction: float, read: int, shown: int, bad: int, *, paused: bool
) -> str:
    """A running replay's status line (both replay sources say it alike)."""
    text = f"Replaying {name}: {100 * fraction:.0f}% · {read:,} posts read · {shown:,} shown"
    if bad:
        text += f" · {bad:,} bad"
    if paused:
        text += " · paused"
    return text


def summary_line(
    name: str,
    finished: bool,
    filtered: bool,
    matched: int,
    kinds: Mapping[str, int],
    report: ArchiveReport,
) -> str:
    """A replay's last words: what was read, what was sent (`matched`: kept by
    the terms or areas when `filtered`), how it was located, what was bad."""
    located = sum(kinds.values())
    by_kind = ", ".join(f"{kind} {kinds.get(kind, 0):,}" for kind in LOCATION_KINDS)
    text = f"Replayed {name}" if finished else f"Replay of {name} stopped"
    text += f": {report.posts_read:,} posts read"
    if filtered:
        text += f", {matched:,} matched"
    elif matched != report.posts_read:
        text += f", {matched:,} sent"
    return f"{text}, {located:,} located ({by_kind}), {report.reading_text()}"
