"""Ingest speed: `geotweets collect --replay FILE --out X.db`, end to end, in-process.

Generates its own made-up X API v2 stream archive (JSON lines of about
4.5 KB, like real posts with expansions; invented ids, names and places),
replays it at max speed into a fresh session store
through the real command-line entry point, and prints posts per second. For
comparison it also runs the naive way on a smaller sample: stdlib `json`,
tweepy's model objects, one INSERT and one COMMIT per post. One figure a line.

    .venv/bin/python bench/ingest.py [--posts 200000] [--naive-posts 5000]

The gazetteer (profile-location matching) is loaded before the clock starts
in both runs: it is a one-time cost of about a second, reported on its own.
The archive of a million posts is about 4.9 GB; the session store it makes,
with its payloads LZ4-compressed, is a fraction of that.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import tweepy

_PLACES = (  # invented place names at real-world-like coordinates
    ("Rivermouth", -43.2, -22.9),
    ("Northhaven", 10.75, 59.91),
    ("Lakeside", 32.58, 0.31),
    ("Kettle Bay", 151.2, -33.87),
    ("Ashford Plains", -97.74, 30.27),
)
_PROFILES = ("Lagos", "Tokyo, Japan", "Lima, Peru", "somewhere nice", "", "Nairobi")


def make_archive(path: Path, posts: int, seed: int = 7) -> None:
    rng = random.Random(seed)
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
            _make_realistic(data, user, includes, i, rng)
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


def _make_realistic(
    data: dict[str, object],
    user: dict[str, object],
    includes: dict[str, object],
    i: int,
    rng: random.Random,
) -> None:
    """Pad a post with the fields X sends when asked for many (about 4.5 KB a
    post, as real v2 lines with expansions are), none of which we need."""
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
            "annotations": [
                {
                    "start": 0,
                    "end": 7,
                    "probability": 0.61,
                    "type": "Other",
                    "normalized_text": "Invented",
                }
            ],
            "urls": [
                {
                    "start": 40,
                    "end": 63,
                    "url": f"https://t.example/{i:x}",
                    "expanded_url": f"https://news.example/story/{i}",
                    "display_url": f"news.example/story/{i}",
                    "status": 200,
                    "title": "An invented headline about the weather",
                    "description": "An invented description of an invented story. " * 2,
                    "unwound_url": f"https://news.example/story/{i}",
                }
            ],
        },
        context_annotations=[
            {
                "domain": _DOMAINS[k % 8],
                "entity": {
                    "id": str(10**15 + k),
                    "name": f"Invented Entity {k}",
                    "description": "Something made up for the benchmark " * 2,
                },
            }
            for k in range(rng.randrange(8, 14))
        ],
    )
    user.update(
        created_at="2011-05-04T10:00:00.000Z",
        description="Invented person who posts about invented weather. " * 3,
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
            "like_count": 900,
        },
        entities={
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
        },
    )
    for place in includes.get("places") or []:  # type: ignore[attr-defined]
        place.update(
            country="Invented Land", country_code="IL", name=place["full_name"], place_type="city"
        )


def run_collect(archive: Path, db: Path) -> tuple[float, str]:
    from geotweets_desktop.cli import main

    captured = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(captured):
        status = main(["collect", "--replay", str(archive), "--out", str(db)])
    took = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"collect failed with status {status}")
    return took, captured.getvalue().strip()


def run_naive(archive: Path, db: Path, posts: int) -> float:
    """The naive way: stdlib json, tweepy's model objects, the same locator, and
    one INSERT and one COMMIT per post on a connection with sqlite3's defaults
    (rollback journal, synchronous=FULL), into a table with the store's columns."""
    from geotweets_desktop.core.gazetteer import locate_profile
    from geotweets_desktop.core.payload import post_from_v2

    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE posts (rowid INTEGER PRIMARY KEY, session_id INTEGER, post_id TEXT,"
        " created_at TEXT, received_at REAL, author_name TEXT, author_handle TEXT, text TEXT,"
        " lang TEXT, terms TEXT, lon REAL, lat REAL, kind TEXT, radius_m REAL,"
        " place_label TEXT, raw TEXT, UNIQUE (session_id, post_id))"
    )
    started = time.perf_counter()
    with open(archive, encoding="utf-8") as lines:
        for count, line in enumerate(lines):
            if count >= posts:
                break
            obj = json.loads(line)
            # tweepy's model objects, as a client built on tweepy would make them.
            tweepy.Tweet(obj["data"])
            for user in obj["includes"].get("users", []):
                tweepy.User(user)
            for place in obj["includes"].get("places", []):
                tweepy.Place(place)
            post = post_from_v2(obj, lambda _tag: None, locate_profile, raw=line)
            loc = post.location
            conn.execute(
                "INSERT OR IGNORE INTO posts (session_id, post_id, created_at, received_at,"
                " author_name, author_handle, text, lang, terms, lon, lat, kind, radius_m,"
                " place_label, raw) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    1,
                    post.id,
                    post.created_at.isoformat(),
                    time.time(),
                    post.author_name,
                    post.author_handle,
                    post.text,
                    post.lang,
                    json.dumps(list(post.terms)),
                    loc.lon if loc else None,
                    loc.lat if loc else None,
                    loc.kind if loc else None,
                    loc.radius_m if loc else None,
                    loc.label if loc else None,
                    post.raw,
                ),
            )
            conn.commit()
    took = time.perf_counter() - started
    conn.close()
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=200_000, help="posts in the archive")
    parser.add_argument("--naive-posts", type=int, default=5_000, help="posts for the naive run")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    with tempfile.TemporaryDirectory(prefix="geotweets-bench-") as folder:
        scratch = Path(folder)
        os.environ["GEOTWEETS_DATA_DIR"] = str(scratch / "data")
        archive = scratch / "archive.jsonl"
        started = time.perf_counter()
        make_archive(archive, args.posts)
        size_mb = archive.stat().st_size / 1e6
        print(
            f"archive: {args.posts} posts, {size_mb:.1f} MB, made in "
            f"{time.perf_counter() - started:.1f} s"
        )

        from geotweets_desktop.core.gazetteer import gazetteer

        started = time.perf_counter()
        gazetteer().load_all()
        print(f"gazetteer load (once per process): {time.perf_counter() - started:.2f} s")

        took, summary = run_collect(archive, scratch / "bench.db")
        fast = args.posts / took
        print(
            f"collect --replay (msgspec fast path, reader processes): {fast:,.0f} posts/s "
            f"({took:.2f} s)"
        )
        print(f"summary: {summary}")

        naive_posts = min(args.naive_posts, args.posts)
        took = run_naive(archive, scratch / "naive.db", naive_posts)
        slow = naive_posts / took
        print(
            f"naive (json, tweepy models, INSERT + COMMIT per post, sqlite defaults; "
            f"{naive_posts} posts): "
            f"{slow:,.0f} posts/s ({took:.2f} s)"
        )
        print(f"ratio: {fast / slow:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
