"""Ingest speed: `geotweets collect --replay FILE --out X.db` against DuckDB.

For each of two made-up X API v2 stream archives (bench/archives.py: "full",
about 4.5 KB a post with every expansion, and "compact", about 1.7 KB with
few fields), in one run on the same file:

- `geotweets collect --replay` as a user runs it: a fresh process, whole
  command (start-up, imports, the gazetteer, locating, indexing, keeping
  every payload, the final checkpoint);
- the peer: DuckDB's `read_json` into a table of a database file, a fresh
  Python process too (import and start-up included), and into an
  in-memory table for context;
- the naive way, for context only (its speed is what an fsync costs here):
  stdlib `json`, tweepy's model objects, one INSERT and one COMMIT a post;
- where collect's time goes, stage by stage (bench/ingest_stages.py).

    .venv/bin/python bench/ingest.py [--posts 200000] [--naive-posts 5000]

The archives are written under ~/.cache, not the temporary folder, as a
user's archives would be: collect copies the payloads of an archive in the
temporary folder instead of keeping them by reference. Before the figures,
one run of collect on a small file makes the gazetteer's snapshot, as the
first run after an install or upgrade does (its time is printed), and the
package's modules are compiled, as an installed package's are (pip compiles
them; with PYTHONDONTWRITEBYTECODE set, a checkout would be compiled again by
every run, a quarter of a second DuckDB's installed package never pays).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tweepy

import geotweets_desktop
from bench.archives import make_archive
from bench.ingest_stages import print_stages


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


def compare(scratch: Path, shape: str, posts: int, naive_posts: int, sample: int) -> None:
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
    some = min(naive_posts, posts)
    naive = run_naive(archive, scratch / f"{shape}-naive.db", some)
    print(
        f"  naive (json, tweepy models, INSERT + COMMIT per post, sqlite defaults; "
        f"{some:,} posts): {some / naive:,.0f} posts/s -> collect is "
        f"{(posts / ours) / (some / naive):.1f}x naive"
    )
    print_stages(archive, scratch, sample)
    archive.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=200_000, help="posts in each archive")
    parser.add_argument("--naive-posts", type=int, default=5_000, help="posts for the naive run")
    parser.add_argument(
        "--shapes", nargs="+", default=["full", "compact"], choices=["full", "compact"]
    )
    parser.add_argument(
        "--stage-posts", type=int, default=20_000, help="posts for the per-stage breakdown"
    )
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.1f} (2-core machine: compare within a run)")
    # Not in the temporary folder, where collect would copy payloads (see
    # core/archive_payload.py): a user's archives live in their own folders.
    cache = Path.home() / ".cache"
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="geotweets-bench-", dir=cache) as folder:
        scratch = Path(folder)
        os.environ["GEOTWEETS_DATA_DIR"] = str(scratch / "data")
        os.environ["GEOTWEETS_CACHE_DIR"] = str(scratch / "cache")
        compileall.compile_dir(Path(geotweets_desktop.__file__).parent, quiet=1)
        first = scratch / "first.jsonl"
        make_archive(first, 1_000)
        took, _ = run_collect(first, scratch / "first.db")
        print(f"first run of collect (makes the gazetteer's snapshot; 1,000 posts): {took:.2f} s")
        for shape in args.shapes:
            compare(scratch, shape, args.posts, args.naive_posts, args.stage_posts)
    print(f"\nload after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
