"""The gazetteer read back from its snapshot (core/gazetteer_snapshot.py)
answers every profile text as the gazetteer it was made from."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from geotweets_desktop.core.gazetteer import Gazetteer
from geotweets_desktop.core.gazetteer_snapshot import fingerprint, read_or_build

TABLE = Path(__file__).parent / "data" / "profile_locations.tsv"


def _texts() -> list[str]:
    rows = TABLE.read_text(encoding="utf-8").splitlines()
    return [row.split("\t")[0] for row in rows if row and not row.startswith("#")]


def test_a_snapshot_answers_as_the_gazetteer_it_was_made_from(tmp_path: Path) -> None:
    built = read_or_build(tmp_path)  # none there yet: built whole, and kept
    [snapshot] = tmp_path.glob("gazetteer-*.pickle")
    assert snapshot.name == f"gazetteer-{fingerprint()}.pickle"
    read = read_or_build(tmp_path)
    assert read is not built and isinstance(read, Gazetteer)
    texts = _texts()
    assert len(texts) > 800
    assert [read.place(t) for t in texts] == [built.place(t) for t in texts]
    assert len(read.cities) == len(built.cities)


def test_a_damaged_snapshot_is_built_again_and_replaced(tmp_path: Path) -> None:
    damaged = tmp_path / f"gazetteer-{fingerprint()}.pickle"
    damaged.write_bytes(b"not a pickle at all")
    older = tmp_path / "gazetteer-0123456789abcdef.pickle"  # an earlier build's
    older.write_bytes(b"old")
    found = read_or_build(tmp_path)
    assert found.place("Lisbon, Portugal") is not None
    assert [p.name for p in tmp_path.glob("gazetteer-*.pickle")] == [damaged.name]
    assert damaged.stat().st_size > 1_000_000


def test_a_frozen_app_keeps_and_reads_a_snapshot_of_its_own_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frozen (PyInstaller) app has no sources to fingerprint: its build
    is told by its executable, and a new build never reads the old snapshot."""
    executable = tmp_path / "geotweets"
    executable.write_bytes(b"a frozen build")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(executable))
    key = fingerprint()
    assert key is not None and key == fingerprint()
    snapshots = tmp_path / "cache"
    built = read_or_build(snapshots)
    assert [p.name for p in snapshots.glob("gazetteer-*.pickle")] == [f"gazetteer-{key}.pickle"]
    read = read_or_build(snapshots)
    assert read is not built and read.place("Lisbon, Portugal") == built.place("Lisbon, Portugal")

    executable.write_bytes(b"the next frozen build")
    assert fingerprint() not in (None, key)
    executable.unlink()  # nothing to tell the build by: no snapshot at all
    assert fingerprint() is None
