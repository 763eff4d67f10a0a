"""A replay as fast as possible in the window: run by a process of its own with
`collect`'s reader processes, stored and drawn as a single reader on a thread
would have it; stopped, paused and killed without losing what it stored."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from archive_samples import damaged_archive, v2_line, write_lines
from helpers import RecordingSink

from geotweets_desktop.commands import bulk_replay
from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.sources.base import TakesSession
from geotweets_desktop.sources.replay import ReplaySource

# What point_loader.js adds to the map in one task at most.
PIECE_POINTS = 500

pytestmark = pytest.mark.gui


def stored_ids(window: Any) -> list[str]:
    with sqlite3.connect(window.store.path) as db:
        rows = db.execute(
            "SELECT post_id FROM posts WHERE session_id = ? ORDER BY rowid",
            (window.controller.session_id,),
        )
        return [row[0] for row in rows]


def replay_until_drawn(
    qtbot: Any, window: Any, page: Any, monkeypatch: Any, folder: Path, posts: int
) -> Path:
    """A damaged archive of `posts` lines in many parts (two readers), replayed
    in the window until its first points are drawn; the archive."""
    monkeypatch.setattr(bulk_replay, "PART_BYTES", 10_000)
    archive = damaged_archive(folder / "archive.jsonl", posts)
    window.start_replay(archive, [], None)
    qtbot.waitUntil(lambda: page.stats()["points"] > 0, timeout=30_000)
    return archive


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
    archive = replay_until_drawn(qtbot, window, page, monkeypatch, tmp_path, 20_000)
    window.controller.stop()
    assert not window.controller.running
    ids = stored_ids(window)
    in_file = [post.id for post in ArchiveReader(archive).posts()]
    assert len(ids) > 0 and ids == in_file[: len(ids)]
    assert window.controller.stats.received == len(ids)
    session = window.store.session(window.controller.session_id)
    assert session.received == len(ids) and session.ended_at is not None


def test_the_page_adds_a_replays_points_a_few_hundred_at_a_time(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    """Each stored batch (2,000 posts) reaches the page as one binary part,
    added in pieces of at most 500 points, a task each."""
    total = 5_000
    lines = [
        v2_line(f"19{i:017d}", f"rain {i}", point=[-9.0 + i * 1e-4, 38.7]) for i in range(total)
    ]
    archive = write_lines(tmp_path / "points.jsonl", lines)
    with qtbot.waitSignal(window.controller.sourceFinished, timeout=60_000):
        window.start_replay(archive, [], None)
    qtbot.waitUntil(lambda: page.stats()["points"] == total, timeout=20_000)
    assert 0 < page.eval("GeoTweets.largestAddition()") <= PIECE_POINTS
    keys = json.loads(page.eval("JSON.stringify(GeoTweets.columns().key)"))
    assert len(set(keys)) == total  # each once, none lost between pieces


def test_a_replay_process_that_is_killed_loses_nothing_it_stored_and_says_so(
    qtbot: Any, window: Any, page: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    archive = replay_until_drawn(qtbot, window, page, monkeypatch, tmp_path, 20_000)
    source = window.controller.source
    window.controller.set_paused(True)  # it holds still, mid-file
    pid = source.pid
    assert pid is not None
    with qtbot.waitSignal(window.controller.sourceFinished, timeout=30_000):
        os.kill(pid, signal.SIGKILL)
    label = window.status.state_label.text()
    assert "the replay process was ended (SIGKILL)" in label
    assert "the posts it stored are kept" in label
    ids = stored_ids(window)
    in_file = [post.id for post in ArchiveReader(archive).posts()]
    assert 0 < len(ids) < len(in_file) and ids == in_file[: len(ids)]
    # What it committed and had not reported yet is counted and drawn too.
    session = window.store.session(window.controller.session_id)
    assert window.controller.stats.received == session.received == len(ids)
    qtbot.waitUntil(lambda: page.stats()["points"] == session.located, timeout=20_000)
    assert session.ended_at is not None


def test_pause_holds_a_fast_replay_and_resume_finishes_it(
    qtbot: Any, window: Any, page: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    archive = replay_until_drawn(qtbot, window, page, monkeypatch, tmp_path, 6_000)
    window.controller.set_paused(True)
    qtbot.waitUntil(lambda: "paused" in window.status.state_label.text(), timeout=10_000)
    with qtbot.waitSignal(window.controller.sourceFinished, timeout=60_000):
        window.controller.set_paused(False)
    in_file = [post.id for post in ArchiveReader(archive).posts()]
    assert stored_ids(window) == in_file
    assert "Replayed archive.jsonl" in window.status.state_label.text()


HOSTILE = '<img src=x onerror="alert(1)">\n"quoted" ☔'


def test_a_hostile_file_name_and_text_stay_text(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    lines = [v2_line(f"19{i:017d}", f"{HOSTILE} {i}", point=[2.35, 48.85]) for i in range(50)]
    archive = write_lines(tmp_path / f"{HOSTILE}.jsonl", lines)
    with qtbot.waitSignal(window.controller.sourceFinished, timeout=60_000):
        window.start_replay(archive, [], None)
    assert f"Replayed {archive.name}: 50 posts read" in window.status.state_label.text()
    stored = window.store.iter_posts(window.controller.session_id)
    assert [post.text for chunk in stored for post in chunk] == [
        f"{HOSTILE} {i}" for i in range(50)
    ]
    qtbot.waitUntil(lambda: page.stats()["points"] == 50, timeout=20_000)
    assert page.eval("document.querySelectorAll('img[src=x]').length") == 0


def test_a_file_that_is_no_archive_is_said_in_words(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    archive = tmp_path / "notes.jsonl"
    archive.write_text("these are my notes, not posts\n" * 100)
    with qtbot.waitSignal(window.controller.sourceFinished, timeout=60_000):
        window.start_replay(archive, [], None)
    label = window.status.state_label.text()
    assert window.status.state_label.property("state") == "error"
    assert "Traceback" not in label and "notes.jsonl" in label
    assert stored_ids(window) == []
