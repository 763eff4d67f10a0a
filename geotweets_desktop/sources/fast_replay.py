"""A replay as fast as possible, run in a process of its own that the window follows.

The window's process holds Qt, QtWebEngine and the map: reading an archive
there (or forking readers from it) took the interpreter lock and the event
loop's time. This source starts `geotweets --replay-for-window`
(commands/replay_process.py), which does what `collect --replay` does with
`bulk_replay`'s reader processes and stores straight into the window's
session; this source follows it on the worker thread, reading its frames
(commands/replay_wire.py), and hands each committed batch, with the point
blobs it wrote, to the sink (`StoredSink.stored`). The window counts them
and the page fetches the blobs: it reads no row back and writes none.

Pause, resume and stop are words on the process's stdin; what the file held
(bad lines, notices, where reading stopped) comes part by part, and the last
status says it as `ReplaySource` would. A process that dies (killed, out of
memory) is said in words; what it committed and did not report yet is read
from the store, so the window counts and draws every post the session holds.
A paced replay stays with `ReplaySource` on one thread: it must read the
whole file first anyway, to play it in time order.
"""

from __future__ import annotations

import json
import logging
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from geotweets_desktop.cli import REPLAY_FOR_WINDOW
from geotweets_desktop.commands import bulk_replay
from geotweets_desktop.commands.replay_wire import (
    FileSoFar,
    Readable,
    WireError,
    file_so_far,
    read_frame,
    report_from_json,
    stored_batch,
)
from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.session import ArchiveReport
from geotweets_desktop.core.stored_batch import StoredBatch
from geotweets_desktop.sources.base import Sink, StatusEvent, StoredSink
from geotweets_desktop.sources.child_process import (
    LIVENESS_SECONDS,
    Frames,
    end_group,
    helper_command,
    unreported,
    watch_stderr,
    why_it_ended,
)
from geotweets_desktop.sources.replay import progress_line, summary_line

log = logging.getLogger(__name__)

PROGRESS_SECONDS = 0.25


def replay_command() -> list[str]:
    """How to start the replay process: this program, frozen or not."""
    return helper_command(REPLAY_FOR_WINDOW)


class FastReplaySource:
    """A Source (see sources/base.py) that is Pausable, ReportsProgress,
    ReadsArchive, CountsNotices, KeepsToAreas and TakesSession (it stores
    its posts itself, in another process)."""

    synthetic = False
    speed: float | None = None  # as fast as possible

    def __init__(self, path: Path | str, terms: Sequence[str] = (), *, areas: Sequence[Area] = ()):
        self.path = Path(path)
        self.terms = list(terms)
        self.areas = list(areas)
        self.label = f"Replay: {self.path.name}"
        self.store_path: Path | None = None
        self.session_id: int | None = None
        self.matched = 0
        self.kinds: Counter[str] = Counter()
        self.finished = False  # True once the whole file was played
        self.by_reference = 0  # posts whose payload is kept by reference to the file
        self._added = 0  # posts new to the session, as reported
        self._new_kinds: Counter[str] = Counter()  # the new located ones, as reported
        self._so_far = FileSoFar()
        self._report: ArchiveReport | None = None  # from the process's last frame
        self._error: str | None = None  # what stopped it, from the same frame
        self._changed = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stopped = False
        self._paused = False
        self._last_progress = 0.0

    # -- control, from any thread --------------------------------------------

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._tell("stop")

    def pause(self) -> None:
        with self._changed:
            self._paused = True
            self._tell("pause")

    def resume(self) -> None:
        with self._changed:
            self._paused = False
            self._tell("resume")

    def _tell(self, word: str) -> None:
        process = self._process
        if process is None or process.stdin is None:
            return  # told when it starts
        try:
            process.stdin.write(word.encode("ascii") + b"\n")
            process.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # it has ended (or is ending): its frames say how

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stopped(self) -> bool:
        return self._stopped

    @property
    def pid(self) -> int | None:
        """The replay process's id while it runs (tests end it to see what is kept)."""
        process = self._process
        return process.pid if process is not None else None

    @property
    def fraction(self) -> float:
        """The parts of the file stored so far (a part is 8 MiB)."""
        so_far = self._so_far
        return 1.0 if self.finished else so_far.parts_done / max(1, so_far.parts)

    # -- the stream, on the worker thread -----------------------------------

    def run(self, sink: Sink) -> None:
        if self.session_id is None or self.store_path is None or not isinstance(sink, StoredSink):
            raise RuntimeError("a fast replay needs its session and a sink that takes batches")
        sink.status(StatusEvent("live", f"Replaying {self.path.name}"))
        with self._changed:
            if self._stopped:
                sink.status(StatusEvent("stopped", self.summary()))
                return
            try:
                self._process = self._start()
            except OSError as exc:
                sink.status(StatusEvent("error", f"The replay could not start: {exc}"))
                return
            if self._paused:
                self._tell("pause")
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        errors, errors_read = watch_stderr(process, "replay-stderr")
        last_blob = 0
        error: str | None = None
        try:
            last_blob = self._follow(Frames(process), sink)
        except (WireError, EOFError, ValueError, KeyError, TypeError) as exc:
            error = f"the replay process said something unexpected ({exc})"
        code = process.wait()
        end_group(process)
        errors_read.join(LIVENESS_SECONDS)
        with self._changed:  # nothing is told to it any more
            self._process = None
            process.stdin.close()
            process.stdout.close()
        if self._report is None:  # it ended without its last frame
            error = error or why_it_ended("the replay process", code, errors)
            log.error("the replay process ended: %s; its last words: %s", error, list(errors))
            self._take_the_rest(sink, last_blob)
            sink.status(StatusEvent("error", f"{self.summary()}; {error}"))
            return
        # As `ReplaySource`: a file cut short (a gzip stream) was still played
        # to its end; a reader that failed or a Stop was not.
        self.finished = self._error is None and not self._stopped
        if self._error is not None and not self._stopped:
            sink.status(StatusEvent("error", f"{self.summary()}; {self._error}"))
            return
        why_not = self._why_not_an_archive() if self.finished else None
        if why_not is not None:
            sink.status(StatusEvent("error", why_not))
            return
        sink.status(StatusEvent("stopped", self.summary()))

    def _start(self) -> subprocess.Popen[bytes]:
        process = _spare.take() or _spawn()
        assert process.stdin is not None
        job = {
            "store": str(self.store_path),
            "session": self.session_id,
            "archive": str(self.path),
            "terms": self.terms,
            "areas": [area.to_json() for area in self.areas],
            # Copies, as the window always kept: a reference would need saying.
            "by_reference": False,
            "part_bytes": bulk_replay.PART_BYTES,
        }
        process.stdin.write(json.dumps(job).encode("utf-8") + b"\n")
        process.stdin.flush()
        return process

    def _follow(self, frames: Readable, sink: StoredSink) -> int:
        """Pass the process's batches on until its last frame; the last blob reported."""
        last_blob = 0
        while (frame := read_frame(frames)) is not None:
            header, data = frame
            kind = header["kind"]
            if kind == "stored":
                batch = stored_batch(header, data)
                last_blob = batch.blob_id or last_blob
                self._count(batch, sink)
            elif kind == "progress":
                self._so_far = file_so_far(header)
            elif kind == "done":
                self._report = report_from_json(header["report"])
                self._error = None if header["error"] is None else str(header["error"])
                self.by_reference = int(header["by_reference"])
        return last_blob

    def _count(self, batch: StoredBatch, sink: StoredSink) -> None:
        self.matched += batch.kept
        self.kinds.update(batch.kinds)
        self._added += batch.added
        self._new_kinds.update(batch.new_kinds)
        sink.stored(batch)
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_SECONDS:
            self._last_progress = now
            sink.status(StatusEvent("live", self.progress()))

    def _take_the_rest(self, sink: StoredSink, last_blob: int) -> None:
        """What the process committed and did not report before it died."""
        assert self.store_path is not None and self.session_id is not None
        rest = unreported(self.store_path, self.session_id, last_blob, self._added, self._new_kinds)
        if rest is not None:
            self._count(rest, sink)

    def _why_not_an_archive(self) -> str | None:
        report = self.archive_report()
        return None if report.posts_read or report.notices else self.not_an_archive()

    # -- reporting -----------------------------------------------------------

    def progress(self) -> str:
        report = self.archive_report()
        # What the file held is told a part at a time, what was stored a
        # batch at a time: the posts shown were read too.
        read = max(report.posts_read, self.matched)
        return progress_line(
            self.path.name,
            self.fraction,
            read,
            self.matched,
            report.bad_records,
            paused=self._paused,
        )

    def not_an_archive(self) -> str | None:
        """Why the file is no archive at all (one line), or None."""
        try:
            return ArchiveReader(self.path).not_an_archive()
        except OSError as exc:
            return f"cannot read {self.path}: {exc.strerror or exc}"

    @property
    def notices(self) -> Mapping[str, int]:
        """X's notices met in the parts read so far, by kind."""
        return self.archive_report().notices

    def archive_report(self) -> ArchiveReport:
        return self._report if self._report is not None else self._so_far.report

    def summary(self) -> str:
        """One line, as `ReplaySource.summary` says it."""
        filtered = bool(self.terms or self.areas)
        return summary_line(
            self.path.name, self.finished, filtered, self.matched, self.kinds, self.archive_report()
        )


def _spawn() -> subprocess.Popen[bytes]:
    # A process group of its own, its readers with it: if it dies, the group
    # is ended (end_group). Its readers end by themselves too (bulk_replay.py),
    # but off Linux only at their next write.
    return subprocess.Popen(
        replay_command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


class _Spare:
    """A replay process started ahead, waiting for its job (see `warm_up`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self._lock:
            if self._process is None:
                self._process = _spawn()

    def take(self) -> subprocess.Popen[bytes] | None:
        """The spare, if it is still there to take (None: start one)."""
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.poll() is not None:
            _close(process)
            return None
        return process

    def let_go(self) -> None:
        process = self.take()
        if process is not None:
            # An empty job: it ends. Reaped by a thread, as it may still be reading its gazetteer.
            _close(process)
            threading.Thread(target=process.wait, name="replay-spare", daemon=True).start()


_spare = _Spare()


def warm_up() -> None:
    """Start a replay process now, for the next replay as fast as possible
    to find ready: its interpreter, imports and gazetteer take about a
    second of CPU. The window calls it when the archive dialog opens."""
    _spare.start()


def let_go() -> None:
    """No replay after all (the dialog was cancelled, the window closes)."""
    _spare.let_go()


def _close(process: subprocess.Popen[bytes]) -> None:
    for pipe in (process.stdin, process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()
