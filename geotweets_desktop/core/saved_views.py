"""Saved views: named views of a stored session, kept in the store's `views` table.

A row holds the view exactly as its JSON file would (`core/view_state.py`),
so saving to a file and sharing it is writing that text out. Names are
unique per session: saving under a name again replaces that view.

A view names its session by id and start time; `find_session` tells the
user plainly when the store at hand does not hold that session (a file from
another computer names ids of another store).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from geotweets_desktop.core.view_state import (
    SavedView,
    SessionRef,
    ViewStateError,
    saved_view_from_text,
)

if TYPE_CHECKING:
    from geotweets_desktop.core.store import SessionInfo, SessionStore


@dataclass(frozen=True, slots=True)
class StoredView:
    id: int
    saved_at: datetime
    view: SavedView

    @property
    def name(self) -> str:
        return self.view.name


class SavedViews:
    """The views table, on the store's own connection (and thread)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def save(self, view: SavedView) -> int:
        """Store `view` (replacing the session's view of that name); its id."""
        row = self._db.execute(
            "INSERT INTO views (session_id, name, view, saved_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (session_id, name) DO UPDATE SET view = excluded.view,"
            " saved_at = excluded.saved_at RETURNING id",
            (view.session.id, view.name, view.to_text(), datetime.now(UTC).isoformat()),
        ).fetchone()
        return int(row[0])

    def of_session(self, session_id: int) -> list[StoredView]:
        """The session's views by name. One damaged by hand is left out, not fatal."""
        rows = self._db.execute(
            "SELECT id, saved_at, view FROM views WHERE session_id = ? ORDER BY name, id",
            (session_id,),
        )
        return [view for row in rows if (view := _stored_view(row)) is not None]

    def get(self, view_id: int) -> StoredView | None:
        row = self._db.execute(
            "SELECT id, saved_at, view FROM views WHERE id = ?", (view_id,)
        ).fetchone()
        return _stored_view(row) if row is not None else None

    def delete(self, view_id: int) -> None:
        self._db.execute("DELETE FROM views WHERE id = ?", (view_id,))


def _stored_view(row: tuple[int, str, str]) -> StoredView | None:
    try:
        view = saved_view_from_text(row[2])
    except ViewStateError:
        return None
    return StoredView(row[0], datetime.fromisoformat(row[1]), view)


def session_ref(session: SessionInfo) -> SessionRef:
    return SessionRef(session.id, session.started_at, session.source, session.terms)


def find_session(store: SessionStore, ref: SessionRef) -> SessionInfo:
    """The stored session `ref` names; ViewStateError (one line) when this store
    does not hold it."""
    session = store.session(ref.id)
    if session is not None and session.started_at == ref.started_at:
        return session
    started = ref.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    what = f"session {ref.id} (started {started}" + (f", {ref.source})" if ref.source else ")")
    if session is None:
        raise ViewStateError(f"{what} is not in {store.path}")
    raise ViewStateError(
        f"{what} is not in {store.path}: its session {ref.id} is another one, started "
        + session.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    )
