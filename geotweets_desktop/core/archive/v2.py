"""X API v2 records in the three shapes archives keep them, as Posts.

- Stream line: `{"data": {post}, "includes": {...}, "matching_rules": [...]}`,
  what the filtered stream sends (and what `twarc2 stream` writes one a line).
- v2 response (twarc2 page): `{"data": [posts], "includes": {...}, "meta": ...}`,
  one API response a line as `twarc2 search` writes it (with `__twarc`), or
  one response saved whole as a JSON document; `includes` serves every post
  of the page, and a repost's original is in `includes.tweets`.
- twarc2 flattened post: one post a line with its expansions inlined by
  `twarc.expansions.flatten` (`twarc2 flatten`, or `--flatten`): `author` is
  the user object, and the place's fields (`full_name`, `geo.bbox`, ...) are
  merged into the post's own `geo` object next to `place_id`, a repost's
  original inlined in its `referenced_tweets` entry. Some tools nest the
  place as `geo.place` instead; both are read.

All three go through `payload.post_from_v2`, the live stream's parser, so the
location rules are the same everywhere. Type checks here test `dict`, not
`Mapping`: JSON decoders only make dicts, and the ABC check costs a
measurable share of the ingest time at a million posts. Tags in `matching_rules` belong to
whoever collected the archive, not to our search, so they give no terms.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson

from geotweets_desktop.core.archive.v1 import RecordError
from geotweets_desktop.core.geolocate import ProfileMatcher, expansion
from geotweets_desktop.core.payload import PayloadError, post_from_v2
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.x_text import storable


def _no_term(_tag: str) -> str | None:
    return None


def post_from_stream_line(
    obj: Mapping[str, Any],
    raw: str,
    profile_matcher: ProfileMatcher | None,
    faults: list[str] | None = None,
) -> Post:
    try:
        return post_from_v2(obj, _no_term, profile_matcher, raw=raw, faults=faults)
    except PayloadError as exc:
        raise RecordError(str(exc)) from None


def posts_from_page(
    obj: Mapping[str, Any],
    profile_matcher: ProfileMatcher | None,
    problems: list[str],
    faults: list[str],
) -> list[Post]:
    """Every post of a v2 response (a twarc2 page); a broken one is skipped
    and its reason appended to `problems`, odd parts of kept ones to `faults`."""
    includes = obj.get("includes")
    if not isinstance(includes, dict):
        includes = {}
    users = _by_id(expansion(includes, "users"))
    places = _by_id(expansion(includes, "places"))
    tweets = _by_id(expansion(includes, "tweets"))
    posts: list[Post] = []
    for index, data in enumerate(obj["data"], 1):
        if not isinstance(data, dict):
            problems.append(f"post {index} of the page is not a JSON object")
            continue
        # Each post keeps its own stream-line-shaped payload (with only its
        # own expansions), so `raw` can be parsed again later like any other.
        own: dict[str, list[Any]] = {}
        _include(own, "users", users, data.get("author_id"))
        geo = data.get("geo")
        _include(own, "places", places, geo.get("place_id") if isinstance(geo, dict) else None)
        references = data.get("referenced_tweets")
        for reference in references if isinstance(references, list) else ():
            if isinstance(reference, dict):
                _include(own, "tweets", tweets, reference.get("id"))
        one = {"data": data, "includes": own}
        own_faults: list[str] = []
        try:
            post = post_from_v2(
                one, _no_term, profile_matcher, raw=json_text(one), faults=own_faults
            )
        except PayloadError as exc:
            problems.append(f"post {index} of the page: {exc}")
            continue
        posts.append(post)
        faults.extend(f"post {index} of the page: {fault}" for fault in own_faults)
    return posts


def json_text(obj: Any) -> str:
    """`obj` as JSON text for the store. orjson refuses what the stdlib
    parser let through (integers past 64 bits, lone surrogates, nesting
    past 255 levels); those go the slow way. RecordError when even that
    cannot write it."""
    try:
        return orjson.dumps(obj).decode()
    except orjson.JSONEncodeError:
        pass
    try:
        return storable(json.dumps(obj, ensure_ascii=False))
    except RecursionError:
        raise RecordError("JSON nested too deeply to keep") from None


def _by_id(items: list[Any]) -> dict[str, Any]:
    return {item["id"]: item for item in items if isinstance(item, dict) and _has_id(item)}


def _has_id(item: dict[str, Any]) -> bool:
    return isinstance(item.get("id"), str)


def _include(own: dict[str, list[Any]], key: str, found: dict[str, Any], wanted: Any) -> None:
    if isinstance(wanted, str) and wanted in found:
        own.setdefault(key, []).append(found[wanted])


def post_from_flat(
    obj: Mapping[str, Any],
    raw: str,
    profile_matcher: ProfileMatcher | None,
    faults: list[str] | None = None,
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
    try:
        return post_from_v2(wrapped, _no_term, profile_matcher, raw=raw, faults=faults)
    except PayloadError as exc:
        raise RecordError(str(exc)) from None
