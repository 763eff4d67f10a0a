"""Where `collect --replay`'s time goes: a reader and the writer measured
whole, and each of their stages timed alone, on a sample.

The whole reader is the readers' own code (`bulk_replay._send_part`) run on
the sample's lines in this process, its pipe replaced by a list; the whole
writer stores what it sent, as `bulk_replay` does (unpickling, the session
engine, the store). Stages timed alone on the same lines add up to less
than the whole: what no stage holds (the reader's generators, its counts,
the caches a stage alone keeps warm) is printed as the rest, so the
breakdown is never taken for the whole. Figures are microseconds of CPU a
post (process time, which a loaded machine inflates less than wall time),
the least of three runs; the one-time costs (start-up, gazetteer, the
closing checkpoint) are seconds of wall time. Readers run in two processes
at once, the writer in one, with the garbage collector off, as there.
"""

from __future__ import annotations

import gc
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

from geotweets_desktop.commands.bulk_replay import BATCH, _send_part
from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.core.archive.v2_fast import fast_stream_post
from geotweets_desktop.core.archive_payload import payload_span
from geotweets_desktop.core.gazetteer import Gazetteer, locate_profile
from geotweets_desktop.core.gazetteer_snapshot import read_or_build
from geotweets_desktop.core.point_blobs import columns_of_rows
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.raw_codec import pack
from geotweets_desktop.core.session import SessionEngine
from geotweets_desktop.core.store import SessionStore, post_row
from geotweets_desktop.core.term_match import TermMatcher

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


class _Frames:
    """Stands for a reader's pipe: keeps what it sends."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send_bytes(self, frame: bytes) -> None:
        self.sent.append(frame)


def _whole_reader(archive: Path, end: int) -> tuple[float, list[bytes], int]:
    """A reader's code on the lines starting before byte `end`, payloads by
    reference: (µs of CPU a post, the least of three runs; the frames it
    sent; posts)."""
    best = math.inf
    frames = _Frames()
    posts = 0
    collecting = gc.isenabled()
    gc.disable()  # as in a reader (bulk_replay._read)
    try:
        for _ in range(3):
            frames = _Frames()
            reader = ArchiveReader(archive, locate_profile, spans=True)
            started = time.process_time()
            _send_part(
                reader,
                reader.posts_between(0, end),
                TermMatcher([]),
                [],
                1,
                1,
                frames,
            )
            best = min(best, time.process_time() - started)
            posts = reader.posts_read
    finally:
        if collecting:
            gc.enable()
    return best / posts * 1e6, frames.sent[:-1], posts  # the last is the part's summary


def _whole_writer(path: Path, frames: list[bytes], posts: int) -> tuple[float, float, float]:
    """What the writer does with a reader's frames (unpickling, the session
    engine's `add_rows`), the collector off as there: (µs of CPU a post for
    all of it, and for its `add_rows` alone; seconds of wall time the store's
    closing checkpoint took)."""
    store = SessionStore(path)
    engine = SessionEngine(store, label="bench", terms=[], synthetic=False)
    store.add_archive(path)  # the archive the rows refer to (id 1)
    collecting = gc.isenabled()
    gc.disable()
    stored = 0.0
    try:
        started = time.process_time()
        for frame in frames:
            _kind, (rows, points) = pickle.loads(frame)
            storing = time.process_time()
            engine.add_rows(rows, points)
            stored += time.process_time() - storing
        took = time.process_time() - started
    finally:
        if collecting:
            gc.enable()
    engine.end()
    close = _wall(store.close)
    return took / posts * 1e6, stored / posts * 1e6, close


def print_stages(archive: Path, scratch: Path, sample: int) -> None:
    """The breakdown for one archive (the gazetteer's snapshot must exist in
    the cache folder already: `collect` made it)."""
    start_up = _wall(lambda: subprocess.run([sys.executable, "-c", _IMPORTS], check=True))
    snapshot = _wall(lambda: read_or_build(scratch / "cache"))
    built = _wall(lambda: Gazetteer().load_all())
    with open(archive, "rb") as f:
        lines = list(itertools.islice(f, sample))
    n = len(lines)
    reader_whole, frames, read = _whole_reader(archive, sum(map(len, lines)))
    writer_whole, add_rows, close = _whole_writer(
        scratch / f"{archive.stem}-whole.db", frames, read
    )
    from geotweets_desktop.core.archive.v2_fast import _decode  # the decoder alone

    reading = _per_post([archive], lambda path: _reread(path, n)) / n
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
    batch_rows = [rows[i : i + BATCH] for i in starts]
    columns_us = (
        _per_post(
            list(zip(batch_rows, located, strict=True)),
            lambda pair: columns_of_rows(pair[0], *pair[1]),
        )
        / BATCH
    )
    batches = [(r, columns_of_rows(r, *k)) for r, k in zip(batch_rows, located, strict=True)]
    sent = _per_post(batches, lambda b: pickle.dumps(b, protocol=pickle.HIGHEST_PROTOCOL)) / BATCH
    pickled = [pickle.dumps(b, protocol=pickle.HIGHEST_PROTOCOL) for b in batches]
    received = _per_post(pickled, pickle.loads) / BATCH
    rows_only = [batch for batch, _ in batches]
    plain = _insert_only(scratch / f"{archive.stem}-plain.db", rows_only, n, unique=True)
    no_index = _insert_only(scratch / f"{archive.stem}-no-index.db", rows_only, n, unique=False)
    commits = _commit_cost(scratch / f"{archive.stem}-commits.db", len(batches)) / n * 1e6
    locate = whole - decode - check
    stages = reading + whole + spans_us + rows_us + columns_us + sent
    print(f"  where the time goes ({n:,} posts of this archive; µs of CPU a post):")
    print(f"    process start-up and imports: {start_up:.2f} s (wall, once)")
    print(
        f"    gazetteer: {snapshot:.2f} s read from its snapshot (building it: {built:.2f} s; once)"
    )
    print(
        f"    a reader, whole (its code on these lines, the pipe left out): {reader_whole:.1f};"
        " of which, each stage timed alone:"
    )
    print(f"      reading lines {reading:.1f}, JSON decode (msgspec) {decode:.1f},")
    print(f"      UTF-8 check {check:.1f}, locating and the post {locate:.1f},")
    print(f"      payload reference (CRC-32) {spans_us:.1f}, row building {rows_us:.1f},")
    print(f"      the map's columns {columns_us:.1f} (keys and codes left to the writer),")
    print(f"      pickling for the pipe {sent:.1f} = {stages:.1f};")
    print(
        f"      in no stage alone (the reader's generators and counts, caches a stage"
        f" keeps warm alone): {reader_whole - stages:.1f}"
    )
    print(f"      [LZ4 of the payload, when copied instead: {lz4:.1f}]")
    print(
        f"    the writer, whole (unpickling and the session engine's add_rows):"
        f" {writer_whole:.1f}; of which add_rows {add_rows:.1f}, unpickling alone {received:.1f}"
    )
    print(
        f"      in add_rows: keying and coding the map's columns about"
        f" {max(0.0, add_rows - plain):.1f}, the UNIQUE index about"
        f" {max(0.0, plain - no_index):.1f}, the rows alone {no_index:.1f}, commits {commits:.2f}"
    )
    print(f"    closing checkpoint (WAL into the file, fsync): {close:.2f} s for {read:,} posts")


def _located(posts: list[Post]) -> tuple[list[int], list[tuple[str, ...]], list[float]]:
    """A batch's located posts as a reader keeps them: their places in it,
    terms and times."""
    places = [i for i, p in enumerate(posts) if p.location is not None]
    return (
        places,
        [posts[i].terms for i in places],
        [math.nan if (t := posts[i].created_at) is None else t.timestamp() for i in places],
    )


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
