"""The post model every source produces and every consumer reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

LocationKind = Literal["exact", "place", "profile"]
LOCATION_KINDS: tuple[LocationKind, ...] = ("exact", "place", "profile")
# A location less certain than this (a region, a state, a country) is "coarse":
# its centre says little about where the post was written.
COARSE_RADIUS_M = 100_000.0


@dataclass(frozen=True, slots=True)
class Location:
    """Where a post is drawn and how we know it.

    `kind` is the provenance the user sees: `exact` (a point sent with the
    post), `place` (centre of the place's bounding box), `profile` (the
    author's profile location text matched in the offline gazetteer).
    """

    lon: float
    lat: float
    kind: LocationKind
    radius_m: float
    label: str = ""

    @property
    def coarse(self) -> bool:
        """True for a country- or region-sized place: derived from the radius,
        so it holds for stored posts too without a schema change."""
        return self.radius_m >= COARSE_RADIUS_M


@dataclass(slots=True)
class Post:
    id: str
    # None when the post carries no time at all (no `created_at`, an id from
    # before ids held the time): the time of reading would be a lie.
    created_at: datetime | None
    text: str
    author_name: str
    author_handle: str
    terms: tuple[str, ...]
    location: Location | None
    # The payload as received: text, or the UTF-8 bytes it was read as (the
    # archive fast path keeps them, saving a decode and an encode a post).
    raw: str | bytes
    lang: str = ""
    synthetic: bool = False
    # True when `created_at` was worked out from the post id (see post_time.py).
    time_from_id: bool = False

    @property
    def url(self) -> str:
        """Link to the post on X; empty for synthetic posts, which exist nowhere."""
        if self.synthetic or not self.id.isdigit():
            return ""
        handle = self.author_handle or "i"
        return f"https://x.com/{handle}/status/{self.id}"
