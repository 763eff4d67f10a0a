"""The map's columns kept beside the posts: one blob (`point_batch.encode_blob`)
per stored batch of located posts, in the `point_blobs` table.

Written in the same transaction as the batch's posts (`SessionStore.add_posts`
and `add_rows`, so every writer keeps them), they let a reopened session
reach the page as a few large binary parts read straight from SQLite,
instead of a million rows turned into Python objects and JSON. A session
stored without them (an older version, a copy made by `export --out .db`,
rows written by another tool) has its blobs built once from its rows when it
is first reopened (`unbuilt_after`, then `write` a chunk at a time).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

from geotweets_desktop.core.map_point import StoredPoint, iso_seconds, stored_terms
from geotweets_desktop.core.point_batch import Columns, SessionCodes, encode_columns
from geotweets_desktop.core.x_text import hashtags

SCHEMA = """
CREATE TABLE IF NOT EXISTS point_blobs (
    id INTEGER PRIMARY KEY,         -- in write order, which is the posts' key order
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    last_key INTEGER NOT NULL,      -- the highest post key (posts.rowid) it holds
    points INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS point_blobs_by_session ON point_blobs (session_id, id);
"""

# Where a row made by `store.post_row` keeps what the map needs.
_SESSION, _POST_ID, _CREATED_AT, _HANDLE, _TEXT, _LANG = 0, 1, 2, 5, 6, 7
_TERMS, _LON, _LAT, _KIND, _LABEL = 8, 9, 10, 11, 13


@dataclass(frozen=True, slots=True)
class BlobPart:
    """Consecutive blobs of a session, sent to the page as one response."""

    first_id: int
    last_id: int
    points: int


class KeptCodes:
    """The session codes (point_batch.SessionCodes) one connection's blobs
    are written with, for the session it writes. Before each write they are
    checked against the session's last blob, and read again from the
    session's blobs when another connection (or nothing: a session this
    connection never wrote) wrote that one; `forget` after a rollback."""

    def __init__(self) -> None:
        self._sessions: dict[int, SessionCodes | None] = {}

    def forget(self) -> None:
        self._sessions.clear()

    def of(self, db: sqlite3.Connection, session_id: int) -> SessionCodes | None:
        """The session's codes as its blobs stand (None: its blobs do not
        follow on, so new ones are standalone)."""
        (last,) = db.execute(
            "SELECT coalesce(max(id), 0) FROM point_blobs WHERE session_id = ?", (session_id,)
        ).fetchone()
        if session_id in self._sessions:
            codes = self._sessions[session_id]
            if codes is None or codes.last_blob == last:
                return codes
        codes = SessionCodes(session_id)
        try:
            for (data,) in db.execute(
                "SELECT data FROM point_blobs WHERE session_id = ? ORDER BY id", (session_id,)
            ):
                codes.learn(data)
        except ValueError:
            self._sessions[session_id] = None
            return None
        codes.last_blob = last
        # One session's at a time: a session's strings are kept for as long
        # as it is written (the page holds them too), not after.
        self._sessions = {session_id: codes}
        return codes


def write(
    db: sqlite3.Connection, kept: KeptCodes, session_id: int, points: Sequence[StoredPoint]
) -> bytes:
    """Keep one blob of a batch's located points (inside the caller's
    transaction); the blob, b"" for none."""
    return _write(db, kept, session_id, Columns.of(points)) if points else b""


def _write(db: sqlite3.Connection, kept: KeptCodes, session_id: int, columns: Columns) -> bytes:
    codes = kept.of(db, session_id)
    blob = encode_columns(columns, codes)
    cursor = db.execute(
        "INSERT INTO point_blobs (session_id, last_key, points, data) VALUES (?, ?, ?, ?)",
        (session_id, max(columns.key), len(columns.key), blob),
    )
    if codes is not None:
        codes.last_blob = int(cursor.lastrowid or 0)
    return blob


def write_for_rows(
    db: sqlite3.Connection,
    kept: KeptCodes,
    rows: Sequence[tuple[Any, ...]],
    before: int,
    added: int,
    points: Columns | None = None,
) -> dict[int, bytes]:
    """The blobs of rows just inserted with `executemany` (inside its
    transaction), by session: `before` is the highest key before them,
    `added` how many were new. When all were, SQLite gave them the keys
    after `before`, in order; otherwise the new ones are found by their
    post ids.

    `points`, when given, are the columns of the rows' located posts made
    before they had keys (by the bulk replay's readers, from the posts they
    held; rows of one session), each point's key standing for its row's
    place in `rows`. When every row was new they only need their keys;
    otherwise they are not used."""
    if not added:
        return {}
    (last,) = db.execute("SELECT max(rowid) FROM posts").fetchone()
    every_row_new = added == len(rows) and last == before + added
    if points is not None and every_row_new:
        if not points.key:
            return {}
        session_id = rows[0][_SESSION]
        first = before + 1
        with_keys = replace(points, key=[first + place for place in points.key])
        return {session_id: _write(db, kept, session_id, with_keys)}
    located = [(i, r) for i, r in enumerate(rows) if r[_LON] is not None]
    if not located:
        return {}
    if every_row_new:
        keyed = [(before + 1 + i, r) for i, r in located]
    else:
        found = {
            (session, post_id): key
            for key, session, post_id in db.execute(
                "SELECT rowid, session_id, post_id FROM posts WHERE rowid > ?", (before,)
            )
        }
        keyed = []
        for _, r in located:
            key = found.pop((r[_SESSION], r[_POST_ID]), None)
            if key is not None:  # None: a repeat of a post stored before (or in this batch)
                keyed.append((key, r))
    by_session: dict[int, list[tuple[int, tuple[Any, ...]]]] = {}
    for key, r in keyed:
        by_session.setdefault(r[_SESSION], []).append((key, r))
    return {
        session_id: _write(db, kept, session_id, _columns_of_rows(session_rows))
        for session_id, session_rows in by_session.items()
    }


def _columns_of_rows(keyed: Sequence[tuple[int, tuple[Any, ...]]]) -> Columns:
    """The columns of rows, read straight from them: a bulk load writes a
    million, and a `StoredPoint` each would cost more than the rest."""
    rows = [r for _, r in keyed]
    return Columns(
        [key for key, _ in keyed],
        [r[_LON] for r in rows],
        [r[_LAT] for r in rows],
        [r[_KIND] for r in rows],
        [stored_terms(r[_TERMS]) for r in rows],
        [iso_seconds(r[_CREATED_AT]) for r in rows],
        [r[_LANG] for r in rows],
        [r[_LABEL] or "" for r in rows],
        [r[_HANDLE] for r in rows],
        [hashtags(r[_TEXT]) for r in rows],
    )


def columns_of_rows(
    rows: Sequence[tuple[Any, ...]],
    places: Sequence[int],
    terms: Sequence[tuple[str, ...]],
    times: Sequence[float],
) -> Columns:
    """The columns of the located posts among `rows` (made by `store.post_row`),
    found at `places`, given their terms and times (which rows hold only as
    text), the place standing for the key: made by a bulk replay's readers,
    so the writer neither parses times nor finds hashtags again. By
    `itemgetter` and `zip`, in C: they make a million."""
    located = map(rows.__getitem__, places)
    lon, lat, kind, lang, label, author, text = zip(*map(_ROW_PARTS, located), strict=True)
    return Columns(
        places, lon, lat, kind, terms, times, lang, label, author, list(map(hashtags, text))
    )


_ROW_PARTS = itemgetter(_LON, _LAT, _KIND, _LANG, _LABEL, _HANDLE, _TEXT)


def parts(db: sqlite3.Connection, session_id: int, min_points: int) -> list[BlobPart]:
    """The session's blobs in order, grouped into parts of at least `min_points`
    points (the last may hold fewer), but for the first ones: an eighth of
    that, then twice as many each time, so the page has points to add while
    the next parts are read."""
    out: list[BlobPart] = []
    first = last = count = 0
    least = max(1, min_points // 8)
    for blob_id, points in db.execute(
        "SELECT id, points FROM point_blobs WHERE session_id = ? ORDER BY id", (session_id,)
    ):
        if count == 0:
            first = blob_id
        last, count = blob_id, count + points
        if count >= least:
            out.append(BlobPart(first, last, count))
            count = 0
            least = min(min_points, 2 * least)
    if count:
        out.append(BlobPart(first, last, count))
    return out


def read_part(db: sqlite3.Connection, session_id: int, part: BlobPart) -> bytes:
    """The blobs of a part, one after another (each is self-describing)."""
    rows: Iterable[tuple[bytes]] = db.execute(
        "SELECT data FROM point_blobs WHERE session_id = ? AND id BETWEEN ? AND ? ORDER BY id",
        (session_id, part.first_id, part.last_id),
    )
    return b"".join(data for (data,) in rows)


def last_id(db: sqlite3.Connection, session_id: int) -> int:
    """The id of the session's last blob (0: none)."""
    (last,) = db.execute(
        "SELECT coalesce(max(id), 0) FROM point_blobs WHERE session_id = ?", (session_id,)
    ).fetchone()
    return int(last)


def written_after(
    db: sqlite3.Connection, session_id: int, after: int
) -> list[tuple[int, int, bytes]]:
    """The session's blobs after blob `after`, in order: (id, points, blob)."""
    rows = db.execute(
        "SELECT id, points, data FROM point_blobs WHERE session_id = ? AND id > ? ORDER BY id",
        (session_id, after),
    )
    return [(int(blob_id), int(points), bytes(data)) for blob_id, points, data in rows]


def unbuilt_after(db: sqlite3.Connection, session_id: int, located: int) -> int:
    """The key after which the session's located posts have no blobs yet.

    Blobs cover the posts in key order, so what they miss is a tail: all of
    a session stored without them, or nothing. `located` (the session's
    located posts, as `SessionStore.session` counts them) checks them: when
    the blobs and the tail do not add up to it, the blobs are dropped and
    built again from the start (0)."""
    points, last_key = db.execute(
        "SELECT coalesce(sum(points), 0), coalesce(max(last_key), 0) FROM point_blobs"
        " WHERE session_id = ?",
        (session_id,),
    ).fetchone()
    # `+session_id`: walk the keys after `last_key` (few, or none), not the
    # session's index (all of its posts).
    (tail,) = db.execute(
        "SELECT count(*) FROM posts WHERE rowid > ? AND +session_id = ? AND lon IS NOT NULL",
        (last_key, session_id),
    ).fetchone()
    if points + tail == located:
        return int(last_key)
    db.execute("DELETE FROM point_blobs WHERE session_id = ?", (session_id,))
    return 0
