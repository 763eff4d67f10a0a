"""Builders for made-up X API v2 filtered-stream objects.

Everything here is invented for the tests: the ids, names, handles, places and
texts belong to no real account or post. The shape follows X's documented v2
stream format: `data` (the post), `includes` (users, places) and
`matching_rules` (the rules that matched, with their tags). Posts, users
and places are built by `archive_samples`, as for the archive tests.
"""

from __future__ import annotations

import copy
from typing import Any

from archive_samples import MELBOURNE_BBOX as MELBOURNE_BBOX  # re-exported for the tests
from archive_samples import v2_place, v2_post, v2_user

from geotweets_desktop.core.rules import make_tag, term_from_tag

SESSION_KEY = "s42"
POST_ID = "1862000000000000001"
AUTHOR_ID = "990001"
PLACE_ID = "0f1e2d3c4b5a6978"
CREATED_AT = "2026-11-28T16:49:56.000Z"

# A point in Sydney, GeoJSON order: [longitude, latitude].
SYDNEY_POINT = [151.2, -33.87]


def term_for_tag(tag: str) -> str | None:
    """The `term_for_tag` a session with SESSION_KEY would pass to post_from_v2."""
    return term_from_tag(tag, SESSION_KEY)


def user(
    user_id: str = AUTHOR_ID,
    *,
    name: str = "Testy McTestface",
    username: str = "testy_example",
    location: str | None = None,
) -> dict[str, Any]:
    return v2_user(user_id, name=name, username=username, location=location)


def place(
    place_id: str = PLACE_ID,
    *,
    bbox: list[Any] | None = None,
    full_name: str = "Melbourne, Victoria",
) -> dict[str, Any]:
    return v2_place(place_id, bbox, full_name.split(",")[0], full_name=full_name)


def rule(term: str, rule_id: str = "1880000000000000001") -> dict[str, str]:
    return {"id": rule_id, "tag": make_tag(SESSION_KEY, term)}


def stream_object(
    *,
    post_id: str = POST_ID,
    text: str = "Heavy rain over the harbour this afternoon ☔ #rain",
    terms: tuple[str, ...] = ("rain",),
    point: list[Any] | None = None,
    place_id: str | None = None,
    places: list[dict[str, Any]] | None = None,
    author: dict[str, Any] | None = None,
    created_at: str | None = CREATED_AT,
    lang: str = "en",
    extra_rules: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One v2 stream object; by default an unlocated English post matching `rain`."""
    the_author = user() if author is None else author
    data = v2_post(
        post_id,
        text,
        author_id=the_author["id"],
        point=point,
        place_id=place_id,
        created_at=created_at,
        lang=lang,
    )
    data["edit_history_tweet_ids"] = [post_id]
    data["public_metrics"] = {"retweet_count": 0, "reply_count": 1, "like_count": 3}
    includes: dict[str, Any] = {"users": [the_author]}
    if places is not None:
        includes["places"] = places
    matching = [rule(t, str(1880000000000000001 + i)) for i, t in enumerate(terms)]
    matching += extra_rules or []
    return {"data": data, "includes": includes, "matching_rules": matching}


def full_stream_object() -> dict[str, Any]:
    """A post with everything: exact point, place, profile text, two terms, and a
    rule made by another tool (no tag) plus one with someone else's tag."""
    return stream_object(
        text="Rain and wind at the beach 🌧️🌬️ #rain #wind",
        terms=("rain", "#wind"),
        point=list(SYDNEY_POINT),
        place_id=PLACE_ID,
        places=[place(bbox=[151.1, -33.95, 151.3, -33.8], full_name="Sydney, New South Wales")],
        author=user(location="Sydney, Australia"),
        extra_rules=[
            {"id": "1770000000000000001"},
            {"id": "1770000000000000002", "tag": "other-tool:weather"},
            {"id": "1770000000000000003", "tag": "geotweets:another-session:hail"},
        ],
    )


def deep_copy(obj: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(obj)
