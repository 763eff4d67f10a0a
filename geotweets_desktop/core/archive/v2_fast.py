"""The fast path for X API v2 stream lines: decode only the fields we use.

A v2 post with expansions is about 4.5 KB of JSON, nearly all of it metrics,
entities and annotations we never read. Decoding it into a general Python
dict costs about 70 µs (orjson); decoding it into typed structs that declare
only the fields below lets msgspec skip the rest, in about 7 µs. That is the
difference between a million-post archive loading in half a minute or in a
few seconds.

The result must equal what the general path (`v2.post_from_stream_line`)
makes of the same line, and the general path stays the judge of anything
unusual: a line this decoder cannot type (a number where a string belongs,
a twarc2 page, NaN, broken JSON) or whose point or place box is damaged
returns None here and is read again there, which then names the fault.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import msgspec

from geotweets_desktop.core.geolocate import ProfileMatcher, place_from_bbox
from geotweets_desktop.core.payload import terms_for_tags
from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.post_time import parse_iso_time, post_time
from geotweets_desktop.core.x_text import shown_text


class _Point(msgspec.Struct, gc=False):
    coordinates: list[float] | None = None


class _Geo(msgspec.Struct, gc=False):
    coordinates: _Point | None = None
    place_id: str | None = None


class _Note(msgspec.Struct, gc=False):
    text: str


class _Reference(msgspec.Struct, gc=False):
    type: str | None = None
    id: str | None = None


class _Data(msgspec.Struct, gc=False):
    id: str
    text: str
    created_at: str | None = None
    author_id: str | None = None
    lang: str | None = None
    geo: _Geo | None = None
    note_tweet: _Note | None = None
    referenced_tweets: list[_Reference] | None = None


class _Tweet(msgspec.Struct, gc=False):
    """A post in `includes.tweets` (the original of a repost)."""

    id: str | None = None
    text: str | None = None
    note_tweet: _Note | None = None


class _User(msgspec.Struct, gc=False):
    id: str | None = None
    name: str | None = None
    username: str | None = None
    location: str | None = None


class _PlaceGeo(msgspec.Struct, gc=False):
    bbox: list[float] | None = None


class _Place(msgspec.Struct, gc=False):
    id: str | None = None
    full_name: str | None = None
    name: str | None = None
    geo: _PlaceGeo | None = None


class _Includes(msgspec.Struct, gc=False):
    users: list[_User] = msgspec.field(default_factory=list)
    places: list[_Place] = msgspec.field(default_factory=list)
    tweets: list[_Tweet] = msgspec.field(default_factory=list)


class _Rule(msgspec.Struct, gc=False):
    tag: str | None = None


class _StreamLine(msgspec.Struct, gc=False):
    data: _Data | None = None
    includes: _Includes | None = None
    matching_rules: list[_Rule] | None = None


_decode = msgspec.json.Decoder(_StreamLine).decode
_NO_INCLUDES = _Includes()


def fast_stream_post(
    line: bytes,
    profile_matcher: ProfileMatcher | None,
    term_for_tag: Callable[[str], str | None] | None = None,
) -> Post | None:
    """The Post of a plain v2 stream line, or None to leave it to the general path.

    With `term_for_tag` (a live stream), the post's terms are those its
    `matching_rules` tags name, as `payload.post_from_v2` makes them; without
    it (an archive) they are left empty for the caller to match.
    """
    try:
        parsed = _decode(line)
    except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return None
    data = parsed.data
    if data is None or not data.id:
        return None
    raw = line.rstrip(b"\r\n")
    try:
        # msgspec checks UTF-8 only in the fields it reads; the line is kept
        # whole. (ASCII, checked without decoding, is UTF-8.)
        if not raw.isascii():
            raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    includes = parsed.includes or _NO_INCLUDES
    try:
        location = _locate(data, includes)
    except _Damaged:
        return None
    author = None
    if data.author_id is not None:
        for user in includes.users:
            if user.id == data.author_id:
                author = user
                break
    if location is None and profile_matcher is not None and author is not None:
        text = author.location
        if text and text.strip():
            location = profile_matcher(text)
    terms = (
        terms_for_tags((rule.tag for rule in parsed.matching_rules or ()), term_for_tag)
        if term_for_tag is not None
        else ()
    )
    created_at, from_id = post_time(parse_iso_time(data.created_at), data.id)
    return Post(
        id=data.id,
        created_at=created_at,
        text=shown_text(
            data.note_tweet.text if data.note_tweet else data.text, _reposted(data, includes)
        ),
        author_name=(author.name or "") if author else "",
        author_handle=(author.username or "") if author else "",
        terms=terms,
        location=location,
        raw=raw,
        lang=data.lang or "",
        time_from_id=from_id,
    )


def _reposted(data: _Data, includes: _Includes) -> str | None:
    """The whole text of the original, when the post is a repost of one at hand."""
    for reference in data.referenced_tweets or ():
        if reference.type == "retweeted":
            for tweet in includes.tweets:
                if tweet.id == reference.id and tweet.id is not None:
                    return tweet.note_tweet.text if tweet.note_tweet else tweet.text
            return None
    return None


class _Damaged(Exception):
    """The post's point or place box is damaged: a case for the general path."""


def _locate(data: _Data, includes: _Includes) -> Location | None:
    """As `geolocate.best_location`, for a post with nothing damaged; a
    damaged point (or, without a point, a damaged box) raises _Damaged."""
    geo = data.geo
    if geo is None:
        return None
    point = geo.coordinates.coordinates if geo.coordinates is not None else None
    place_bbox: list[float] | None = None
    place_name = ""
    if geo.place_id:
        for place in includes.places:
            if place.id == geo.place_id:
                place_name = place.full_name or place.name or ""
                place_bbox = place.geo.bbox if place.geo is not None else None
                break
    if point is not None:
        found = _exact(point, place_name)
    elif place_bbox is not None:
        found = _place(tuple(place_bbox), place_name)
    else:
        return None
    if found is None:
        raise _Damaged
    return found


def _exact(point: list[float], place_name: str) -> Location | None:
    """As `geolocate.exact_from_point`, for a point the decoder made floats of
    (no bool, no text): the range checks are all that is left, and NaN or an
    infinity fails them too. A bulk replay makes a million."""
    if len(point) == 2:
        lon, lat = point
        if -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0:
            return Location(lon, lat, "exact", 0.0, place_name)
    return None


@lru_cache(maxsize=4096)
def _place(bbox: tuple[float, ...], name: str) -> Location | None:
    """Places repeat (a city's box, post after post): work each one out once."""
    return place_from_bbox(list(bbox), name)
