"""Copy sessions into a new session-store file that `SessionStore` opens like any other.

The new file is created with the store's own schema, the source is ATTACHed,
and the rows are copied with INSERT ... SELECT (one session, or all of them, with
their saved views), keeping session ids and post keys. Privacy options then rewrite the copy:
points snapped to the grid (`privacy.py`), author names and handles emptied,
and the raw payload emptied too, since it holds both. Payloads the source
keeps by reference to an archive file are copied into the new file (it
may travel without the archive); if the archive has moved, the export
says so. A VACUUM afterwards
rewrites the file, so nothing removed survives in free pages, and the copy
is left in rollback-journal mode: one self-contained file, no -wal beside it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from geotweets_desktop.core.archive_payload import ArchiveFiles, PayloadMissing, PayloadSpan
from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.export.post_filter import PostFilter
from geotweets_desktop.core.export.privacy import Privacy, snap
from geotweets_desktop.core.raw_codec import pack
from geotweets_desktop.core.store import SCHEMA_VERSION, SessionStore

_CHUNK = 5_000


class DatabaseExportError(ValueError):
    """The source cannot be copied; the message says why."""


def copy_sessions(
    source: Path, out: Path, session_id: int | None, privacy: Privacy
) -> tuple[int, int]:
    """Copy one session (or all, when None) of `source` into the new file `out`.

    Returns (posts copied, sessions copied). `out` must not exist yet.
    """
    SessionStore(out).close()  # the schema, exactly as the app makes it
    db = sqlite3.connect(out, isolation_level=None)
    try:
        db.execute("ATTACH DATABASE ? AS src", (str(source),))
        row = db.execute("SELECT value FROM src.meta WHERE key = 'schema_version'").fetchone()
        if row is None or int(row[0]) != SCHEMA_VERSION:
            raise DatabaseExportError(
                f"{source.name} has session-store schema {row[0] if row else '?'}, "
                f"this version reads {SCHEMA_VERSION}"
            )
        where, args = ("WHERE id = ?", (session_id,)) if session_id is not None else ("", ())
        post_where = "WHERE session_id = ?" if session_id is not None else ""
        db.execute("BEGIN")
        sessions = db.execute(f"INSERT INTO sessions SELECT * FROM src.sessions {where}", args)
        posts = db.execute(f"INSERT INTO posts SELECT * FROM src.posts {post_where}", args)
        copied = (posts.rowcount, sessions.rowcount)
        db.execute(f"INSERT INTO views SELECT * FROM src.views {post_where}", args)
        if privacy.step is None and not privacy.drop_authors:  # else every payload goes
            _copy_referenced_payloads(db)
        _apply_privacy(db, privacy)
        db.execute("COMMIT")
        db.execute("DETACH DATABASE src")
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("VACUUM")
        return copied
    finally:
        db.close()


def keep_only(path: Path, areas: list[Area], keep: PostFilter | None) -> tuple[int, int]:
    """Delete the posts of the copy at `path` that lie in none of `areas` (if
    any; unlocated ones too), then those `keep` (if given) does not keep.
    Return how many went each way. The copy is vacuumed again."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        outside = filtered_out = 0
        if areas:
            db.create_function(
                "gt_inside",
                2,
                lambda lon, lat: any(area.contains(lon, lat) for area in areas),
                deterministic=True,
            )
            outside = db.execute(
                "DELETE FROM posts WHERE lon IS NULL OR NOT gt_inside(lon, lat)"
            ).rowcount
        if keep is not None:
            db.create_function("gt_keeps", 7, keep.keeps_row, deterministic=True)
            filtered_out = db.execute(
                "DELETE FROM posts WHERE NOT gt_keeps("
                "created_at, lang, terms, kind, text, place_label, author_handle)"
            ).rowcount
        db.execute("VACUUM")
        return outside, filtered_out
    finally:
        db.close()


def _copy_referenced_payloads(db: sqlite3.Connection) -> None:
    """Replace each payload kept by reference with a copy read from its archive."""
    files = ArchiveFiles()
    after = 0
    try:
        while rows := db.execute(
            "SELECT p.rowid, a.path, p.raw_offset, p.raw_length, p.raw_crc FROM posts p"
            " JOIN src.archives a ON a.id = p.raw_archive WHERE p.rowid > ?"
            " ORDER BY p.rowid LIMIT ?",
            (after, _CHUNK),
        ).fetchall():
            copies = [
                (pack(files.read(path, PayloadSpan(offset, length, crc))), key)
                for key, path, offset, length, crc in rows
            ]
            db.executemany(f"UPDATE posts SET raw = ?, {_NO_REFERENCE} WHERE rowid = ?", copies)
            after = rows[-1][0]
    except PayloadMissing as exc:
        raise DatabaseExportError(f"cannot copy the raw payloads: {exc}") from None
    finally:
        files.close()


_NO_REFERENCE = "raw_archive = NULL, raw_offset = NULL, raw_length = NULL, raw_crc = NULL"


def _apply_privacy(db: sqlite3.Connection, privacy: Privacy) -> None:
    step = privacy.step
    if step is not None:
        db.create_function("gt_snap", 1, lambda v: None if v is None else snap(v, step))
        db.execute(
            "UPDATE posts SET lon = max(-180.0, min(180.0, gt_snap(lon))),"
            " lat = max(-90.0, min(90.0, gt_snap(lat))),"
            f" radius_m = max(radius_m, ?), raw = '', {_NO_REFERENCE} WHERE lon IS NOT NULL",
            (step * 111_320.0,),
        )
        # Unlocated posts keep nothing that could place them either.
        db.execute(f"UPDATE posts SET raw = '', {_NO_REFERENCE} WHERE lon IS NULL")
    if privacy.drop_authors:
        db.execute(
            f"UPDATE posts SET author_name = '', author_handle = '', raw = '', {_NO_REFERENCE}"
        )
