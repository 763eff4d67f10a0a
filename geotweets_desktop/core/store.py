"""The session store: one SQLite file (WAL) holding every post we received.

Posts are written as they arrive, in small transactions, so a crash or a
kill loses at most the batch in flight. A session row records what was
searched, from which source, and when; its counts are derived from the posts
table, so they are right even for a session that never closed cleanly.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from geotweets_desktop.core import point_blobs
from geotweets_desktop.core.archive_payload import ArchiveFiles, PayloadMissing, PayloadSpan
from geotweets_desktop.core.area.model import Area, AreaError, area_from_json
from geotweets_desktop.core.map_point import StoredPoint as StoredPoint
from geotweets_desktop.core.map_point import point_from_columns, stored_point
from geotweets_desktop.core.point_batch import Columns, blob_kinds
from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.post_time import stored_time
from geotweets_desktop.core.raw_codec import pack, unpack
from geotweets_desktop.core.saved_views import SavedViews
from geotweets_desktop.core.wal_checkpointer import Wait, WalCheckpointer

# 2: raw payloads are LZ4-compressed blobs (see raw_codec.py); schema 1 files
# (text payloads) open unchanged and are marked 2.
# 3: sessions keep the areas they followed; older files gain the column (no areas).
# 4: posts.time_from_id; older files gain the column (0) when opened.
# 5: the views table (saved views, core/saved_views.py); older files gain it, empty.
# 6: a replayed post's payload may be kept by reference to its archive file
# (the `archives` table, posts.raw_archive/raw_offset/raw_length/raw_crc;
# see archive_payload.py); older files gain them (NULL: a copy in `raw`).
# 7: point_blobs, the map's columns of each batch (point_blobs.py); older
# files gain the table, empty (a session's blobs are built when it reopens).
# 8: blobs of version 2 (session-wide string codes, point_batch.py); the
# version 1 blobs of older files are still read as they are.
SCHEMA_VERSION = 8
WAL_KEPT_BYTES = 64 << 20  # the write-ahead log file is cut back to this when it starts over

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    terms TEXT NOT NULL,            -- JSON list of the terms searched
    synthetic INTEGER NOT NULL,     -- 1 for the offline demo
    started_at TEXT NOT NULL,       -- ISO 8601, UTC
    ended_at TEXT,                  -- NULL while running or after a crash
    areas TEXT NOT NULL DEFAULT '[]' -- JSON list of the areas followed (core/area/model.py)
);
CREATE TABLE IF NOT EXISTS posts (
    rowid INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    post_id TEXT NOT NULL,
    created_at TEXT NOT NULL,       -- ISO 8601, UTC; '' when the post carries no time
    received_at REAL NOT NULL,      -- Unix time the app got it
    author_name TEXT NOT NULL,
    author_handle TEXT NOT NULL,
    text TEXT NOT NULL,
    lang TEXT NOT NULL,
    terms TEXT NOT NULL,            -- JSON list of the matching terms
    lon REAL, lat REAL,             -- NULL when the post could not be located
    kind TEXT,                      -- exact | place | profile
    radius_m REAL,
    place_label TEXT,
    raw BLOB NOT NULL,              -- the payload as received, LZ4 (raw_codec.py); empty
                                    -- when kept by reference (raw_archive not NULL)
    time_from_id INTEGER NOT NULL DEFAULT 0,  -- 1: created_at worked out from the post id
    raw_archive INTEGER REFERENCES archives(id),  -- the payload is bytes of this file:
    raw_offset INTEGER, raw_length INTEGER, raw_crc INTEGER,  -- these, with this CRC-32
    UNIQUE (session_id, post_id)
);
CREATE TABLE IF NOT EXISTS archives (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE       -- absolute path of an archive replayed by reference
);
CREATE TABLE IF NOT EXISTS views (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    name TEXT NOT NULL,
    view TEXT NOT NULL,             -- the view as its JSON file holds it (core/view_state.py)
    saved_at TEXT NOT NULL,         -- ISO 8601, UTC
    UNIQUE (session_id, name)
);
"""


@dataclass(frozen=True, slots=True)
class SessionInfo:
    id: int
    source: str
    terms: tuple[str, ...]
    synthetic: bool
    started_at: datetime
    ended_at: datetime | None
    received: int
    located: int
    areas: tuple[Area, ...] = ()

    @property
    def interrupted(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True, slots=True)
class WrittenBatch:
    """What one batch's transaction stored, as a front end counts and draws
    it without reading it back: `added` posts new to the session (the rest
    repeated one stored before), `kinds` how the new located ones were
    located, and `blob` their map columns (point_batch.py), the very bytes
    kept in the store beside them (b"" when none was located)."""

    added: int
    kinds: Mapping[str, int]
    blob: bytes

    @property
    def located(self) -> int:
        return sum(self.kinds.values())


class SessionStore:
    """One connection, used from one thread; open another for another thread."""

    def __init__(
        self, path: Path, *, checkpoint_wait: Wait = threading.Event.wait, tidies: bool = True
    ) -> None:
        """`checkpoint_wait`: how the checkpoint thread waits (see wal_checkpointer.py).
        Without `tidies`, neither a checkpoint thread nor a last checkpoint at
        `close`: a second connection (the store writer's) leaves that to the first."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        # Each post keeps its raw payload (about 4.5 KB from X with expansions):
        # 16 KiB pages hold several, where 4 KiB pages chain an overflow page per
        # post; ingest is almost twice as fast. Only takes effect in a new file.
        self._db.execute("PRAGMA page_size=16384")
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit survives the app being killed; only a
        # power cut can lose the last transactions.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        self._db.executescript(point_blobs.SCHEMA)
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None or int(row[0]) < SCHEMA_VERSION:
            self._add_missing_columns()
            self._db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        elif int(row[0]) > SCHEMA_VERSION:
            self._db.close()
            raise RuntimeError(
                f"{path} was written by a newer GeoTweets (schema {row[0]}); please update."
            )
        # Checkpoints happen on a thread of their own (see wal_checkpointer.py).
        self._db.execute("PRAGMA wal_autocheckpoint=0")
        # When the log starts over (see wal_checkpointer.py), its file is cut back.
        self._db.execute(f"PRAGMA journal_size_limit={WAL_KEPT_BYTES}")
        self._checkpointer = WalCheckpointer(path, wait=checkpoint_wait) if tidies else None
        self._archives = ArchiveFiles()
        self._kept_codes = point_blobs.KeptCodes()
        self.views = SavedViews(self._db)

    def _add_missing_columns(self) -> None:
        """Bring a file made by an older version up to this schema."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(sessions)")}
        if "areas" not in columns:
            self._db.execute("ALTER TABLE sessions ADD COLUMN areas TEXT NOT NULL DEFAULT '[]'")
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(posts)")}
        if "time_from_id" not in columns:
            self._db.execute("ALTER TABLE posts ADD COLUMN time_from_id INTEGER NOT NULL DEFAULT 0")
        if "raw_archive" not in columns:
            self._db.execute(
                "ALTER TABLE posts ADD COLUMN raw_archive INTEGER REFERENCES archives(id)"
            )
            for column in ("raw_offset", "raw_length", "raw_crc"):
                self._db.execute(f"ALTER TABLE posts ADD COLUMN {column} INTEGER")

    def close(self) -> None:
        self._archives.close()
        if self._checkpointer is not None:
            self._checkpointer.close()
            # Fold the log into the file, so a closed store is one tidy file.
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        self._db.close()

    def start_session(
        self, source: str, terms: Sequence[str], synthetic: bool, areas: Sequence[Area] = ()
    ) -> int:
        cur = self._db.execute(
            "INSERT INTO sessions (source, terms, synthetic, started_at, areas)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                source,
                json.dumps(list(terms), ensure_ascii=False),
                int(synthetic),
                _now_iso(),
                json.dumps([area.to_json() for area in areas], ensure_ascii=False),
            ),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def end_session(self, session_id: int) -> None:
        self._db.execute(
            "UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
            (_now_iso(), session_id),
        )

    def add_posts(self, session_id: int, posts: Iterable[Post]) -> list[tuple[int, Post]]:
        """Store posts in one transaction; return (key, post) for the new ones only.

        A post already stored in this session (same id) is skipped, so the
        caller draws each post once however often a source repeats it.
        """
        added: list[tuple[int, Post]] = []
        now = time.time()
        with self._transaction():
            for post in posts:
                row = self._db.execute(
                    _INSERT + " RETURNING rowid", post_row(session_id, post, now)
                )
                found = row.fetchone()
                if found is not None:
                    added.append((found[0], post))
            located = [p for key, post in added if (p := stored_point(key, post)) is not None]
            point_blobs.write(self._db, self._kept_codes, session_id, located)
        return added

    def write_posts(self, session_id: int, posts: Iterable[Post]) -> WrittenBatch:
        """`add_posts` for a front end, which needs no keys back but what to
        count and draw: written as rows (`write_rows`), a few µs a post
        cheaper, and that much less time holding the interpreter lock."""
        now = time.time()
        return self.write_rows(session_id, [post_row(session_id, post, now) for post in posts])

    def add_archive(self, path: Path) -> int:
        """The id of the archive at `path`, for rows whose payloads point into it."""
        text = str(path.resolve())
        self._db.execute("INSERT OR IGNORE INTO archives (path) VALUES (?)", (text,))
        (archive_id,) = self._db.execute(
            "SELECT id FROM archives WHERE path = ?", (text,)
        ).fetchone()
        return int(archive_id)

    def add_rows(self, rows: Sequence[tuple[Any, ...]], points: Columns | None = None) -> int:
        """Store rows made by `post_row` in one transaction; return how many were new.

        For bulk loads that need no keys back (about 3 µs a post cheaper).
        `points`: the map's columns of the rows' located posts, made by
        whoever made the rows, before they had keys (see
        `point_blobs.write_for_rows`); without them they are made here."""
        return self._add_rows(rows, points)[0]

    def write_rows(
        self, session_id: int, rows: Sequence[tuple[Any, ...]], points: Columns | None = None
    ) -> WrittenBatch:
        """`add_rows` for rows of one session, answering with what a front
        end counts and draws."""
        added, blobs = self._add_rows(rows, points)
        blob = blobs.get(session_id, b"")
        return WrittenBatch(added, blob_kinds(blob) if blob else {}, blob)

    def _add_rows(
        self, rows: Sequence[tuple[Any, ...]], points: Columns | None
    ) -> tuple[int, dict[int, bytes]]:
        """How many rows were new, and the blobs of their located posts by session."""
        before = self._db.total_changes
        with self._transaction():
            (last_key,) = self._db.execute("SELECT coalesce(max(rowid), 0) FROM posts").fetchone()
            self._db.executemany(_INSERT, rows)
            added = self._db.total_changes - before
            blobs = point_blobs.write_for_rows(
                self._db, self._kept_codes, rows, last_key, added, points
            )
        return added, blobs

    def sessions(self) -> list[SessionInfo]:
        rows = self._db.execute(_SESSIONS + " ORDER BY s.id DESC").fetchall()
        return [_session_info(row) for row in rows]

    def session(self, session_id: int, *, counted: bool = True) -> SessionInfo | None:
        """One session, counting only its own posts (not every session's):
        received in the index of post ids, located from the map's columns
        that every writer keeps with them (a session without any is counted
        in its rows: see `located_count`). `counted=False` leaves `received`
        and `located` at 0, for a caller that counts them itself (the report)."""
        query = _SESSIONS if counted else _SESSION_UNCOUNTED
        row = self._db.execute(query + " WHERE s.id = ?", (session_id,)).fetchone()
        return _session_info(row) if row is not None else None

    def located_by_kind(self, session_id: int) -> dict[str, int]:
        """How many of a session's posts were located each way (exact, place, profile)."""
        rows = self._db.execute(
            "SELECT kind, count(*) FROM posts WHERE session_id = ? AND kind IS NOT NULL"
            " GROUP BY kind",
            (session_id,),
        )
        return {str(kind): int(count) for kind, count in rows}

    def posts_received_since(self, since: float, source_prefix: str) -> int:
        """Posts stored after `since` (Unix time) by sessions whose source starts so."""
        (count,) = self._db.execute(
            "SELECT count(*) FROM posts p JOIN sessions s ON s.id = p.session_id"
            " WHERE p.received_at >= ? AND s.source LIKE ? || '%'",
            (since, source_prefix),
        ).fetchone()
        return int(count)

    def points(
        self, session_id: int, chunk: int = 20_000, *, after: int = 0
    ) -> Iterator[list[StoredPoint]]:
        """The located posts of a session, in arrival order, a chunk at a time;
        those with keys above `after` (see `last_key`) only."""
        cur = self._db.execute(
            "SELECT rowid, lon, lat, kind, terms, created_at, lang, place_label,"
            " author_handle, text FROM posts"
            " WHERE session_id = ? AND rowid > ? AND lon IS NOT NULL ORDER BY rowid",
            (session_id, after),
        )
        while rows := cur.fetchmany(chunk):
            yield [point_from_columns(*row) for row in rows]

    def point_parts(self, session_id: int, min_points: int) -> list[point_blobs.BlobPart]:
        """The session's map columns as parts of at least `min_points` points
        (what is built: see `build_point_blobs`)."""
        return point_blobs.parts(self._db, session_id, min_points)

    def point_part(self, session_id: int, part: point_blobs.BlobPart) -> bytes:
        """One part's blobs, one after another (see point_batch.py)."""
        return point_blobs.read_part(self._db, session_id, part)

    def last_point_blob(self, session_id: int) -> int:
        """The id of the session's last point blob (0: none yet)."""
        return point_blobs.last_id(self._db, session_id)

    def point_blobs_after(self, session_id: int, after: int) -> list[tuple[int, int, bytes]]:
        """The session's point blobs written after blob `after`: (id, points, blob)."""
        return point_blobs.written_after(self._db, session_id, after)

    def build_point_blobs(
        self, session: SessionInfo, chunk: int, *, located: int | None = None
    ) -> Iterator[int]:
        """Build the map columns a session lacks (stored by an older version,
        copied by an export), a chunk of located posts at a time, yielding
        how many posts are done; nothing when none are missing. `located`:
        the session's located posts as `located_count` gives them (counted
        here when not given)."""
        if located is None:
            located = self.located_count(session.id)
        after = point_blobs.unbuilt_after(self._db, session.id, located)
        done = 0
        # A chunk is read whole before it is written: a read left open across
        # the write would hold a snapshot that another connection's commit
        # (the window's store writer) makes too old to write from.
        while points := self._points_after(session.id, after, chunk):
            with self._transaction():
                point_blobs.write(self._db, self._kept_codes, session.id, points)
            after = points[-1].key
            done += len(points)
            yield done

    def _points_after(self, session_id: int, after: int, limit: int) -> list[StoredPoint]:
        """The session's first `limit` located posts with keys above `after`."""
        # `+session_id`: walk the keys from `after` (the session's posts lie
        # together), not the session's index, which would sort them all each time.
        rows = self._db.execute(
            "SELECT rowid, lon, lat, kind, terms, created_at, lang, place_label,"
            " author_handle, text FROM posts"
            " WHERE rowid > ? AND +session_id = ? AND lon IS NOT NULL ORDER BY rowid LIMIT ?",
            (after, session_id, limit),
        ).fetchall()
        return [point_from_columns(*row) for row in rows]

    def located_count(self, session_id: int) -> int:
        """A session's located posts, counted in its rows (each one read: at
        a million posts, most of a second). `session` counts them from the
        map's columns instead."""
        (count,) = self._db.execute(
            "SELECT count(*) FROM posts WHERE session_id = ? AND lon IS NOT NULL", (session_id,)
        ).fetchone()
        return int(count)

    def post(self, key: int) -> Post | None:
        """One stored post by its key, for the popup. A payload kept by
        reference to an archive that has moved reads as "" (the popup shows
        none of it; `iter_posts` and the export say so instead)."""
        row = self._db.execute(
            f"SELECT {_POST_COLUMNS} {_POST_TABLES} WHERE p.rowid = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        try:
            return self._post_from_row(row)
        except PayloadMissing:
            return _post_from_row(row, "")

    def payload(self, key: int) -> str:
        """The raw payload of one stored post; PayloadMissing says why it cannot be read."""
        row = self._db.execute(
            f"SELECT {_PAYLOAD_COLUMNS} {_POST_TABLES} WHERE p.rowid = ?", (key,)
        ).fetchone()
        if row is None:
            raise KeyError(key)
        return self._payload(row, 0)

    def _payload(self, row: tuple[Any, ...], at: int) -> str:
        """The payload from the `_PAYLOAD_COLUMNS` that start at `row[at]`."""
        path = row[at + 1]
        if path is None:
            return unpack(row[at])
        span = PayloadSpan(row[at + 2], row[at + 3], row[at + 4])
        return self._archives.read(str(path), span)

    def _post_from_row(self, row: tuple[Any, ...]) -> Post:
        return _post_from_row(row, self._payload(row, _RAW_AT))

    def iter_posts(
        self, session_id: int, chunk: int = 5_000, *, by_time: bool = False, raw: bool = True
    ) -> Iterator[list[Post]]:
        """Every post of a session (located or not), in arrival order (or by
        `created_at`, ties in arrival order), a chunk at a time: for export, which
        must not hold a million posts in memory. Without `raw`, posts come with an
        empty payload and SQLite sorts rows a fraction of the size. A payload
        kept by reference to an archive that has moved raises PayloadMissing."""
        columns = _POST_COLUMNS if raw else _POST_COLUMNS.replace(_PAYLOAD_COLUMNS, _NO_PAYLOAD)
        # created_at is ISO 8601 in UTC, so text order is time order ("…:24+00:00"
        # sorts before "…:24.5+00:00" too). SQLite's sorter spills to temporary
        # files, so memory stays bounded however big the session.
        order = "p.created_at, p.rowid" if by_time else "p.rowid"
        cur = self._db.execute(
            f"SELECT {columns} {_POST_TABLES} WHERE p.session_id = ? ORDER BY {order}",
            (session_id,),
        )
        while rows := cur.fetchmany(chunk):
            yield [self._post_from_row(row) for row in rows]

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self._kept_codes)


class _Transaction:
    def __init__(self, db: sqlite3.Connection, kept_codes: point_blobs.KeptCodes) -> None:
        self._db = db
        self._kept_codes = kept_codes

    def __enter__(self) -> None:
        # IMMEDIATE: the write lock is taken (waiting out `busy_timeout` while
        # another connection holds it) before anything is read. A deferred
        # BEGIN that read first could not wait for it, in WAL mode: the batch
        # failed at once with "database is locked".
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self._db.execute("COMMIT")
            return
        self._db.execute("ROLLBACK")
        # The codes learned the strings of blobs that were not kept.
        self._kept_codes.forget()


# A payload: its copy, or the archive and span it is kept at by reference.
_PAYLOAD_COLUMNS = "p.raw, a.path, p.raw_offset, p.raw_length, p.raw_crc"
_NO_PAYLOAD = "'', NULL, NULL, NULL, NULL"
_POST_COLUMNS = (
    "p.post_id, p.created_at, p.text, p.author_name, p.author_handle, p.terms,"
    " p.lon, p.lat, p.kind, p.radius_m, p.place_label, p.lang, s.synthetic,"
    f" p.time_from_id, {_PAYLOAD_COLUMNS}"
)
_RAW_AT = 14  # where the payload columns start in a row of _POST_COLUMNS
_POST_TABLES = (
    "FROM posts p JOIN sessions s ON s.id = p.session_id"
    " LEFT JOIN archives a ON a.id = p.raw_archive"
)


def _post_from_row(row: tuple[Any, ...], raw: str) -> Post:
    location = (
        Location(lon=row[6], lat=row[7], kind=row[8], radius_m=row[9], label=row[10] or "")
        if row[6] is not None
        else None
    )
    return Post(
        id=str(row[0]),
        created_at=datetime.fromisoformat(str(row[1])) if row[1] else None,
        text=str(row[2]),
        author_name=str(row[3]),
        author_handle=str(row[4]),
        terms=tuple(json.loads(str(row[5]))),
        location=location,
        raw=raw,
        lang=str(row[11]),
        synthetic=bool(row[12]),
        time_from_id=bool(row[13]),
    )


_SESSIONS = (
    "SELECT s.id, s.source, s.terms, s.synthetic, s.started_at, s.ended_at,"
    " (SELECT count(*) FROM posts p WHERE p.session_id = s.id),"
    # Blobs are written in their posts' transaction: their points are the
    # located posts, without reading a row (point_blobs.py).
    " coalesce((SELECT sum(b.points) FROM point_blobs b WHERE b.session_id = s.id),"
    "  (SELECT count(*) FROM posts p WHERE p.session_id = s.id AND p.lon IS NOT NULL)),"
    " s.areas"
    " FROM sessions s"
)

_SESSION_UNCOUNTED = (
    "SELECT s.id, s.source, s.terms, s.synthetic, s.started_at, s.ended_at, 0, 0, s.areas"
    " FROM sessions s"
)

_INSERT = (
    "INSERT OR IGNORE INTO posts (session_id, post_id, created_at, received_at, author_name,"
    " author_handle, text, lang, terms, lon, lat, kind, radius_m, place_label, raw,"
    " time_from_id, raw_archive, raw_offset, raw_length, raw_crc)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


# Where a row made by `post_row` keeps the location kind (None: not located).
ROW_KIND = 11


_NO_REFERENCE: tuple[int | None, ...] = (None, None, None, None)


def post_row(
    session_id: int,
    post: Post,
    received_at: float,
    reference: tuple[int, PayloadSpan] | None = None,
) -> tuple[Any, ...]:
    """The posts-table row for one post (any thread or process may make it);
    with `reference` (an archive id from `add_archive`, and where in that file
    the post's payload lies), the payload is kept by reference, not copied."""
    loc = post.location
    if reference is None:
        raw, kept_at = pack(post.raw), _NO_REFERENCE
    else:
        archive, span = reference
        raw, kept_at = b"", (archive, span.offset, span.length, span.crc)
    return (
        session_id,
        post.id,
        stored_time(post.created_at),
        received_at,
        post.author_name,
        post.author_handle,
        post.text,
        post.lang,
        _terms_json(post.terms),
        loc.lon if loc else None,
        loc.lat if loc else None,
        loc.kind if loc else None,
        loc.radius_m if loc else None,
        loc.label if loc else None,
        raw,
        int(post.time_from_id),
        *kept_at,
    )


@lru_cache(maxsize=1024)
def _terms_json(terms: tuple[str, ...]) -> str:
    """A post's terms as stored; cached, since a session has few combinations
    and json.dumps would otherwise cost more than the rest of the row."""
    return json.dumps(list(terms), ensure_ascii=False)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _session_info(row: tuple[object, ...]) -> SessionInfo:
    return SessionInfo(
        id=int(row[0]),  # type: ignore[call-overload]
        source=str(row[1]),
        terms=tuple(json.loads(str(row[2]))),
        synthetic=bool(row[3]),
        started_at=datetime.fromisoformat(str(row[4])),
        ended_at=datetime.fromisoformat(str(row[5])) if row[5] else None,
        received=int(row[6]),  # type: ignore[call-overload]
        located=int(row[7]),  # type: ignore[call-overload]
        areas=_stored_areas(str(row[8])),
    )


def _stored_areas(text: str) -> tuple[Area, ...]:
    """The areas of a session; one damaged by hand is left out, not fatal."""
    try:
        stored = json.loads(text)
    except ValueError:
        return ()
    areas = []
    for obj in stored if isinstance(stored, list) else []:
        try:
            areas.append(area_from_json(obj))
        except AreaError:
            continue
    return tuple(areas)
