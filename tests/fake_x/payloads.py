"""Made-up but realistic X API v2 post objects for the loopback fake.

Every person, handle, id and text here is invented. Places are real cities
(places are not people) with made-up place ids and rough bounding boxes.

Shapes follow X's v2 wire format:

- a post is `{"data": {...}, "includes": {"users": [...], "places": [...]}}`;
  the fake adds `matching_rules` when it streams one;
- `data.geo.coordinates` is GeoJSON, so `[longitude, latitude]`;
- a place's `geo` is a GeoJSON Feature whose `bbox` is `[west, south, east, north]`;
- `created_at` is ISO 8601 with milliseconds and a `Z`;
- ids are strings of digits (snowflakes), newer posts have bigger ids.

The builders return full objects; the fake trims them to the fields a request
asked for (`tweet.fields`, `user.fields`, `place.fields`, `expansions`), as X does.
"""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

# Snowflake-sized ids that grow with every post built, so "newer" is "bigger".
_POST_IDS = itertools.count(1_871_000_000_000_000_001)
_BASE_TIME = datetime(2026, 11, 28, 16, 49, 56, tzinfo=UTC)


def next_post_id() -> str:
    return str(next(_POST_IDS))


def iso_time(moment: datetime) -> str:
    """X's timestamp format: `2026-11-28T16:49:56.000Z`."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


# --- people (all invented) -------------------------------------------------------------

ADA = {"id": "4100000001", "name": "Ada Placeholder", "username": "ada_placeholder_x"}
BRUNO = {"id": "4100000002", "name": "Bruno Examplé", "username": "bruno_example_x"}
CHIDI = {"id": "4100000003", "name": "Chidi Testcase", "username": "chidi_testcase_x"}


def user(
    user_id: str = ADA["id"],
    *,
    name: str = ADA["name"],
    username: str = ADA["username"],
    location: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A v2 user object; `location` is the free-text profile location."""
    obj: dict[str, Any] = {"id": user_id, "name": name, "username": username}
    if location is not None:
        obj["location"] = location
    obj.update(extra)
    return obj


# --- places (real cities, made-up ids, rough boxes) ------------------------------------

LISBON = {
    "id": "1a2b3c4d5e6f7081",
    "full_name": "Lisbon, Portugal",
    "name": "Lisbon",
    "country": "Portugal",
    "country_code": "PT",
    "place_type": "city",
    "bbox": [-9.23, 38.69, -9.09, 38.80],
}
NAIROBI = {
    "id": "2b3c4d5e6f708192",
    "full_name": "Nairobi, Kenya",
    "name": "Nairobi",
    "country": "Kenya",
    "country_code": "KE",
    "place_type": "city",
    "bbox": [36.66, -1.44, 37.10, -1.16],
}
PORTUGAL = {
    "id": "3c4d5e6f708192a3",
    "full_name": "Portugal",
    "name": "Portugal",
    "country": "Portugal",
    "country_code": "PT",
    "place_type": "country",
    "bbox": [-31.27, 32.63, -6.19, 42.15],
}


def place(spec: dict[str, Any] = LISBON, **overrides: Any) -> dict[str, Any]:
    """A v2 place object (what `includes.places` holds) from one of the specs above."""
    merged = {**spec, **overrides}
    return {
        "id": merged["id"],
        "full_name": merged["full_name"],
        "name": merged["name"],
        "country": merged["country"],
        "country_code": merged["country_code"],
        "place_type": merged["place_type"],
        "geo": {"type": "Feature", "bbox": list(merged["bbox"]), "properties": {}},
    }


# --- posts --------------------------------------------------------------------------


def post(
    *,
    text: str = "Rain again over the river this afternoon #rain",
    post_id: str | None = None,
    author: dict[str, Any] | None = None,
    created_at: str | datetime | None = None,
    lang: str = "en",
    point: tuple[float, float] | None = None,
    place_obj: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One stream/search object. `point` is (longitude, latitude)."""
    post_id = post_id or next_post_id()
    author = copy.deepcopy(author if author is not None else ADA)
    if created_at is None:
        created_at = _BASE_TIME + timedelta(seconds=int(post_id) % 86_400)
    if isinstance(created_at, datetime):
        created_at = iso_time(created_at)
    data: dict[str, Any] = {
        "id": post_id,
        "text": text,
        "edit_history_tweet_ids": [post_id],
        "author_id": author["id"],
        "created_at": created_at,
        "lang": lang,
    }
    geo: dict[str, Any] = {}
    if point is not None:
        lon, lat = point
        geo["coordinates"] = {"type": "Point", "coordinates": [lon, lat]}
    if place_obj is not None:
        geo["place_id"] = place_obj["id"]
    if geo:
        data["geo"] = geo
    includes: dict[str, Any] = {"users": [author]}
    if place_obj is not None:
        includes["places"] = [copy.deepcopy(place_obj)]
    return {"data": data, "includes": includes}


def point_post(
    lon: float = -9.1393,
    lat: float = 38.7223,
    *,
    place_obj: dict[str, Any] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """An exact point (`data.geo.coordinates`) plus the place it falls in (`place_id`)."""
    return post(point=(lon, lat), place_obj=place_obj or place(LISBON), **kwargs)


def place_post(place_obj: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    """A place only: `data.geo.place_id` and the place in `includes.places`."""
    return post(place_obj=place_obj or place(NAIROBI), **kwargs)


def profile_location_post(location: str = "Nairobi, Kenya", **kwargs: Any) -> dict[str, Any]:
    """No geo at all, but the author's profile says where they are."""
    author = user(BRUNO["id"], name=BRUNO["name"], username=BRUNO["username"], location=location)
    return post(author=author, **kwargs)


def bare_post(**kwargs: Any) -> dict[str, Any]:
    """Nothing to locate it by: no geo, no profile location."""
    return post(author=user(CHIDI["id"], name=CHIDI["name"], username=CHIDI["username"]), **kwargs)


def with_unknown_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """The same post with fields X might add one day (in `data`, `includes` and on top)."""
    out = copy.deepcopy(obj)
    out["data"]["x_future_field"] = {"kind": "made-up", "values": [1, 2, 3]}
    out.setdefault("includes", {})["x_future_objects"] = [{"id": "9", "note": "made-up"}]
    out["x_future_envelope_field"] = "made-up"
    return out


def post_id_of(obj: dict[str, Any]) -> str:
    return str(obj["data"]["id"])
