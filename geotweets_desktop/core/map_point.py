"""What the map holds of a located post (`StoredPoint`), made from a post or
from the columns of its stored row."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from geotweets_desktop.core.post import Post
from geotweets_desktop.core.x_text import hashtags


@dataclass(frozen=True, slots=True)
class StoredPoint:
    """Where and how a post was located, and what the page's timeline,
    filters and lists read. No text (fetched on demand); `tags` are the
    hashtags in it (`x_text.hashtags`)."""

    key: int
    lon: float
    lat: float
    kind: str
    terms: tuple[str, ...]
    time: float = math.nan  # the post's own time, Unix seconds; NaN when unknown
    lang: str = ""
    place: str = ""  # the location's label
    author: str = ""  # the author's handle
    tags: tuple[str, ...] = ()


def stored_point(key: int, post: Post) -> StoredPoint | None:
    """The map's point for a stored post; None when it was not located."""
    loc = post.location
    if loc is None:
        return None
    return StoredPoint(
        key,
        loc.lon,
        loc.lat,
        loc.kind,
        post.terms,
        post.created_at.timestamp() if post.created_at is not None else math.nan,
        post.lang,
        loc.label,
        post.author_handle,
        hashtags(post.text),
    )


def point_from_columns(
    key: int,
    lon: float,
    lat: float,
    kind: str,
    terms_json: str,
    created_at: str,
    lang: str,
    place_label: str | None,
    author_handle: str,
    text: str,
) -> StoredPoint:
    """The map's point from a located post's stored columns."""
    return StoredPoint(
        key,
        lon,
        lat,
        kind,
        stored_terms(terms_json),
        iso_seconds(created_at),
        lang,
        place_label or "",
        author_handle,
        hashtags(text),
    )


@lru_cache(maxsize=1024)
def stored_terms(text: str) -> tuple[str, ...]:
    """A post's terms from their stored JSON (cached: a session has few combinations)."""
    return tuple(json.loads(text))


def iso_seconds(text: str) -> float:
    """A stored `created_at` as Unix seconds; NaN for none ('')."""
    return datetime.fromisoformat(text).timestamp() if text else math.nan
