"""Builders for made-up archive records in every format the archive reader reads.

Everything is invented: ids, names, handles, places and texts belong to no
real account or post. Shapes follow the documented formats:
- X API v2 stream line: `data` (one post), `includes`, `matching_rules`.
- twarc2 page: `data` (a list of posts), shared `includes`, `meta`, `__twarc`.
- twarc2 flattened post: the post with `author` inlined and the place's
  fields merged into its `geo` (as `twarc.expansions.flatten` does), or the
  place nested as `geo.place` (as some other tools write it).
- X API v1.1 status: `id_str`, `text`/`full_text`/`extended_tweet`, `user`,
  `coordinates` ([lon, lat]), `geo` ([lat, lon]), `place.bounding_box`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Sydney: GeoJSON order [longitude, latitude].
SYDNEY = (151.2, -33.87)
# A box around central Melbourne: [west, south, east, north].
MELBOURNE_BBOX = [144.9, -37.9, 145.1, -37.7]
V2_TIME = "2026-11-28T16:49:56.000Z"
V1_TIME = "Wed Oct 10 20:19:24 +0000 2018"


def v2_post(
    post_id: str,
    text: str = "made-up post about rain",
    *,
    author_id: str = "700001",
    point: list[Any] | None = None,
    place_id: str | None = None,
    created_at: str | None = V2_TIME,
    lang: str = "en",
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": post_id, "text": text, "author_id": author_id, "lang": lang}
    if created_at is not None:
        data["created_at"] = created_at
    geo: dict[str, Any] = {}
    if point is not None:
        geo["coordinates"] = {"type": "Point", "coordinates": point}
    if place_id is not None:
        geo["place_id"] = place_id
    if geo:
        data["geo"] = geo
    return data


def v2_user(
    user_id: str = "700001",
    *,
    name: str = "Imaginary Person",
    username: str = "imaginary_person",
    location: str | None = None,
) -> dict[str, Any]:
    user = {"id": user_id, "name": name, "username": username}
    if location is not None:
        user["location"] = location
    return user


def v2_place(
    place_id: str = "feedbeef00000001",
    bbox: list[Any] | None = None,
    name: str = "Melbourne",
    *,
    full_name: str | None = None,
) -> dict[str, Any]:
    return {
        "id": place_id,
        "full_name": full_name or f"{name}, Victoria",
        "name": name,
        "country_code": "AU",
        "place_type": "city",
        "geo": {
            "type": "Feature",
            "bbox": list(MELBOURNE_BBOX if bbox is None else bbox),
            "properties": {},
        },
    }


def v2_line(
    post_id: str,
    text: str = "made-up post about rain",
    *,
    point: list[Any] | None = None,
    bbox: list[Any] | None = None,
    profile: str | None = None,
    username: str = "imaginary_person",
    created_at: str | None = V2_TIME,
) -> dict[str, Any]:
    """A v2 stream line: exact `point`, or a place with `bbox`, or `profile` text."""
    author_id = f"7{post_id[-5:]}"
    place_id = f"feed{post_id[-12:]:0>12}" if bbox is not None else None
    data = v2_post(
        post_id, text, author_id=author_id, point=point, place_id=place_id, created_at=created_at
    )
    includes: dict[str, Any] = {"users": [v2_user(author_id, username=username, location=profile)]}
    if bbox is not None:
        includes["places"] = [v2_place(place_id or "", bbox)]
    return {
        "data": data,
        "includes": includes,
        "matching_rules": [{"id": "1", "tag": "someone-else:rain"}],
    }


def twarc_page(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """Several v2 stream lines as one twarc2 page (one API response)."""
    includes: dict[str, list[Any]] = {"users": [], "places": []}
    for line in lines:
        for key in ("users", "places"):
            for item in line["includes"].get(key, []):
                if item not in includes[key]:
                    includes[key].append(item)
    return {
        "data": [line["data"] for line in lines],
        "includes": includes,
        "meta": {"result_count": len(lines), "newest_id": lines[0]["data"]["id"]},
        "__twarc": {"url": "https://api.example.invalid/2/tweets/search/recent", "version": "2"},
    }


def twarc_flat(line: dict[str, Any], *, nested_place: bool = False) -> dict[str, Any]:
    """A v2 stream line as twarc2's flatten writes it (or with `geo.place` nested)."""
    post = json.loads(json.dumps(line["data"]))
    users = line["includes"].get("users", [])
    post["author"] = users[0] if users else {}
    places = line["includes"].get("places", [])
    if "geo" in post and "place_id" in post["geo"] and places:
        if nested_place:
            post["geo"]["place"] = places[0]
        else:
            post["geo"] = {**post["geo"], **places[0]}
    post["__twarc"] = {"url": "https://api.example.invalid/2/tweets", "version": "2"}
    return post


def v1_status(
    post_id: str,
    text: str = "made-up status about rain",
    *,
    coordinates: list[Any] | None = None,
    geo: list[Any] | None = None,
    polygon: list[list[Any]] | None = None,
    profile: str | None = None,
    screen_name: str = "imaginary_v1",
    created_at: str = V1_TIME,
    text_field: str = "text",
) -> dict[str, Any]:
    """A v1.1 status. `coordinates` is [lon, lat]; `geo` is [lat, lon]; `polygon` a ring."""
    status: dict[str, Any] = {
        "created_at": created_at,
        "id": int(post_id),
        "id_str": post_id,
        "lang": "en",
        "user": {
            "id_str": f"8{post_id[-5:]}",
            "name": "Imaginary V1 Person",
            "screen_name": screen_name,
            "location": profile,
        },
        "coordinates": None,
        "geo": None,
        "place": None,
    }
    if text_field == "extended":
        status["text"] = text[:20] + "…"
        status["truncated"] = True
        status["extended_tweet"] = {"full_text": text}
    else:
        status[text_field] = text
    if coordinates is not None:
        status["coordinates"] = {"type": "Point", "coordinates": coordinates}
    if geo is not None:
        status["geo"] = {"type": "Point", "coordinates": geo}
    if polygon is not None:
        status["place"] = {
            "id": "0123456789abcdef",
            "full_name": "Invented Place, Nowhere",
            "bounding_box": {"type": "Polygon", "coordinates": [polygon]},
        }
    return status


# One of each notice X puts among posts, in the documented shapes (v1.1
# streaming message types; a v2 stream's error line). All values made up.
NOTICES: dict[str, dict[str, Any]] = {
    "delete": {
        "delete": {
            "status": {
                "id": 1050000000000000001,
                "id_str": "1050000000000000001",
                "user_id": 800001,
                "user_id_str": "800001",
            },
            "timestamp_ms": "1700000000000",
        }
    },
    "scrub_geo": {
        "scrub_geo": {
            "user_id": 800001,
            "user_id_str": "800001",
            "up_to_status_id": 1050000000000000009,
            "up_to_status_id_str": "1050000000000000009",
        }
    },
    "limit": {"limit": {"track": 12, "timestamp_ms": "1700000000001"}},
    "status_withheld": {
        "status_withheld": {
            "id": 1050000000000000002,
            "user_id": 800002,
            "withheld_in_countries": ["DE", "AR"],
            "timestamp_ms": "1700000000002",
        }
    },
    "user_withheld": {"user_withheld": {"id": 800003, "withheld_in_countries": ["DE"]}},
    "warning": {
        "warning": {
            "code": "FALLING_BEHIND",
            "message": "Your connection is falling behind and messages are being queued.",
            "percent_full": 60,
        }
    },
    "disconnect": {
        "disconnect": {"code": 4, "stream_name": "made-up-stream", "reason": "made-up reason"}
    },
    "errors": {
        "errors": [
            {
                "title": "operational-disconnect",
                "disconnect_type": "UpstreamOperationalDisconnect",
                "detail": "This stream has been disconnected upstream for operational reasons.",
                "type": "https://api.x.com/2/problems/operational-disconnect",
            }
        ]
    },
}


def v1_search_response(statuses: list[dict[str, Any]]) -> dict[str, Any]:
    """A v1.1 `search/tweets` response saved whole, as tweepy's or python-twitter's
    raw JSON is saved."""
    ids = [int(s["id_str"]) for s in statuses]
    return {
        "statuses": statuses,
        "search_metadata": {
            "completed_in": 0.021,
            "max_id": max(ids, default=0),
            "max_id_str": str(max(ids, default=0)),
            "query": "rain",
            "refresh_url": "?since_id=1&q=rain&include_entities=1",
            "count": len(statuses),
            "since_id": 0,
            "since_id_str": "0",
        },
    }


def v2_response(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """A v2 search response saved whole: the twarc2 page without `__twarc`."""
    page = twarc_page(lines)
    del page["__twarc"]
    return page


def box_ring(west: float, south: float, east: float, north: float) -> list[list[float]]:
    """A v1.1 bounding-box ring: south-west, south-east, north-east, north-west."""
    return [[west, south], [east, south], [east, north], [west, north]]


def encode(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def write_lines(path: Path, records: Iterable[Any | bytes], *, compress: bool = False) -> Path:
    """One record a line (bytes are written as they are, for damaged lines)."""
    body = b"".join((r if isinstance(r, bytes) else encode(r)) + b"\n" for r in records)
    path.write_bytes(gzip.compress(body) if compress else body)
    return path


def write_pretty(path: Path, records: list[Any], *, indent: int = 2) -> Path:
    """Records pretty-printed one after another, as `jq .` writes them."""
    body = "".join(json.dumps(r, ensure_ascii=False, indent=indent) + "\n" for r in records)
    path.write_text(body, encoding="utf-8")
    return path


def write_array(path: Path, records: list[Any], *, compress: bool = False) -> Path:
    body = json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")
    path.write_bytes(gzip.compress(body) if compress else body)
    return path


def damaged_archive(path: Path, count: int = 1_200, *, crlf: bool = False) -> Path:
    """`count` records of several shapes (v2 lines with a point or a profile,
    v1.1 statuses) with damage every so often: a line cut short every 97th
    (from the 14th) and one that is not text every 89th (from the 6th)."""
    records: list[Any] = []
    for i in range(count):
        post_id = f"1870000000{i:09d}"
        if i % 97 == 13:
            records.append(b'{"data": {"id": "broken')  # cut short
        elif i % 89 == 5:
            records.append(b"\xff\xfe not text")
        elif i % 50 == 7:
            records.append(v1_status(post_id, f"old rain {i}", coordinates=[10.0, 50.0]))
        elif i % 3:
            records.append(v2_line(post_id, f"rain {i} ☔", point=[i % 360 - 180.0, 10.0]))
        else:
            records.append(v2_line(post_id, f"sun {i}", profile="Lisbon, Portugal"))
    write_lines(path, records)
    if crlf:
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    return path
