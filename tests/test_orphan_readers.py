"""A full-speed replay's reader processes end when the replay is killed.

Each reader once held the other readers' pipe ends (and its own read end):
with the main process killed (kill -9, a crash) nobody read the pipes and
nobody closed them, so the readers waited for ever, one core's memory each.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from archive_samples import v2_line
from helpers.waits import STOP_WITHIN_S, wait_for

from geotweets_desktop.commands import bulk_replay
from geotweets_desktop.core.gazetteer_snapshot import read_or_build


def _children(parent: int) -> dict[int, str]:
    """The processes whose parent is `parent`: pid -> start time (tells a reused pid apart)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and int(fields[1]) == parent:
                found[int(entry.name)] = fields[19]
    return found


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2 :].split()


def _running(processes: dict[int, str]) -> list[int]:
    """Those of `processes` still running (a zombie has ended: only its entry is left)."""
    left = []
    for pid, started in processes.items():
        fields = _stat(pid)
        if fields is not None and fields[0] != "Z" and fields[19] == started:
            left.append(pid)
    return left


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_readers_end_when_the_replay_is_killed(tmp_path: Path, cache_dir: Path) -> None:
    # Three parts, so two readers share them; each has far more to send than
    # a pipe holds, so none can be done before the replay is killed.
    archive = tmp_path / "big.jsonl"
    text = "made-up rain " + "x" * 200
    with archive.open("wb") as out:
        while out.tell() < 2 * bulk_replay.PART_BYTES + 500_000:
            post_id = str(186_000_000_000_000_000 + out.tell())
            out.write(json.dumps(v2_line(post_id, text, point=[-9.14, 38.72])).encode() + b"\n")
    parts, reading = bulk_replay.plan_parts(archive)
    assert len(parts) == 3
    # The replay reads the gazetteer's snapshot before it starts its readers;
    # made here first, so the wait below is for the readers, not for a
    # gazetteer built from scratch (tens of seconds on a loaded machine).
    read_or_build(cache_dir)
    replay = subprocess.Popen(
        [sys.executable, "-m", "geotweets_desktop", "collect", "--replay", str(archive)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "GEOTWEETS_DATA_DIR": str(tmp_path / "data")},
    )
    readers: dict[int, str] = {}  # every reader seen, so none is left behind whatever fails

    def all_readers_started() -> bool:
        readers.update(_children(replay.pid))
        return len(readers) == reading

    try:
        wait_for(all_readers_started, what="the replay's reader processes")
        replay.kill()
        replay.wait()
        wait_for(lambda: not _running(readers), STOP_WITHIN_S, "every reader to end")
    finally:
        replay.kill()
        replay.wait()
        for pid in _running(readers):  # the readers this test started, if any are left
            os.kill(pid, signal.SIGKILL)
