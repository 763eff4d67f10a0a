"""Where `collect --replay`'s time goes: each stage timed alone on a sample.

Each stage runs on the first `sample` lines of an archive in this process,
one after another, and is given in microseconds of CPU a post (process
time, which a loaded machine inflates less than wall time); the one-time
costs (start-up, gazetteer, the closing checkpoint) in seconds of wall
time. Readers' stages run in two processes at once, the writer's in one.
"""

from __future__ import annotations

import itertools
import math
import pickle
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from geotweets_desktop.commands.bulk_replay import BATCH
from geotweets_desktop.core.archive.v2_fast import fast_stream_post
from geotweets_desktop.core.archive_payload import payload_span
from geotweets_desktop.core.gazetteer import Gazetteer, locate_profile
from geotweets_desktop.core.gazetteer_snapshot import read_or_build
from geotweets_desktop.core.point_blobs import columns_of_posts
from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.raw_codec import pack
from geotweets_desktop.core.store import SessionStore, post_row

_IMPORTS = (
    "import geotweets_desktop.cli, geotweets_desktop.commands.collect,"
    " geotweets_desktop.commands.bulk_replay"
)


def _per_post(items: Sequence[Any], step: Callable[[Any], object]) -> float:
    """µs of CPU a post for `step` over `items`, results dropped as a reader
    drops them (kept, they would make the collector's work grow with the
    sample); the least of three runs, the others being noise."""
    best = math.inf
    for _ in range(3):
        started = time.process_time()
        for item in items:
            step(item)
        best = min(best, time.process_time() - started)
    return best / len(items) * 1e6


def _wall(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def print_stages(archive: Path, scratch: Path, sample: int) -> None:
    """The breakdown for one archive (the gazetteer's snapshot must exist in
    the cache folder already: `collect` made it)."""
    start_up = _wall(lambda: subprocess.run([sys.executable, "-c", _IMPORTS], check=True))
    snapshot = _wall(lambda: read_or_build(scratch / "cache"))
    built = _wall(lambda: Gazetteer().load_all())
    with open(archive, "rb") as f:
        lines = list(itertools.islice(f, sample))
    n = len(lines)
    from geotweets_desktop.core.archive.v2_fast import _decode  # the decoder alone

    read = _per_post([archive], lambda path: _reread(path, n)) / n
    decode = _per_post(lines, _decode)
    check = _per_post(lines, lambda line: line.decode("utf-8"))
    whole = _per_post(lines, lambda line: fast_stream_post(line, locate_profile))
    posts = [post for line in lines if (post := fast_stream_post(line, locate_profile))]
    payloads = [raw for post in posts if isinstance(raw := post.raw, bytes)]
    spans_us = _per_post(payloads, lambda raw: payload_span(raw, 0))
    now = time.time()
    pairs = [(p, payload_span(raw, 0)) for p, raw in zip(posts, payloads, strict=True)]
    rows_us = _per_post(pairs, lambda pair: post_row(1, pair[0], now, (1, pair[1])))
    lz4 = _per_post(posts, lambda post: pack(post.raw))
    rows = [post_row(1, p, now, (1, s)) for p, s in pairs]
    starts = range(0, len(posts), BATCH)
    located = [_located(posts[i : i + BATCH]) for i in starts]
    columns_us = _per_post(located, columns_of_posts) / BATCH
    batches = [
        (rows[i : i + BATCH], columns_of_posts(k)) for i, k in zip(starts, located, strict=True)
    ]
    sent = _per_post(batches, lambda b: pickle.dumps(b, protocol=pickle.HIGHEST_PROTOCOL)) / BATCH
    pickled = [pickle.dumps(b, protocol=pickle.HIGHEST_PROTOCOL) for b in batches]
    received = _per_post(pickled, pickle.loads) / BATCH
    store = SessionStore(scratch / f"{archive.stem}-stages.db")
    store.start_session("bench", [], False)
    started = time.process_time()
    for batch, blob in batches:
        store.add_rows(batch, blob)
    insert = (time.process_time() - started) / n * 1e6
    close = _wall(store.close)
    rows_only = [batch for batch, _ in batches]
    plain = _insert_only(scratch / f"{archive.stem}-plain.db", rows_only, n, unique=True)
    no_index = _insert_only(scratch / f"{archive.stem}-no-index.db", rows_only, n, unique=False)
    commits = _commit_cost(scratch / f"{archive.stem}-commits.db", len(batches)) / n * 1e6
    locate = whole - decode - check
    reader = read + whole + spans_us + rows_us + columns_us + sent
    writer = received + insert
    print(f"  per-stage breakdown ({n:,} posts of this archive; µs of CPU a post):")
    print(f"    process start-up and imports: {start_up:.2f} s (wall, once)")
    print(
        f"    gazetteer: {snapshot:.2f} s read from its snapshot (building it: {built:.2f} s; once)"
    )
    print(f"    readers: reading lines {read:.1f}, JSON decode (msgspec) {decode:.1f},")
    print(f"      UTF-8 check {check:.1f}, locating and the post {locate:.1f},")
    print(f"      payload reference (CRC-32) {spans_us:.1f}, row building {rows_us:.1f},")
    print(f"      the map's columns {columns_us:.1f} (keys and codes left to the writer),")
    print(f"      pickling for the pipe {sent:.1f} = {reader:.1f} (two reader processes)")
    print(f"      [LZ4 of the payload, when copied instead: {lz4:.1f}]")
    print(
        f"    writer: unpickling {received:.1f}, the store's add_rows {insert:.1f} = {writer:.1f}"
    )
    print(
        f"      of which keying and coding the map's columns about {max(0.0, insert - plain):.1f}, "
        f"the UNIQUE index about {max(0.0, plain - no_index):.1f}, the rows alone "
        f"{no_index:.1f}, commits {commits:.2f}"
    )
    print(f"    closing checkpoint (WAL into the file, fsync): {close:.2f} s for {n:,} posts")


def _located(posts: list[Post]) -> list[tuple[int, Post, Location]]:
    """A batch's located posts with their places in it, as a reader keeps them."""
    return [(i, p, p.location) for i, p in enumerate(posts) if p.location is not None]


def _reread(archive: Path, count: int) -> None:
    with open(archive, "rb", buffering=1 << 20) as f:
        for _ in itertools.islice(f, count):
            pass


def _insert_only(
    path: Path, batches: list[list[tuple[Any, ...]]], n: int, *, unique: bool
) -> float:
    """The store's INSERT alone (no map columns) into its `posts` table, or
    one like it without UNIQUE(session_id, post_id)."""
    SessionStore(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    schema = db.execute("SELECT sql FROM sqlite_master WHERE name = 'posts'").fetchone()[0]
    if not unique:
        db.execute("DROP TABLE posts")
        db.execute(re.sub(r",(\s*--[^\n]*)?\n\s*UNIQUE \(session_id, post_id\)", r"\1", schema))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    from geotweets_desktop.core.store import _INSERT  # the store's own statement

    started = time.process_time()
    for batch in batches:
        db.execute("BEGIN")
        db.executemany(_INSERT, batch)
        db.execute("COMMIT")
    took = (time.process_time() - started) / n * 1e6
    db.close()
    return took


def _commit_cost(path: Path, commits: int) -> float:
    """Seconds of wall time for `commits` one-row transactions in the store's settings."""
    store = SessionStore(path)
    store.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE t (x)")
    started = time.perf_counter()
    for i in range(commits):
        db.execute("BEGIN")
        db.execute("INSERT INTO t VALUES (?)", (i,))
        db.execute("COMMIT")
    took = time.perf_counter() - started
    db.close()
    return took
