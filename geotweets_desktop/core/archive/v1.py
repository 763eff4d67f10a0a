"""One X API v1.1 status (as saved by tweepy, twarc 1 or the old streaming API) as a Post.

The fields used, and their order where it matters:
- `id_str` (preferred: `id` is a 64-bit number that JSON tools round).
- text: `extended_tweet.full_text` (streamed 280-character posts), then
  `full_text` (REST with `tweet_mode=extended`), then `text`.
- `user.name`, `user.screen_name`, `user.location` (profile text).
- `coordinates`: GeoJSON point, `[longitude, latitude]`.
- `geo`: the deprecated twin of `coordinates`, `[latitude, longitude]`.
- `place.bounding_box.coordinates`: one polygon ring, normally
  `[[w, s], [e, s], [e, n], [w, n]]`; a box across the antimeridian has a
  west edge east of its east edge (Russia: west 19.6, east -169.0).
- `created_at`: `Wed Oct 10 20:19:24 +0000 2018`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from geotweets_desktop.core.archive.checks import bad_bbox, bad_point
from geotweets_desktop.core.geolocate import ProfileMatcher, exact_from_point, place_from_bbox
from geotweets_desktop.core.post import Location, Post

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


class RecordError(ValueError):
    """The record cannot become a post; the message says why (shown to the user)."""


def parse_v1_time(value: object) -> datetime:
    """`Wed Oct 10 20:19:24 +0000 2018` as an aware UTC datetime; now when broken.

    Hand-parsed: `strptime` costs more than the rest of the record together.
    """
    if isinstance(value, str):
        parts = value.split()
        try:
            _dow, month, day, clock, offset, year = parts
            hour, minute, second = clock.split(":")
            sign = -1 if offset[0] == "-" else 1
            tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
            return datetime(
                int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second), tzinfo=tz
            ).astimezone(UTC)
        except (ValueError, KeyError, IndexError):
            pass
    return datetime.now(UTC)


def bbox_from_polygon(polygon: Any) -> list[float] | None:
    """A v1.1 `bounding_box.coordinates` polygon as `[west, south, east, north]`.

    Raises RecordError for a ring whose points are broken; None when there is
    no ring at all. Corner order is not trusted: the box spans the points'
    latitudes, and a longitude span over 180 degrees means the box crosses
    the antimeridian (its west edge is the smallest eastern longitude).
    """
    if not isinstance(polygon, list) or not polygon or not isinstance(polygon[0], list):
        return None
    ring = polygon[0]
    if not ring:
        return None
    for point in ring:
        reason = bad_point(point)
        if reason:
            raise RecordError(f"place box: {reason}")
    lons = [float(p[0]) for p in ring]
    lats = [float(p[1]) for p in ring]
    west, east = min(lons), max(lons)
    if east - west > 180.0:
        west = min(lon for lon in lons if lon >= 0)
        east = max(lon for lon in lons if lon < 0)
    return [west, min(lats), east, max(lats)]


def locate_v1(
    status: Mapping[str, Any], user: Mapping[str, Any], profile_matcher: ProfileMatcher | None
) -> Location | None:
    """Exact point (`coordinates`, else `geo`), else place box, else profile text."""
    coordinates = status.get("coordinates")
    if isinstance(coordinates, dict):
        pair = coordinates.get("coordinates")
        reason = bad_point(pair)
        if reason:
            raise RecordError(reason)
        return exact_from_point(pair)
    geo = status.get("geo")
    if isinstance(geo, dict):
        pair = geo.get("coordinates")
        reason = bad_point(pair, order="lat, lon")
        if reason:
            raise RecordError(f"geo: {reason}")
        lat, lon = pair  # type: ignore[misc]  # checked above: a pair of numbers
        return exact_from_point([lon, lat])
    place = status.get("place")
    if isinstance(place, dict):
        box = place.get("bounding_box")
        bbox = bbox_from_polygon(box.get("coordinates")) if isinstance(box, dict) else None
        if bbox is not None:
            reason = bad_bbox(bbox)
            if reason:
                raise RecordError(reason)
            found = place_from_bbox(bbox, str(place.get("full_name") or place.get("name") or ""))
            if found is not None:
                return found
    if profile_matcher is not None:
        text = user.get("location")
        if isinstance(text, str) and text.strip():
            return profile_matcher(text)
    return None


def post_from_v1(
    status: Mapping[str, Any], raw: str, profile_matcher: ProfileMatcher | None
) -> Post:
    """Build a Post from one v1.1 status; RecordError says why it cannot."""
    post_id = status.get("id_str")
    if not isinstance(post_id, str) or not post_id:
        number = status.get("id")
        if isinstance(number, int) and not isinstance(number, bool) and number > 0:
            post_id = str(number)
        else:
            raise RecordError("post without an id")
    extended = status.get("extended_tweet")
    text = extended.get("full_text") if isinstance(extended, dict) else None
    if not isinstance(text, str):
        text = status.get("full_text")
        if not isinstance(text, str):
            text = status.get("text")
            if not isinstance(text, str):
                raise RecordError(f"post {post_id} without text")
    user = status.get("user")
    if not isinstance(user, dict):
        user = {}
    return Post(
        id=post_id,
        created_at=parse_v1_time(status.get("created_at")),
        text=text,
        author_name=str(user.get("name") or ""),
        author_handle=str(user.get("screen_name") or ""),
        terms=(),
        location=locate_v1(status, user, profile_matcher),
        raw=raw,
        lang=str(status.get("lang") or ""),
    )
