"""Every source, built from what the user chose: the window and `collect` alike.

The X sources need a token: the front end finds one first (the keyring lives
in `geotweets_desktop.credentials`, not here) and decides what to do when
there is none: the window offers its credentials dialog, `collect` says how
to store one. Each source's module is imported only when it is chosen:
tweepy alone takes a while to import, and a replay needs none of it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geotweets_desktop.core.area.model import Area
from geotweets_desktop.sources.base import Source

DEMO = "demo"
X_STREAM = "x-stream"
X_SEARCH = "x-search"
REPLAY = "replay"
# The kinds that need an X token.
X_KINDS = (X_STREAM, X_SEARCH)


@dataclass(frozen=True, slots=True)
class SourceChoice:
    #: DEMO, X_STREAM, X_SEARCH or REPLAY.
    kind: str
    terms: Sequence[str] = ()
    #: X only: ask for posts with a place or a point (`has:geo`).
    located_only: bool = True
    #: X and replay: keep to these areas (X is asked for them; a replay filters).
    areas: Sequence[Area] = ()
    #: Replay only: the archive, and times its pace (None: as fast as possible).
    archive: Path | None = None
    speed: float | None = None
    #: Replay as fast as possible and the X stream: run in a process of its own
    #: that stores into the session, for a front end that takes what it
    #: stored (sources/fast_replay.py, sources/x_stream_apart.py).
    stored_apart: bool = False
    #: X stream only: end (with an error) after this long without the network.
    network_give_up_s: float | None = None


def _forks() -> bool:
    from geotweets_desktop.commands.bulk_replay import available

    return available()


def prepare_fast_replay() -> None:
    """A replay as fast as possible may come soon (the archive dialog is
    open): its process starts now, to be ready when the file is chosen."""
    if _forks():
        from geotweets_desktop.sources.fast_replay import warm_up

        warm_up()


def forget_fast_replay() -> None:
    """The replay prepared for did not come (or the window closes)."""
    fast_replay = sys.modules.get("geotweets_desktop.sources.fast_replay")
    if fast_replay is not None:
        fast_replay.let_go()


def build_source(choice: SourceChoice, token: str | None = None) -> Source:
    """The source for `choice` (`token` for the X kinds); raises AreaError or
    RuleError for areas X cannot follow, and ValueError for a choice that
    cannot be built (no archive, no token, no such kind)."""
    terms = list(choice.terms)
    if choice.kind == DEMO:
        from geotweets_desktop.sources.demo import DemoSource

        return DemoSource(terms)
    if choice.kind == REPLAY:
        from geotweets_desktop.sources.replay import ReplaySource

        if choice.archive is None:
            raise ValueError("a replay needs an archive file")
        if choice.speed is None and choice.stored_apart and _forks():
            from geotweets_desktop.sources.fast_replay import FastReplaySource

            return FastReplaySource(choice.archive, terms, areas=choice.areas)
        return ReplaySource(choice.archive, terms, speed=choice.speed, areas=choice.areas)
    if choice.kind not in X_KINDS:
        raise ValueError(f"no such source: {choice.kind!r}")
    if token is None:
        raise ValueError("an X source needs a token")
    if choice.kind == X_STREAM:
        from geotweets_desktop.sources.x_stream import XStreamSource

        stream = XStreamSource(
            terms,
            token,
            located_only=choice.located_only,
            areas=list(choice.areas),
            network_give_up_s=choice.network_give_up_s,
        )
        if not choice.stored_apart:
            return stream
        from geotweets_desktop.sources.x_stream_apart import XStreamApartSource

        return XStreamApartSource(stream)
    from geotweets_desktop.sources.x_search import XRecentSearchSource

    return XRecentSearchSource(
        terms, token, located_only=choice.located_only, areas=list(choice.areas)
    )
