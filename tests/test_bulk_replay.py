"""Full-speed replays read by several processes: the same posts, in file order,
with the same bad lines named as a single reader would name them."""

from __future__ import annotations

import gc
import os
import sqlite3
from pathlib import Path

import pytest
from archive_samples import damaged_archive, v2_line, write_lines

from geotweets_desktop.commands import bulk_replay
from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.core.session import SessionEngine
from geotweets_desktop.core.store import SessionStore


def _replay(path: Path, db: Path, readers: int, terms: list[str]) -> tuple[object, list[str]]:
    store = SessionStore(db)
    engine = SessionEngine(store, label="replay", terms=terms, synthetic=False)
    try:
        result = bulk_replay.bulk_replay(path, terms, engine, readers=readers)
    finally:
        store.close()
    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT post_id FROM posts ORDER BY rowid")]
    return result, ids


@pytest.mark.parametrize("crlf", [False, True])
@pytest.mark.parametrize("terms", [[], ["rain"]])
def test_parts_read_by_two_processes_make_what_one_reader_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crlf: bool, terms: list[str]
) -> None:
    archive = damaged_archive(tmp_path / "a.jsonl", crlf=crlf)
    monkeypatch.setattr(bulk_replay, "PART_BYTES", 10_000)  # about 40 parts
    parts, readers = bulk_replay.plan_parts(archive, 2)
    assert readers == 2 and len(parts) > 20
    one, one_ids = _replay(archive, tmp_path / "one.db", 1, terms)
    two, two_ids = _replay(archive, tmp_path / "two.db", 2, terms)
    assert two_ids == one_ids and len(set(two_ids)) == len(two_ids)  # file order, none twice
    assert two == one
    assert one.bad_records == 13 + 14 and one.error is None  # type: ignore[attr-defined]
    assert one.problems[0].startswith("line 6: ")  # type: ignore[attr-defined]
    assert one.problems[1].startswith("line 14: ")  # type: ignore[attr-defined]


def test_a_gzip_file_or_a_json_array_is_read_whole(tmp_path: Path) -> None:
    gz = write_lines(tmp_path / "a.jsonl.gz", [v2_line("1", "rain")] * 10, compress=True)
    array = tmp_path / "b.json"
    array.write_bytes(b"[" + b",".join([b'{"data": {"id": "1", "text": "x"}}'] * 10) + b"]")
    for path in (gz, array):
        assert bulk_replay.plan_parts(path, 2) == ([(0, None)], 1)


def test_a_missing_file_is_reported_not_raised(tmp_path: Path) -> None:
    result, ids = _replay(tmp_path / "missing.jsonl", tmp_path / "x.db", 2, [])
    assert ids == [] and "missing.jsonl" in (result.error or "")  # type: ignore[attr-defined]


@pytest.mark.parametrize("trailing_newline", [True, False])
def test_every_cut_point_gives_each_line_to_exactly_one_part(
    tmp_path: Path, trailing_newline: bool
) -> None:
    """Cut anywhere (at a line's first byte, inside it, on its newline): the
    parts' posts, one after the other, are the file's posts."""
    path = write_lines(
        tmp_path / "a.jsonl", [v2_line(f"18{i:017d}", f"rain {i}") for i in range(6)]
    )
    if not trailing_newline:
        path.write_bytes(path.read_bytes().rstrip(b"\n"))
    size = path.stat().st_size
    whole = [p.id for p in ArchiveReader(path).posts()]
    assert len(whole) == 6
    for cut in range(size + 1):
        reader = ArchiveReader(path)
        first = [p.id for p in reader.posts_between(0, cut)]
        lines_first = reader.lines_read
        second = [p.id for p in reader.posts_between(cut, size)]
        assert first + second == whole, cut
        assert lines_first + reader.lines_read == 6, cut


class _Witness:
    """Garbage in a reference cycle that says who finalized it."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.me = self

    def __del__(self) -> None:
        with open(self.log, "a") as f:
            f.write(f"{os.getpid()}\n")


def test_readers_never_finalize_what_they_inherited(tmp_path: Path) -> None:
    """A reader that finalized an inherited SQLite statement could block for
    ever on a lock another thread held at the fork; so readers must leave the
    parent's objects alone, garbage included."""
    archive = damaged_archive(tmp_path / "a.jsonl")
    log = tmp_path / "finalized.txt"
    log.touch()
    for _ in range(20):
        _Witness(log)  # unreachable from here on, left for the collector
    _replay(archive, tmp_path / "x.db", 2, [])
    gc.collect()
    finalizers = set(log.read_text().split())
    assert finalizers <= {str(os.getpid())}, "a reader process finalized inherited objects"
