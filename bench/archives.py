"""Made-up X API v2 stream archives for the ingest benchmarks: invented ids,
names and places, in the two shapes real captures come in."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

_PLACES = (  # invented place names at real-world-like coordinates
    ("Rivermouth", -43.2, -22.9),
    ("Northhaven", 10.75, 59.91),
    ("Lakeside", 32.58, 0.31),
    ("Kettle Bay", 151.2, -33.87),
    ("Ashford Plains", -97.74, 30.27),
)
_PROFILES = ("Lagos", "Tokyo, Japan", "Lima, Peru", "somewhere nice", "", "Nairobi")


def make_archive(path: Path, posts: int, shape: str = "full", seed: int = 7) -> None:
    """`posts` made-up v2 stream lines: `full` pads each with every field X
    sends when asked for all expansions (about 4.5 KB), `compact` with a few
    (about 1.7 KB)."""
    rng = random.Random(seed)
    pad = _make_realistic if shape == "full" else _make_compact
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with open(path, "wb") as out:
        for i in range(posts):
            name, lon, lat = rng.choice(_PLACES)
            user_id = str(10**9 + rng.randrange(50_000))
            data: dict[str, object] = {
                "id": str(1_900_000_000_000_000_000 + i),
                "text": f"Invented post {i}: rain again over {name} ☔ #weather",
                "created_at": (start + timedelta(milliseconds=50 * i))
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
                "author_id": user_id,
                "lang": "en",
                "edit_history_tweet_ids": [str(i)],
            }
            user = {
                "id": user_id,
                "name": f"Made Up {user_id[-4:]}",
                "username": f"made_up_{user_id[-5:]}",
                "location": rng.choice(_PROFILES),
            }
            includes: dict[str, object] = {"users": [user]}
            roll = rng.random()
            if roll < 0.25:
                point = [lon + rng.uniform(-0.05, 0.05), lat + rng.uniform(-0.05, 0.05)]
                data["geo"] = {"coordinates": {"type": "Point", "coordinates": point}}
            elif roll < 0.6:
                place_id = f"{abs(hash(name)) % 16**12:012x}"
                data["geo"] = {"place_id": place_id}
                includes["places"] = [
                    {
                        "id": place_id,
                        "full_name": name,
                        "geo": {
                            "type": "Feature",
                            "bbox": [lon - 0.2, lat - 0.15, lon + 0.2, lat + 0.15],
                            "properties": {},
                        },
                    }
                ]
            pad(data, user, includes, i, rng)
            line = {
                "data": data,
                "includes": includes,
                "matching_rules": [{"id": "1", "tag": "someone-else:rain"}],
            }
            out.write(orjson.dumps(line) + b"\n")


_DOMAINS = [
    {"id": str(40 + k), "name": f"Invented Domain {k}", "description": "Made-up category " * 3}
    for k in range(8)
]


def _pad(
    data: dict[str, object],
    user: dict[str, object],
    includes: dict[str, object],
    i: int,
    rng: random.Random,
) -> None:
    """The fields a lean request asks for, which both shapes carry."""
    data.update(
        conversation_id=data["id"],
        reply_settings="everyone",
        possibly_sensitive=False,
        source="Invented Client",
        edit_controls={
            "edits_remaining": 5,
            "is_edit_eligible": True,
            "editable_until": "2026-03-01T01:00:00.000Z",
        },
        public_metrics={
            "retweet_count": rng.randrange(50),
            "reply_count": rng.randrange(20),
            "like_count": rng.randrange(500),
            "quote_count": 0,
            "bookmark_count": 1,
            "impression_count": rng.randrange(9999),
        },
        entities={
            "hashtags": [{"start": 30, "end": 38, "tag": "weather"}],
            "urls": [
                {
                    "start": 40,
                    "end": 63,
                    "url": f"https://t.example/{i:x}",
                    "expanded_url": f"https://news.example/story/{i}",
                    "display_url": f"news.example/story/{i}",
                }
            ],
        },
    )
    user.update(
        created_at="2011-05-04T10:00:00.000Z",
        description="Invented person who posts about invented weather. " * 2,
        protected=False,
        verified=False,
        verified_type="none",
        url="https://example.org/",
        profile_image_url="https://img.example/profile/normal.jpg",
        public_metrics={
            "followers_count": rng.randrange(5000),
            "following_count": 300,
            "tweet_count": 12000,
            "listed_count": 4,
        },
    )
    for place in includes.get("places") or []:  # type: ignore[attr-defined]
        place.update(
            country="Invented Land", country_code="IL", name=place["full_name"], place_type="city"
        )


def _make_compact(
    data: dict[str, object],
    user: dict[str, object],
    includes: dict[str, object],
    i: int,
    rng: random.Random,
) -> None:
    """Pad a post with the few fields a lean request asks for (about 1.7 KB)."""
    _pad(data, user, includes, i, rng)
    entities: dict[str, object] = data["entities"]  # type: ignore[assignment]
    entities["mentions"] = [{"start": 0, "end": 9, "username": "invented", "id": "1000000001"}]
    data["context_annotations"] = [
        {"domain": _DOMAINS[i % 8], "entity": {"id": "7", "name": "Rain"}}
    ]


def _make_realistic(
    data: dict[str, object],
    user: dict[str, object],
    includes: dict[str, object],
    i: int,
    rng: random.Random,
) -> None:
    """Pad a post with the fields X sends when asked for many (about 4.5 KB a
    post, as real v2 lines with expansions are), none of which we need."""
    _pad(data, user, includes, i, rng)
    entities: dict[str, list[dict[str, object]]] = data["entities"]  # type: ignore[assignment]
    entities["annotations"] = [
        {"start": 0, "end": 7, "probability": 0.61, "type": "Other", "normalized_text": "Invented"}
    ]
    entities["urls"][0].update(
        status=200,
        title="An invented headline about the weather",
        description="An invented description of an invented story. " * 2,
        unwound_url=f"https://news.example/story/{i}",
    )
    data["context_annotations"] = [
        {
            "domain": _DOMAINS[k % 8],
            "entity": {
                "id": str(10**15 + k),
                "name": f"Invented Entity {k}",
                "description": "Something made up for the benchmark " * 2,
            },
        }
        for k in range(rng.randrange(8, 14))
    ]
    metrics: dict[str, int] = user["public_metrics"]  # type: ignore[assignment]
    metrics["like_count"] = 900
    user["description"] = "Invented person who posts about invented weather. " * 3
    user["entities"] = {
        "url": {
            "urls": [
                {
                    "start": 0,
                    "end": 23,
                    "url": "https://t.example/x",
                    "expanded_url": "https://example.org/",
                    "display_url": "example.org",
                }
            ]
        }
    }
