"""Archives replayed in the window, and sessions exported from it."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from archive_samples import v2_line, write_lines
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from geotweets_desktop.commands import bulk_replay
from geotweets_desktop.sources.replay import BATCH_SIZE, ReplaySource
from geotweets_desktop.ui.controller import MAX_WRITING
from geotweets_desktop.ui.dialogs.export import ExportDialog
from geotweets_desktop.ui.worker import MAX_BUFFERED

pytestmark = pytest.mark.gui


def make_archive(tmp_path: Path, *, compress: bool = False, gap_s: int = 0) -> Path:
    lines = []
    for i in range(30):
        seconds = i * gap_s
        lines.append(
            v2_line(
                f"1900000000000{i:06d}",
                f"rain report {i}" if i % 3 else f"sunny report {i}",
                point=[-9.14 + i * 0.01, 38.72],
                created_at=f"2026-11-28T12:{seconds // 60:02d}:{seconds % 60:02d}.000Z",
            )
        )
    lines.insert(5, b'{"data": {"id": "broken')  # line 6 is damaged
    name = "archive.jsonl.gz" if compress else "archive.jsonl"
    return write_lines(tmp_path / name, lines, compress=compress)


def test_an_archive_replays_with_a_term_filter_and_reports_bad_lines(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    # Over, and all it read stored, when the controller says so.
    with qtbot.waitSignal(window.controller.sourceFinished, timeout=60_000):
        window.start_replay(make_archive(tmp_path, compress=True), ["rain"], None)
        assert window.status.progress.isVisible() or not window.controller.running
    # 30 posts, a third of them "sunny" (no match): 20 drawn, in rain's colour.
    qtbot.waitUntil(lambda: page.stats()["points"] == 20, timeout=20_000)
    assert page.stats()["termCounts"] == {"rain": 20}
    state = window.status.state_label.text()
    assert "Replayed archive.jsonl.gz" in state and "30 posts read" in state
    box = window.problems_box
    assert isinstance(box, QMessageBox)
    assert "line 6" in box.detailedText()
    box.close()
    session = window.store.session(window.controller.session_id)
    assert session.received == 20 and session.ended_at is not None
    assert not window.search.pause_button.isEnabled()


def test_a_paced_replay_can_be_paused_and_resumed(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    # Posts one second apart, replayed at 10x: about 3 s in all.
    window.start_replay(make_archive(tmp_path, gap_s=1), [], 10.0)
    qtbot.waitUntil(lambda: page.stats()["points"] >= 3, timeout=10_000)
    assert window.search.pause_button.isEnabled()
    window.search.pause_button.click()
    source = window.controller.source
    assert source.paused
    # Whatever the replay sent before the pause reaches the map (every post
    # here has a point), however long a busy machine takes; then nothing more.
    qtbot.waitUntil(lambda: page.stats()["points"] == source.matched, timeout=10_000)
    held = page.stats()["points"]
    qtbot.wait(800)
    assert page.stats()["points"] == held, "posts kept coming while paused"
    window.search.pause_button.click()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=20_000)
    qtbot.waitUntil(lambda: page.stats()["points"] == 30, timeout=20_000)


@pytest.mark.parametrize("reader", ["processes", "one thread"])
def test_a_replay_faster_than_the_window_holds_only_a_few_batches_in_memory(
    qtbot: Any, window: Any, page: Any, tmp_path: Path, reader: str
) -> None:
    """The reader outruns the store and the map; the posts it has read and
    the window has not stored yet must stay a bounded pile, not grow with the
    file (a million-post replay once held gigabytes this way), and none may
    be lost while the reader waits for room."""
    total = 30_000
    lines = [
        v2_line(f"19{i:017d}", f"rain {i}", point=[-9.14 + (i % 100) * 0.01, 38.72])
        for i in range(total)
    ]
    archive = write_lines(tmp_path / "big.jsonl", lines)
    backlog: list[int] = []
    sampler = QTimer()
    sampler.timeout.connect(lambda: backlog.append(window.controller.backlog))
    sampler.start(2)
    with qtbot.waitSignal(window.controller.sourceFinished, timeout=60_000):
        if reader == "processes":  # File → Open archive, as fast as possible
            window.start_replay(archive, [], None)
        else:  # as a paced replay is read
            window.controller.start(ReplaySource(archive, speed=None))
    sampler.stop()
    assert window.store.session(window.controller.session_id).received == total
    qtbot.waitUntil(lambda: page.stats()["points"] == total, timeout=10_000)
    # A batch of the source's (and less than the worker's bound before it)
    # waits in the worker, here, and in each batch with the store writer.
    batch = bulk_replay.BATCH if reader == "processes" else BATCH_SIZE
    bound = (2 + MAX_WRITING) * (MAX_BUFFERED + batch)
    assert len(backlog) > 100 and max(backlog) <= bound, max(backlog)


def test_export_a_session_from_the_window(
    qtbot: Any, window: Any, page: Any, tmp_path: Path
) -> None:
    # The replay is over, and all it read stored, when the controller says so.
    with qtbot.waitSignal(window.controller.sourceFinished, timeout=20_000):
        window.start_replay(make_archive(tmp_path), [], None)
    session_id = window.controller.session_id
    for name in ("out.geojson", "out.csv", "out.parquet", "out.db"):
        dialog = ExportDialog(window.store.path, window.store.sessions(), session_id, window)
        assert dialog.session_combo.currentData() == session_id
        dialog.coarsen_combo.setCurrentIndex(dialog.coarsen_combo.findData("10km"))
        dialog.drop_authors.setChecked(True)
        dialog.start(session_id, tmp_path / name)
        # A bar counting to the session's posts; a busy bar for a database copy.
        bar = dialog.findChild(QProgressDialog)
        assert bar.maximum() == (0 if name == "out.db" else 30)
        qtbot.waitUntil(lambda d=dialog: d.result_ is not None, timeout=20_000)
        assert dialog.result_.written == 30
    collection = json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 30
    lon, lat = collection["features"][0]["geometry"]["coordinates"]
    assert (lon, lat) == (-9.1, 38.7)  # [lon, lat] on the 0.1-degree grid
    assert b"imaginary_person" not in (tmp_path / "out.geojson").read_bytes()
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 30 and rows[0]["text"] == "sunny report 0"
