"""The process that replays an archive for the window, as fast as possible.

The window's own process runs Qt, QtWebEngine and the map's session: there,
the readers' rows, storing them and turning them into the map's points took
turns with the event loop under one interpreter lock, and forking readers
from a process of most of a gigabyte stalled it. So the window starts this
process instead (`geotweets --replay-for-window`: a fresh interpreter,
not a fork), which does what `geotweets collect --replay` does: `bulk_replay`'s
reader processes feed a session engine that stores into the window's
session in the same SQLite file. After each batch is committed, it tells
the window what was stored and hands it the point blobs that batch wrote,
which the page fetches as they are (replay_wire.py says the frames). The
window reads no rows back and writes none.

Nothing the window was told is lost if this process is killed: a batch is
reported only after its transaction committed (WAL, synchronous=NORMAL).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from geotweets_desktop import startup
from geotweets_desktop.commands import bulk_replay
from geotweets_desktop.commands.replay_wire import report_to_json, write_frame
from geotweets_desktop.core.area.model import area_from_json
from geotweets_desktop.core.point_batch import Columns, blob_kinds
from geotweets_desktop.core.session import SessionEngine
from geotweets_desktop.core.store import ROW_KIND, SessionStore
from geotweets_desktop.paths import cache_dir

Write = Callable[[bytes], object]


class _Control:
    """The window's words on stdin: pause, resume, stop (and the end of stdin)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.paused = False
        self.stopped = False

    def listen(self, lines: Iterable[bytes]) -> None:
        for line in lines:
            word = line.strip()
            with self._changed:
                if word == b"pause":
                    self.paused = True
                elif word == b"resume":
                    self.paused = False
                elif word == b"stop":
                    self.stopped = True
                self._changed.notify_all()
        with self._changed:  # the window is gone
            self.stopped = True
            self._changed.notify_all()

    def wait_while_paused(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: not self.paused or self.stopped)


class _ReportingEngine(SessionEngine):
    """The session engine `bulk_replay` stores into, which after each commit
    writes a "stored" frame for the window, and holds still while paused."""

    def __init__(
        self, store: SessionStore, job: dict[str, Any], control: _Control, out: Write
    ) -> None:
        super().__init__(
            store,
            label="",
            terms=job["terms"],
            synthetic=False,
            areas=[area_from_json(area) for area in job["areas"]],
            session_id=int(job["session"]),
        )
        self._control = control
        self._out = out
        self._blob_id = store.last_point_blob(self.session_id)

    def add_rows(self, rows: Sequence[tuple[Any, ...]], points: Columns | None = None) -> int:
        self._control.wait_while_paused()
        if self._control.stopped:
            return 0
        added = super().add_rows(rows, points)
        blobs = self.store.point_blobs_after(self.session_id, self._blob_id)
        new_kinds: Counter[str] = Counter()
        for blob_id, _points, data in blobs:
            self._blob_id = blob_id
            new_kinds.update(blob_kinds(data))
        kinds = Counter(row[ROW_KIND] for row in rows if row[ROW_KIND] is not None)
        header = {
            "kind": "stored",
            "added": added,
            "kept": len(rows),
            "kinds": kinds,
            "new_kinds": new_kinds,
            "blob_id": self._blob_id,
        }
        write_frame(self._out, header, b"".join(data for _id, _points, data in blobs))
        return added

    def limit_reached(self) -> str | None:
        return "stopped" if self._control.stopped else super().limit_reached()


def _progress(out: Write) -> Callable[[bulk_replay.BulkResult, int, int], None]:
    def on_part(result: bulk_replay.BulkResult, done: int, parts: int) -> None:
        report = report_to_json(result.report)
        write_frame(out, {"kind": "progress", "parts_done": done, "parts": parts, "report": report})

    return on_part


def main() -> int:
    """Run the job the window writes on stdin; frames on stdout (see replay_wire.py)."""
    # Frames go to the stdout the window reads; anything else printed goes to stderr.
    frames = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    # Ready before the job comes (the window may start this process while
    # the user picks a file): the whole gazetteer, read from its snapshot,
    # as collect reads it.
    startup.settle(cache_dir())
    # Read from the descriptor, not sys.stdin: a thread blocked in a read of
    # sys.stdin holds its lock, and the interpreter would wait for it at exit.
    lines = lines_of(sys.stdin.fileno())
    first = next(lines, b"")
    if not first.strip():
        return 0  # let go unused
    job = _job(first)
    control = _Control()
    threading.Thread(target=control.listen, args=(lines,), name="window", daemon=True).start()
    store = SessionStore(Path(job["store"]))
    try:
        engine = _ReportingEngine(store, job, control, frames.write)
        # The window's part size: its tests make parts small to have many.
        bulk_replay.PART_BYTES = job["part_bytes"]
        result = bulk_replay.bulk_replay(
            Path(job["archive"]),
            job["terms"],
            engine,
            by_reference=job["by_reference"],
            on_part=_progress(frames.write),
        )
        write_frame(
            frames.write,
            {
                "kind": "done",
                "report": report_to_json(result.report),
                "error": result.error,
                "by_reference": result.by_reference,
            },
        )
    except BrokenPipeError:
        return 1  # the window is gone; what was committed stays stored
    finally:
        store.close()
    return 0


def lines_of(fd: int) -> Iterator[bytes]:
    """The lines written to `fd`, until its end."""
    rest = b""
    while chunk := os.read(fd, 4096):
        *lines, rest = (rest + chunk).split(b"\n")
        yield from lines
    if rest:
        yield rest


def _job(line: bytes) -> dict[str, Any]:
    job = json.loads(line)
    if not isinstance(job, dict):
        raise ValueError("the job is not a JSON object")
    return job
