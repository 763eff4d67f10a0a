"""The session engine on its own: a real store, a recording map sink, a fake clock; no Qt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import FakeClock

from geotweets_desktop.core.point_batch import decode_points, encode_blob
from geotweets_desktop.core.post import Location, LocationKind, Post
from geotweets_desktop.core.session import (
    ArchiveReport,
    SessionEngine,
    SessionLimits,
    SessionSummary,
)
from geotweets_desktop.core.store import SessionStore, StoredPoint, post_row
from geotweets_desktop.core.stored_batch import StoredBatch
from geotweets_desktop.core.usage import UsageLimits, UsageMeter


class RecordingMap:
    """What the map would be sent, batch by batch, its blobs read back as points."""

    def __init__(self) -> None:
        self.batches: list[list[StoredPoint]] = []

    def add_point_blobs(self, blobs: bytes) -> None:
        self.batches.append(decode_points(blobs))


def post(n: int, kind: LocationKind | None = "exact") -> Post:
    location = None if kind is None else Location(lon=n / 10, lat=-n / 10, kind=kind, radius_m=0)
    return Post(
        id=f"18600000000000{n:05d}",
        created_at=datetime(2026, 11, 30, 12, 0, n % 60, tzinfo=UTC),
        text=f"made-up post {n} about rain",
        author_name="Made-up Author",
        author_handle="madeup",
        terms=("rain",),
        location=location,
        raw="{}",
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    s = SessionStore(tmp_path / "sessions.db")
    yield s
    s.close()


def start(store: SessionStore, **options: Any) -> SessionEngine:
    return SessionEngine(store, label="Test", terms=["rain"], synthetic=False, **options)


def test_a_batch_is_stored_counted_and_its_located_posts_go_to_the_map(
    store: SessionStore,
) -> None:
    map_sink = RecordingMap()
    engine = start(store, map_sink=map_sink)
    engine.add([post(1, "exact"), post(2, "place"), post(3, None), post(4, "profile")])
    [points] = map_sink.batches
    assert [(p.lon, p.lat, p.kind, p.terms) for p in points] == [
        (0.1, -0.1, "exact", ("rain",)),
        (0.2, -0.2, "place", ("rain",)),
        (0.4, -0.4, "profile", ("rain",)),
    ]
    stored = [store.post(p.key) for p in points]
    assert [p.id if p else None for p in stored] == [post(n).id for n in (1, 2, 4)]
    assert (engine.stats.received, engine.stats.located) == (4, 3)
    info = store.session(engine.session_id)
    assert info is not None and (info.received, info.located) == (4, 3)


def test_a_repeated_post_is_stored_and_drawn_once_and_counted_as_a_duplicate(
    store: SessionStore,
) -> None:
    map_sink = RecordingMap()
    engine = start(store, map_sink=map_sink)
    engine.add([post(1), post(2)])
    assert engine.add([post(2), post(3)]) == 1
    assert [len(batch) for batch in map_sink.batches] == [2, 1]
    summary = engine.summary()
    assert (summary.stored, summary.duplicates, summary.located) == (3, 1, 3)
    assert summary.kinds == {"exact": 3}


def test_the_post_limit_cuts_the_batch_and_stops_the_session(store: SessionStore) -> None:
    engine = start(store, limits=SessionLimits(max_posts=3))
    engine.add([post(1), post(2), post(2)])  # a repeat does not count
    assert engine.limit_reached() is None
    engine.add([post(3), post(4), post(5)])
    assert engine.stats.received == 3
    assert engine.limit_reached() == "limit reached: 3 posts"
    assert engine.add([post(6)]) == 0
    info = store.session(engine.session_id)
    assert info is not None and info.received == 3


def test_the_time_limit_counts_from_the_start(store: SessionStore) -> None:
    clock = FakeClock()
    engine = start(store, limits=SessionLimits(max_seconds=5), clock=clock)
    clock.now += 4.9
    assert engine.limit_reached() is None
    clock.now += 0.1
    assert engine.limit_reached() == "limit reached: 5 seconds"


def test_the_usage_meter_counts_new_posts_and_its_limit_stops_the_session(
    store: SessionStore,
) -> None:
    usage = UsageMeter(price_per_post=0.01, limits=UsageLimits(max_cost=0.03))
    engine = start(store, usage=usage)
    engine.add([post(1), post(2), post(2)])
    assert usage.session_posts == 2 and engine.limit_reached() is None
    engine.add([post(3)])
    assert engine.limit_reached() == "limit reached: $0.03 estimated cost"


def test_an_error_is_kept_and_stops_the_clock(store: SessionStore) -> None:
    clock = FakeClock()
    engine = start(store, clock=clock)
    engine.note_status("live")
    clock.now += 3
    engine.note_status("error", "X rejected the token")
    clock.now += 10
    assert engine.error == "X rejected the token"
    assert engine.stats.elapsed == 3


def test_end_closes_the_session_once(store: SessionStore) -> None:
    engine = start(store)
    engine.end()
    info = store.session(engine.session_id)
    assert info is not None and not info.interrupted
    engine.end()  # a second time changes nothing


def test_a_reopened_session_shows_its_figures_and_stays_as_it_was(store: SessionStore) -> None:
    first = start(store)
    first.add([post(1), post(2, None)])  # never ended: interrupted
    info = store.session(first.session_id)
    assert info is not None and info.interrupted
    again = SessionEngine.reopen(store, info)
    assert (again.stats.received, again.stats.located) == (2, 1)
    assert again.label == f"Test · session {info.id}" and again.terms == ["rain"]
    again.end()
    still = store.session(info.id)
    assert still is not None and still.interrupted


def test_rows_of_a_bulk_load_are_counted_like_posts(store: SessionStore) -> None:
    engine = start(store)
    rows = [post_row(engine.session_id, post(n, kind), 0.0) for n, kind in
            enumerate(["exact", None, "place"], 1)]  # fmt: skip
    assert engine.add_rows(rows) == 3
    repeated = [rows[0], post_row(engine.session_id, post(4, "place"), 0.0), rows[2]]
    assert engine.add_rows(repeated) == 1
    engine.end()
    summary = engine.summary()
    assert (summary.stored, summary.duplicates, summary.located) == (4, 2, 3)
    assert summary.kinds == {"exact": 1, "place": 2}


def test_the_post_limit_cuts_rows_too(store: SessionStore) -> None:
    engine = start(store, limits=SessionLimits(max_posts=2))
    rows = [post_row(engine.session_id, post(n), 0.0) for n in range(3)]
    assert engine.add_rows(rows) == 2
    assert engine.limit_reached() == "limit reached: 2 posts"


def test_the_summary_line_names_what_was_caught() -> None:
    kinds = {"exact": 2, "profile": 1}
    live = SessionSummary(7, stored=5, duplicates=1, located=3, kinds=kinds)
    assert live.line() == (
        "session 7: 5 posts, 1 duplicates skipped, 3 located (exact 2, place 0, profile 1)"
    )
    told = SessionSummary(7, stored=5, duplicates=0, located=3, kinds=kinds, notices={"delete": 2})
    assert told.line().endswith(", notices: 2 delete")
    replay = SessionSummary(
        7, stored=5, duplicates=0, located=3, kinds=kinds, archive=ArchiveReport(9, 2)
    )
    assert replay.line() == (
        "session 7: 9 posts read, 5 kept, 0 duplicates skipped, "
        "3 located (exact 2, place 0, profile 1), 2 bad lines"
    )


def test_a_batch_another_process_stored_is_counted_and_its_blobs_go_to_the_map(
    store: SessionStore,
) -> None:
    map_sink = RecordingMap()
    engine = start(store, map_sink=map_sink)
    point = StoredPoint(7, 1.0, 2.0, "exact", ("rain",), time=1_764_590_400.0)
    batch = StoredBatch(
        added=3,
        kept=4,
        kinds={"exact": 2},
        new_kinds={"exact": 1},
        blob_id=1,
        blobs=encode_blob([point]),
    )
    engine.take_stored(batch)
    engine.take_stored(StoredBatch(added=0, kept=1, kinds={}, new_kinds={}, blob_id=1))
    stats = engine.stats
    assert (stats.received, stats.located, stats.duplicates) == (3, 1, 2)
    assert engine.kinds == {"exact": 1}
    assert map_sink.batches == [[point]]  # the second brought no points
