"""The one interface every stream source implements, and what some sources offer.

A source runs on a worker thread (`run` blocks until the stream ends) and
reports through a sink: batches of posts and status events. `stop` is called
from another thread and must make `run` return promptly (well under a
second), closing any connection it holds.

Front ends ask a source for a capability (`isinstance(source, Pausable)`),
never for its concrete class, so a new source that can pause or report
progress gets the buttons and bars for it without touching them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.session import ArchiveReport
from geotweets_desktop.core.stored_batch import StoredBatch

State = Literal["starting", "connecting", "live", "reconnecting", "stopped", "error"]


@dataclass(frozen=True, slots=True)
class StatusEvent:
    state: State
    message: str = ""
    retry_in: float | None = None


class Sink(Protocol):
    def posts(self, posts: list[Post]) -> None: ...

    def status(self, event: StatusEvent) -> None: ...


@runtime_checkable
class StoredSink(Sink, Protocol):
    """A sink that also takes batches another process has already stored in
    the session (`core.stored_batch`): the window, for a replay as fast as
    possible and the X stream, which counts and draws them."""

    def stored(self, batch: StoredBatch) -> None: ...


class Source(Protocol):
    #: Shown to the user in the status bar and stored with the session.
    label: str
    #: True when the posts are made up (the demo): the UI says so everywhere.
    synthetic: bool
    terms: list[str]

    def run(self, sink: Sink) -> None: ...

    def stop(self) -> None: ...


@runtime_checkable
class Pausable(Protocol):
    """A source that can hold its posts back and go on later (an archive replay)."""

    def pause(self) -> None: ...

    def resume(self) -> None: ...


@runtime_checkable
class TakesSession(Protocol):
    """Stores its posts into the session itself, from another process (see
    `StoredSink`): the front end sets the store and the session's id before
    the source runs."""

    store_path: Path | None
    session_id: int | None


@runtime_checkable
class ReportsProgress(Protocol):
    """Knows how far through it is (a file being replayed)."""

    @property
    def fraction(self) -> float:
        """From 0 (nothing done) to 1 (all done)."""
        ...


@runtime_checkable
class ReadsArchive(Protocol):
    """Plays a file back: what the file held besides its posts."""

    path: Path
    #: Times the original pace; None is as fast as possible.
    speed: float | None

    def not_an_archive(self) -> str | None:
        """Why the file holds nothing to replay (one line), or None."""
        ...

    def archive_report(self) -> ArchiveReport: ...

    def summary(self) -> str:
        """One line for the user: read, matched, located, bad."""
        ...


@runtime_checkable
class CountsNotices(Protocol):
    """Is told things besides posts (deletions, limits) and counts them by kind."""

    @property
    def notices(self) -> Mapping[str, int]: ...


@runtime_checkable
class BilledPerPost(Protocol):
    """Its provider bills every post delivered (X): the front end meters usage."""

    billed_per_post: bool


@runtime_checkable
class KeepsToAreas(Protocol):
    """Keeps only posts inside some areas (a replay filters by them; the X
    sources ask X for them). Empty: anywhere."""

    areas: list[Area]


@runtime_checkable
class FollowsAreas(KeepsToAreas, Protocol):
    """Asks its provider for the posts in its areas, within the provider's limits."""

    def following_summary(self) -> str:
        """What following the areas takes (rules, shapes) and the provider's limits."""
        ...


def areas_of(source: Source) -> list[Area]:
    """The areas a session with `source` keeps to (stored with the session)."""
    return list(source.areas) if isinstance(source, KeepsToAreas) else []
