"""Which of a session's posts hold the words typed: the map's "text contains" filter.

Case-insensitive and Unicode-aware: the text and the words are compared
after NFKC normalisation and case folding, so "STRASSE" finds "Straße",
full-width "RAIN" (U+FF32...) finds "rain" and "ÉTÉ" finds "été". SQLite's LIKE folds ASCII
letters only, so the matching is done here, over the text column read in
chunks through a read-only connection of its own: it runs on a thread
beside the store's writer, which WAL lets it do without waiting.

Only located posts are searched: the map holds no other.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

CHUNK = 20_000
_SEPARATOR = "\x00"
# Characters and bytes differ: a character beyond ASCII (or a NUL, where
# length() stops counting). Five times as fast as GLOB '*[^ -~]*'.
_NOT_ASCII = "length(text) <> length(CAST(text AS BLOB))"

Progress = Callable[[float], None]  # the fraction searched, 0..1
Stopped = Callable[[], bool]  # True once the answer is no longer wanted


def fold(text: str) -> str:
    """Text as it is compared: compatibility-normalised and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


class TextQuery:
    """The words typed: a post matches when its text contains every one."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.words = tuple(dict.fromkeys(fold(query).split()))

    def __bool__(self) -> bool:
        return bool(self.words)

    def matches(self, text: str) -> bool:
        folded = fold(text)
        return all(word in folded for word in self.words)

    def matching(self, rows: Sequence[tuple[int, str]]) -> list[int]:
        """The keys of the (key, text) rows whose text matches."""
        texts = [text for _key, text in rows]
        # Folded in one call: NUL composes with nothing, so normalisation never
        # reaches across it (a text that holds one is folded on its own).
        folded = fold(_SEPARATOR.join(texts)).split(_SEPARATOR)
        if len(folded) != len(texts):
            folded = [fold(text) for text in texts]
        words = self.words
        return [
            row[0] for row, text in zip(rows, folded, strict=True) if all(w in text for w in words)
        ]


def _candidates(query: TextQuery) -> tuple[str, list[str]]:
    """An SQL condition true of every text the query matches (and of some
    others), which SQLite checks before Python does: an ASCII text folds to
    its ASCII lower case, so it can hold a word only if LIKE (ASCII
    case-insensitive) finds it there; any other text is left to Python."""
    conditions = []
    patterns = []
    for word in query.words:
        if word.isascii():
            conditions.append(f"({_NOT_ASCII} OR text LIKE ? ESCAPE '\\')")
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            patterns.append(f"%{escaped}%")
        else:
            conditions.append(_NOT_ASCII)
    return " AND ".join(conditions), patterns


def _connect(db_path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    db.execute("PRAGMA busy_timeout=5000")
    return db


def session_keys_containing(
    db_path: Path,
    session_id: int,
    query: TextQuery,
    *,
    progress: Progress | None = None,
    stopped: Stopped | None = None,
    chunk: int = CHUNK,
) -> list[int] | None:
    """The keys of the session's located posts whose text matches, in key
    order; None when `stopped` said so before the end."""
    found: list[int] = []
    with contextlib.closing(_connect(db_path)) as db:
        first, last = db.execute(
            "SELECT min(rowid), max(rowid) FROM posts WHERE session_id = ?", (session_id,)
        ).fetchone()
        if first is None:
            return found
        span = max(1, last - first + 1)
        # A walk along the table over the session's keys ("+session_id" keeps
        # SQLite off the session index, whose lookups and sort took 2.5 times as long).
        candidates, patterns = _candidates(query)
        cur = db.execute(
            "SELECT rowid, text FROM posts WHERE rowid BETWEEN ? AND ?"
            f" AND +session_id = ? AND lon IS NOT NULL AND {candidates}",
            (first, last, session_id, *patterns),
        )
        while rows := cur.fetchmany(chunk):
            if stopped is not None and stopped():
                return None
            found.extend(query.matching(rows))
            if progress is not None:
                progress(min(1.0, (rows[-1][0] - first + 1) / span))
    if progress is not None:
        progress(1.0)
    return found


def keys_containing(db_path: Path, keys: Sequence[int], query: TextQuery) -> list[int]:
    """Of the posts with these keys (new arrivals, say), those whose text matches."""
    with contextlib.closing(_connect(db_path)) as db:
        rows = db.execute(
            "SELECT rowid, text FROM posts WHERE rowid IN (SELECT value FROM json_each(?))"
            " ORDER BY rowid",
            (json.dumps(list(keys)),),
        ).fetchall()
        return query.matching(rows)
