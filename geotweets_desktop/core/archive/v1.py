"""One X API v1.1 status (as saved by tweepy, twarc 1 or the old streaming API) as a Post.

The fields used, and their order where it matters:
- `id_str` (preferred: `id` is a 64-bit number that JSON tools round).
- text: `extended_tweet.full_text` (streamed 280-character posts), then
  `full_text` (REST with `tweet_mode=extended`), then `text`; a repost
  (`retweeted_status`) shows the original's whole text (see x_text.py).
- `user.name`, `user.screen_name`, `user.location` (profile text).
- `coordinates`: GeoJSON point, `[longitude, latitude]`.
- `geo`: the deprecated twin of `coordinates`, `[latitude, longitude]`.
- `place.bounding_box.coordinates`: one polygon ring, normally
  `[[w, s], [e, s], [e, n], [w, n]]`; a box across the antimeridian has a
  west edge east of its east edge (Russia: west 19.6, east -169.0).
- `created_at`: `Wed Oct 10 20:19:24 +0000 2018`; without it, the id's time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from geotweets_desktop.core.coordinates import number_fault, point_fault, short
from geotweets_desktop.core.geolocate import ProfileMatcher, best_location, text_field
from geotweets_desktop.core.payload import post_id_of
from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.post_time import parse_v1_time, post_time
from geotweets_desktop.core.x_text import shown_text, storable


class RecordError(ValueError):
    """The record cannot become a post; the message says why (shown to the user)."""


def bbox_from_polygon(polygon: Any) -> list[float] | str | None:
    """A v1.1 `bounding_box.coordinates` polygon as `[west, south, east, north]`,
    a reason when its ring is broken, or None when there is no ring at all.

    Corner order is not trusted: the box spans the points' latitudes, and a
    longitude span over 180 degrees means the box crosses the antimeridian
    (its west edge is the smallest eastern longitude).
    """
    if not isinstance(polygon, list) or not polygon:
        return None
    ring = polygon[0]
    if not isinstance(ring, list) or not ring:
        return None
    for point in ring:
        if not isinstance(point, list) or len(point) != 2:
            return f"place box ring has a point that is not a pair: {short(point)}"
        if number_fault(point[0]) or number_fault(point[1]):
            return f"place box ring has a point that is not two numbers: {short(point)}"
    lons = [float(p[0]) for p in ring]
    lats = [float(p[1]) for p in ring]
    west, east = min(lons), max(lons)
    if east - west > 180.0 and west >= -180.0 and east <= 180.0:
        west = min((lon for lon in lons if lon >= 0), default=west)
        east = max((lon for lon in lons if lon < 0), default=east)
    return [west, min(lats), east, max(lats)]


def locate_v1(
    status: Mapping[str, Any],
    user: Mapping[str, Any],
    profile_matcher: ProfileMatcher | None,
    faults: list[str] | None = None,
) -> Location | None:
    """Exact point (`coordinates`, else `geo` swapped to [lon, lat]), else
    place box, else profile text: the best valid one (see best_location)."""
    point: Any = None
    coordinates = status.get("coordinates")
    geo = status.get("geo")
    if isinstance(coordinates, Mapping):
        point = coordinates.get("coordinates")
    elif isinstance(geo, Mapping):
        pair: Any = geo.get("coordinates")
        reason = point_fault(pair, order="lat, lon")
        if reason is None:
            point = [pair[1], pair[0]]
        elif faults is not None:
            faults.append(f"geo ignored ({reason})")
    bbox: Any = None
    place_name = ""
    place = status.get("place")
    if isinstance(place, Mapping):
        place_name = text_field(place, "full_name") or text_field(place, "name")
        box = place.get("bounding_box")
        found = bbox_from_polygon(box.get("coordinates")) if isinstance(box, Mapping) else None
        if isinstance(found, str):
            if faults is not None:
                faults.append(f"place box ignored ({found})")
        else:
            bbox = found
    return best_location(point, bbox, place_name, user.get("location"), profile_matcher, faults)


def post_from_v1(
    status: Mapping[str, Any],
    raw: str,
    profile_matcher: ProfileMatcher | None,
    faults: list[str] | None = None,
) -> Post:
    """Build a Post from one v1.1 status; RecordError says why it cannot.
    Odd parts are passed over, with why appended to `faults`."""
    post_id = post_id_of(status.get("id_str"))
    number = status.get("id")
    if post_id is None and isinstance(number, int) and not isinstance(number, bool) and number > 0:
        post_id = str(number)
    if post_id is None:
        raise RecordError("post without an id")
    text = _whole_text(status)
    if text is None:
        raise RecordError(f"post {post_id} without text")
    original = status.get("retweeted_status")
    if isinstance(original, Mapping):
        text = shown_text(text, _whole_text(original))
    else:
        text = shown_text(text, None)
    user = status.get("user")
    if not isinstance(user, Mapping):
        if user is not None and faults is not None:
            faults.append(f"user ignored (not an object: {short(user)})")
        user = {}
    created_at, from_id = post_time(parse_v1_time(status.get("created_at")), post_id)
    return Post(
        id=post_id,
        created_at=created_at,
        text=text,
        author_name=text_field(user, "name"),
        author_handle=text_field(user, "screen_name"),
        terms=(),
        location=locate_v1(status, user, profile_matcher, faults),
        raw=raw,
        lang=text_field(status, "lang"),
        time_from_id=from_id,
    )


def _whole_text(status: Mapping[str, Any]) -> str | None:
    extended = status.get("extended_tweet")
    if isinstance(extended, Mapping) and isinstance(extended.get("full_text"), str):
        return storable(extended["full_text"])
    for key in ("full_text", "text"):
        value = status.get(key)
        if isinstance(value, str):
            return storable(value)
    return None
