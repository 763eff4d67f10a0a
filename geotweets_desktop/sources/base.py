"""The one interface every stream source implements.

A source runs on a worker thread (`run` blocks until the stream ends) and
reports through a sink: batches of posts and status events. `stop` is called
from another thread and must make `run` return promptly (well under a
second), closing any connection it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from geotweets_desktop.core.post import Post

State = Literal["starting", "connecting", "live", "reconnecting", "stopped", "error"]


@dataclass(frozen=True, slots=True)
class StatusEvent:
    state: State
    message: str = ""
    retry_in: float | None = None


class Sink(Protocol):
    def posts(self, posts: list[Post]) -> None: ...

    def status(self, event: StatusEvent) -> None: ...


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
