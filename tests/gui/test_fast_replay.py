"""A replay as fast as possible in the window: read by `collect`'s reader processes,
stored and drawn as a single reader on a thread would have it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from archive_samples import damaged_archive
from helpers import RecordingSink

from geotweets_desktop.commands import bulk_replay
from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.sources.base import TakesSession
from geotweets_desktop.sources.replay import ReplaySource

pytestmark = pytest.mark.gui


def stored_ids(window: Any) -> list[str]:
    with sqlite3.connect(window.store.path) as db:
        rows = db.execute(
            "SELECT post_id FROM posts WHERE session_id = ? ORDER BY rowid",
            (window.controller.session_id,),
        )
        return [row[0] for row in rows]


@pytest.mark.parametrize("terms", [[], ["rain"]])
def test_the_window_stores_and_draws_what_one_reader_on_a_thread_would(
    qtbot: Any, window: Any, page: Any, tmp_path: Path, monkeypatch: Any, terms: list[str]
) -> None:
    monkeypatch.setattr(bulk_replay, "PART_BYTES", 10_000)  # many parts, two readers
    archive = damaged_archive(tmp_path / "archive.jsonl")
    one_reader = ReplaySource(archive, terms)
    sink = RecordingSink()
    one_reader.run(sink)
    expected = [post.id for post in sink.received]

    with qtbot.waitSignal(window.controller.sourceFinished, timeout=60_000) as finished:
        window.start_replay(archive, terms, None)
        assert isinstance(window.controller.source, TakesSession)  # the reader processes
    assert stored_ids(window) == expected  # file order, nothing lost, nothing twice
    located = sum(1 for post in sink.received if post.location is not None)
    qtbot.waitUntil(lambda: page.stats()["points"] == located, timeout=20_000)
    # The same last words and figures as the single reader's.
    assert one_reader.summary() in window.status.state_label.text()
    report, expected_report = finished.args[0].archive_report(), one_reader.archive_report()
    assert [str(p) for p in report.problems] == [str(p) for p in expected_report.problems]
    assert report.bad_records == expected_report.bad_records == 13 + 14
    assert window.controller.stats.received == len(expected)
    session = window.store.session(window.controller.session_id)
    assert session.received == len(expected) and session.ended_at is not None


def test_stop_ends_a_fast_replay_with_what_was_read_so_far_stored_in_file_order(
    qtbot: Any, window: Any, page: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(bulk_replay, "PART_BYTES", 10_000)
    archive = damaged_archive(tmp_path / "archive.jsonl", 20_000)
    window.start_replay(archive, [], None)
    qtbot.waitUntil(lambda: page.stats()["points"] > 0, timeout=30_000)
    window.controller.stop()
    assert not window.controller.running
    ids = stored_ids(window)
    in_file = [post.id for post in ArchiveReader(archive).posts()]
    assert len(ids) > 0 and ids == in_file[: len(ids)]
    assert window.controller.stats.received == len(ids)
    session = window.store.session(window.controller.session_id)
    assert session.received == len(ids) and session.ended_at is not None
