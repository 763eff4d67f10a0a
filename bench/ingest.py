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
import json
import os
import random
import sqlite3
import subprocess
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


def _make_compact(
    data: dict[str, object],
    user: dict[str, object],
    includes: dict[str, object],
    i: int,
    rng: random.Random,
) -> None:
    """Pad a post with the few fields a lean request asks for (about 1.7 KB)."""
    data.update(
        conversation_id=data["id"],
        possibly_sensitive=False,
        reply_settings="everyone",
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
            "mentions": [{"start": 0, "end": 9, "username": "invented", "id": "1000000001"}],
        },
        context_annotations=[{"domain": _DOMAINS[i % 8], "entity": {"id": "7", "name": "Rain"}}],
    )
    user.update(
        created_at="2011-05-04T10:00:00.000Z",
        description="Invented person who posts about invented weather. " * 2,
        verified=False,
        verified_type="none",
        url="https://example.org/",
        protected=False,
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
    """`geotweets collect --replay` as a user runs it: a fresh process, start-up
    and imports included; (seconds, its summary line)."""
    command = [sys.executable, "-m", "geotweets_desktop", "collect", "--replay", str(archive)]
    started = time.perf_counter()
    done = subprocess.run([*command, "--out", str(db)], capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"collect failed ({done.returncode}): {done.stderr.strip()}")
    return took, done.stdout.strip()


# The peer: DuckDB reads the same lines into a table of a database file, in a
# fresh process (start-up and import included), as a user would with its CLI.
_DUCKDB = (
    "import sys, duckdb\n"
    "db = duckdb.connect(sys.argv[1])\n"
    "db.execute('SET enable_progress_bar = false')\n"
    "db.execute('CREATE TABLE posts AS SELECT * FROM read_json($1)', [sys.argv[2]])\n"
    "print(db.execute('SELECT count(*) FROM posts').fetchone()[0])\n"
    "db.close()\n"
)


def run_duckdb(archive: Path, db: Path | None) -> tuple[float, int]:
    """DuckDB's `read_json` into a table, whole process; (seconds, rows).
    `db` None: an in-memory database (nothing written)."""
    target = str(db) if db is not None else ":memory:"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _DUCKDB, target, str(archive)], capture_output=True, text=True
    )
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"duckdb failed ({done.returncode}): {done.stderr.strip()}")
    return took, int(done.stdout.strip())


def run_naive(archive: Path, db: Path, posts: int) -> float:
    """The naive way: stdlib json, tweepy's model objects, the same locator, and
    one INSERT and one COMMIT per post on a connection with sqlite3's defaults
    (rollback journal, synchronous=FULL), into a table with the store's columns."""
    from geotweets_desktop.core.gazetteer import gazetteer, locate_profile
    from geotweets_desktop.core.payload import post_from_v2

    gazetteer().load_all()  # a one-time cost, not the naive way's per-post cost

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


def compare(scratch: Path, shape: str, posts: int, naive_posts: int) -> None:
    """One archive shape: collect, DuckDB (file and memory) and the naive way, same file."""
    archive = scratch / f"{shape}.jsonl"
    started = time.perf_counter()
    make_archive(archive, posts, shape)
    size = archive.stat().st_size
    print(
        f"\n{shape} archive: {posts:,} posts, {size / 1e6:.0f} MB ({size / posts / 1e3:.2f} KB a "
        f"post), made in {time.perf_counter() - started:.1f} s"
    )
    ours, summary = run_collect(archive, scratch / f"{shape}-collect.db")
    print(f"  collect --replay (whole command): {ours:.2f} s, {posts / ours:,.0f} posts/s")
    print(f"    {summary}")
    peer, rows = run_duckdb(archive, scratch / f"{shape}-duck.db")
    if rows != posts:
        raise SystemExit(f"duckdb read {rows} rows, not {posts}")
    print(
        f"  DuckDB read_json into a table of a file (whole process): {peer:.2f} s, "
        f"{posts / peer:,.0f} posts/s -> collect is {peer / ours:.2f}x DuckDB"
    )
    in_memory, _ = run_duckdb(archive, None)
    print(
        f"  DuckDB read_json into an in-memory table (whole process): {in_memory:.2f} s "
        f"-> collect is {in_memory / ours:.2f}x"
    )
    sample = min(naive_posts, posts)
    naive = run_naive(archive, scratch / f"{shape}-naive.db", sample)
    print(
        f"  naive (json, tweepy models, INSERT + COMMIT per post, sqlite defaults; "
        f"{sample:,} posts): {sample / naive:,.0f} posts/s -> collect is "
        f"{(posts / ours) / (sample / naive):.1f}x naive"
    )
    archive.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=200_000, help="posts in each archive")
    parser.add_argument("--naive-posts", type=int, default=5_000, help="posts for the naive run")
    parser.add_argument(
        "--shapes", nargs="+", default=["full", "compact"], choices=["full", "compact"]
    )
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    print(f"load before: {os.getloadavg()[0]:.1f} (2-core machine: compare within a run)")
    # Not in the temporary folder, where collect would copy payloads (see
    # core/archive_payload.py): a user's archives live in their own folders.
    cache = Path.home() / ".cache"
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="geotweets-bench-", dir=cache) as folder:
        scratch = Path(folder)
        os.environ["GEOTWEETS_DATA_DIR"] = str(scratch / "data")
        for shape in args.shapes:
            compare(scratch, shape, args.posts, args.naive_posts)
    print(f"\nload after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
