"""Sessions keep the areas they followed; stores made before that gain the column."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from geotweets_desktop.core.area.model import parse_around, parse_bbox
from geotweets_desktop.core.area.named import named_area
from geotweets_desktop.core.store import SCHEMA_VERSION, SessionStore

# The sessions table as schema 2 made it (before areas).
SCHEMA_2_SESSIONS = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '2');
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    terms TEXT NOT NULL,
    synthetic INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT
);
INSERT INTO sessions VALUES (1, 'X filtered stream', '["rain"]', 0,
                             '2026-11-01T10:00:00+00:00', '2026-11-01T11:00:00+00:00');
"""


def test_a_session_keeps_its_areas(tmp_path: Path) -> None:
    areas = [
        parse_bbox("170,-10,-170,10"),
        parse_around("-9.14,38.72,15"),
        named_area("Lisbon", 20.0, also_tagged=True),
    ]
    store = SessionStore(tmp_path / "s.db")
    session = store.start_session("X filtered stream", ["flood"], False, areas)
    plain = store.start_session("demo", ["rain"], True)
    store.close()
    store = SessionStore(tmp_path / "s.db")
    try:
        info = store.session(session)
        assert info is not None and list(info.areas) == areas
        plain_info = store.session(plain)
        assert plain_info is not None and plain_info.areas == ()
    finally:
        store.close()


def test_a_store_from_before_areas_opens_with_no_areas_and_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.executescript(SCHEMA_2_SESSIONS)
    store = SessionStore(path)
    try:
        (old,) = store.sessions()
        assert (old.id, old.terms, old.areas) == (1, ("rain",), ())
        new = store.start_session("X", [], False, [parse_around("0,0,5")])
        info = store.session(new)
        assert info is not None and len(info.areas) == 1
    finally:
        store.close()
    with contextlib.closing(sqlite3.connect(path)) as db:
        (version,) = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert version == str(SCHEMA_VERSION) == "8"


def test_an_area_damaged_by_hand_is_left_out(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    session = store.start_session("X", [], False, [parse_around("0,0,5")])
    store.close()
    with contextlib.closing(sqlite3.connect(tmp_path / "s.db")) as db:
        db.execute(
            "UPDATE sessions SET areas = ? WHERE id = ?",
            (
                '[{"kind": "circle", "lon": 0, "lat": 0, "radius_km": -1}, '
                '{"kind": "box", "west": 0, "south": 0, "east": 1, "north": 1}]',
                session,
            ),
        )
        db.commit()
    store = SessionStore(tmp_path / "s.db")
    try:
        info = store.session(session)
        assert info is not None and info.areas == (parse_bbox("0,0,1,1"),)
    finally:
        store.close()


def test_a_store_from_before_derived_times_gains_the_column(tmp_path: Path) -> None:
    path = tmp_path / "three.db"
    SessionStore(path).close()
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("ALTER TABLE posts DROP COLUMN time_from_id")
        db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        db.commit()
    store = SessionStore(path)
    store.close()
    with contextlib.closing(sqlite3.connect(path)) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(posts)")}
    assert "time_from_id" in columns
