"""Every source, built from what the user chose: the window and `collect` alike.

The X sources need a token; the front end passes how to find one (the
keyring lives in `geotweets_desktop.credentials`, not here) and decides what
to do when there is none: the window offers its credentials dialog,
`collect` says how to store one. Each source's module is imported only when
it is chosen: tweepy alone takes a while to import, and a replay needs none
of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from geotweets_desktop.core.area.model import Area
from geotweets_desktop.sources.base import Source

SourceKind = Literal["demo", "x-stream", "x-search", "replay"]
DEMO: SourceKind = "demo"
X_STREAM: SourceKind = "x-stream"
X_SEARCH: SourceKind = "x-search"
REPLAY: SourceKind = "replay"

#: () -> (token or None, where it came from, in words).
TokenLookup = Callable[[], tuple[str | None, str]]


class NoTokenError(LookupError):
    """An X source was chosen and no token was found."""


@dataclass(frozen=True, slots=True)
class SourceChoice:
    kind: SourceKind
    terms: Sequence[str] = ()
    #: X only: ask for posts with a place or a point (`has:geo`).
    located_only: bool = True
    #: X and replay: keep to these areas (X is asked for them; a replay filters).
    areas: Sequence[Area] = ()
    #: Replay only: the archive, and times its pace (None: as fast as possible).
    archive: Path | None = None
    speed: float | None = None
    #: X stream only: end (with an error) after this long without the network.
    network_give_up_s: float | None = None


def build_source(choice: SourceChoice, find_token: TokenLookup | None = None) -> Source:
    """The source for `choice`; raises NoTokenError for X without a token, and
    AreaError or RuleError for areas X cannot follow."""
    terms = list(choice.terms)
    if choice.kind == DEMO:
        from geotweets_desktop.sources.demo import DemoSource

        return DemoSource(terms)
    if choice.kind == REPLAY:
        from geotweets_desktop.sources.replay import ReplaySource

        if choice.archive is None:
            raise ValueError("a replay needs an archive file")
        return ReplaySource(choice.archive, terms, speed=choice.speed, areas=choice.areas)
    token, origin = find_token() if find_token is not None else (None, "")
    if token is None:
        raise NoTokenError("no X token")
    source: Source
    if choice.kind == X_STREAM:
        from geotweets_desktop.sources.x_stream import XStreamSource

        source = XStreamSource(
            terms,
            token,
            located_only=choice.located_only,
            areas=list(choice.areas),
            network_give_up_s=choice.network_give_up_s,
        )
    else:
        from geotweets_desktop.sources.x_search import XRecentSearchSource

        source = XRecentSearchSource(
            terms, token, located_only=choice.located_only, areas=list(choice.areas)
        )
    source.label = f"{source.label} (token from {origin})"
    return source
