"""X API v2 records in the three shapes archives keep them, as Posts.

- Stream line: `{"data": {post}, "includes": {...}, "matching_rules": [...]}`,
  what the filtered stream sends (and what `twarc2 stream` writes one a line).
- twarc2 page: `{"data": [posts], "includes": {...}, "meta": ..., "__twarc": ...}`,
  one API response a line as `twarc2 search` writes it; `includes` serves
  every post of the page.
- twarc2 flattened post: one post a line with its expansions inlined by
  `twarc.expansions.flatten` (`twarc2 flatten`, or `--flatten`): `author` is
  the user object, and the place's fields (`full_name`, `geo.bbox`, ...) are
  merged into the post's own `geo` object next to `place_id`. Some tools nest
  the place as `geo.place` instead; both are read.

All three go through `payload.post_from_v2`, the live stream's parser, so the
location rules are the same everywhere. Type checks here test `dict`, not
`Mapping`: JSON decoders only make dicts, and the ABC check costs a
measurable share of the ingest time at a million posts. Tags in `matching_rules` belong to
whoever collected the archive, not to our search, so they give no terms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from geotweets_desktop.core.archive.checks import bad_bbox, bad_point
from geotweets_desktop.core.archive.v1 import RecordError
from geotweets_desktop.core.geolocate import ProfileMatcher
from geotweets_desktop.core.payload import PayloadError, post_from_v2
from geotweets_desktop.core.post import Post


def _no_term(_tag: str) -> str | None:
    return None


def check_geo(data: Mapping[str, Any], places: Any) -> None:
    """Raise RecordError when the post's point or its place box is damaged."""
    geo = data.get("geo")
    if not isinstance(geo, dict):
        return
    point = geo.get("coordinates")
    if isinstance(point, dict) and "coordinates" in point:
        reason = bad_point(point.get("coordinates"))
        if reason:
            raise RecordError(reason)
    place_id = geo.get("place_id")
    if place_id and isinstance(places, list):
        for place in places:
            if isinstance(place, dict) and place.get("id") == place_id:
                place_geo = place.get("geo")
                if isinstance(place_geo, dict) and "bbox" in place_geo:
                    reason = bad_bbox(place_geo.get("bbox"))
                    if reason:
                        raise RecordError(reason)


def post_from_stream_line(
    obj: Mapping[str, Any], raw: str, profile_matcher: ProfileMatcher | None
) -> Post:
    data = obj["data"]
    includes = obj.get("includes")
    if "geo" in data:
        check_geo(data, includes.get("places") if isinstance(includes, dict) else None)
    try:
        return post_from_v2(obj, _no_term, profile_matcher, raw=raw)
    except PayloadError as exc:
        raise RecordError(str(exc)) from None


def posts_from_page(
    obj: Mapping[str, Any], profile_matcher: ProfileMatcher | None, problems: list[str]
) -> list[Post]:
    """Every post of a twarc2 page; a broken one is skipped and its reason appended."""
    includes = obj.get("includes")
    if not isinstance(includes, dict):
        includes = {}
    users = {u.get("id"): u for u in includes.get("users") or () if isinstance(u, dict)}
    places = {p.get("id"): p for p in includes.get("places") or () if isinstance(p, dict)}
    posts: list[Post] = []
    for index, data in enumerate(obj["data"], 1):
        if not isinstance(data, dict):
            problems.append(f"post {index} of the page is not a JSON object")
            continue
        own: dict[str, list[Any]] = {}
        user = users.get(data.get("author_id"))
        if user is not None:
            own["users"] = [user]
        geo = data.get("geo")
        place = places.get(geo.get("place_id")) if isinstance(geo, dict) else None
        if place is not None:
            own["places"] = [place]
        # Each post keeps its own stream-line-shaped payload, so `raw` can be
        # parsed again later like any other v2 post.
        one = {"data": data, "includes": own}
        try:
            if geo is not None:
                check_geo(data, own.get("places"))
            posts.append(
                post_from_v2(one, _no_term, profile_matcher, raw=orjson.dumps(one).decode())
            )
        except (RecordError, PayloadError) as exc:
            problems.append(f"post {index} of the page: {exc}")
    return posts


def post_from_flat(
    obj: Mapping[str, Any], raw: str, profile_matcher: ProfileMatcher | None
) -> Post:
    """A twarc2-flattened post: rebuild the `includes` it carries inline."""
    includes: dict[str, list[Any]] = {}
    author = obj.get("author")
    if isinstance(author, dict):
        includes["users"] = [{**author, "id": obj.get("author_id") or author.get("id")}]
    geo = obj.get("geo")
    if isinstance(geo, dict) and geo.get("place_id"):
        nested = geo.get("place")
        place = nested if isinstance(nested, dict) else geo
        includes["places"] = [{**place, "id": geo["place_id"]}]
    wrapped = {"data": obj, "includes": includes}
    if geo is not None:
        check_geo(obj, includes.get("places"))
    try:
        return post_from_v2(wrapped, _no_term, profile_matcher, raw=raw)
    except PayloadError as exc:
        raise RecordError(str(exc)) from None
