"""X's filtered stream for the window, read and stored in a process of its own.

A burst of thousands of posts a second, read, parsed and stored by two
threads of the window's process, held its GUI thread up: they shared the
one interpreter lock, which the GUI thread gives up around its calls into
Qt and then waited to take back, and a garbage collection on either thread
held it throughout (`bench/live_latency.py` measures where the time went).
This source starts `geotweets --stream-for-window`
(commands/stream_process.py), which runs `XStreamSource` and stores into
the window's session, and follows it on the worker thread: each committed
batch, with its point blob, goes to the sink (`StoredSink.stored`), each
state of the stream (connecting, live, waiting to reconnect and why, an
error in words) to `status`. Stop is a word on the process's stdin.

A process that dies is said in words; what it committed and did not report
yet is read from the store, so the window counts and draws every post the
session holds.
"""

from __future__ import annotations

import json
import logging
import subprocess
import threading
from collections import Counter, deque
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, cast, get_args

from geotweets_desktop.cli import STREAM_FOR_WINDOW
from geotweets_desktop.commands.replay_wire import Readable, WireError, read_frame, stored_batch
from geotweets_desktop.sources.base import Sink, State, StatusEvent, StoredSink
from geotweets_desktop.sources.child_process import (
    LIVENESS_SECONDS,
    Frames,
    helper_command,
    unreported,
    watch_stderr,
    why_it_ended,
)
from geotweets_desktop.sources.x_stream import XStreamSource

log = logging.getLogger(__name__)


class XStreamApartSource:
    """A Source (see sources/base.py) that is BilledPerPost, CountsNotices,
    FollowsAreas and TakesSession (it stores its posts itself, in another
    process)."""

    synthetic = False
    billed_per_post = True

    def __init__(self, stream: XStreamSource) -> None:
        """The `stream` (already planned: areas or terms X cannot follow were
        refused) is run by the process; this one keeps it for what it says."""
        self._stream = stream
        self.label = stream.label
        self.terms = stream.terms
        self.areas = stream.areas
        self.store_path: Path | None = None
        self.session_id: int | None = None
        self._job = stream.job()
        self._notices: Mapping[str, int] = {}
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stopped = False
        # What the process reported, to find what it did not if it dies.
        self._added = 0
        self._new_kinds: Counter[str] = Counter()
        self._last_blob = 0

    def following_summary(self) -> str:
        return self._stream.following_summary()

    @property
    def notices(self) -> Mapping[str, int]:
        """X's error lines that did not end the stream, by kind."""
        return self._notices

    @property
    def pid(self) -> int | None:
        """The stream's process id while it runs (tests end it to see what is kept)."""
        process = self._process
        return process.pid if process is not None else None

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            process = self._process
            if process is None or process.stdin is None:
                return  # it has not started, or has ended
            try:
                process.stdin.write(b"stop\n")
                process.stdin.flush()
            except (BrokenPipeError, ValueError):
                pass  # it is ending: its frames say how

    def run(self, sink: Sink) -> None:
        if self.session_id is None or self.store_path is None or not isinstance(sink, StoredSink):
            raise RuntimeError("the stream apart needs its session and a sink that takes batches")
        with self._lock:
            if self._stopped:
                sink.status(StatusEvent("stopped", "Stream stopped"))
                return
            try:
                process = self._process = subprocess.Popen(
                    helper_command(STREAM_FOR_WINDOW),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
            except OSError as exc:
                sink.status(StatusEvent("error", f"The stream could not start: {exc}"))
                return
            assert process.stdin is not None
            job = {
                **self._job,
                "store": str(self.store_path),
                "session": self.session_id,
                # It logs what this process would (its records come back: _relay_log).
                "log_level": logging.getLogger().getEffectiveLevel(),
            }
            process.stdin.write(json.dumps(job).encode("utf-8") + b"\n")
            process.stdin.flush()
        assert process.stdin is not None and process.stdout is not None
        errors, errors_read = watch_stderr(process, "stream-stderr", _relay_log)
        ended = False
        error: str | None = None
        try:
            ended = self._follow(Frames(process), sink)
        except EOFError:
            pass  # it died in the middle of a frame: said below
        except (WireError, ValueError, KeyError, TypeError) as exc:
            error = f"the stream's process said something unexpected ({exc})"
        code = process.wait()
        errors_read.join(LIVENESS_SECONDS)
        with self._lock:  # nothing is told to it any more
            self._process = None
            process.stdin.close()
            process.stdout.close()
        if not ended:
            error = error or why_it_ended("the stream's process", code, errors)
            log.error("the stream's process ended: %s; its last words: %s", error, list(errors))
            rest = unreported(
                self.store_path, self.session_id, self._last_blob, self._added, self._new_kinds
            )
            if rest is not None:
                sink.stored(rest)
            sink.status(StatusEvent("error", f"The stream stopped: {error}"))

    def _follow(self, frames: Readable, sink: StoredSink) -> bool:
        """Pass the process's batches and states on; True at its last frame."""
        while (frame := read_frame(frames)) is not None:
            header, data = frame
            kind = header["kind"]
            if kind == "stored":
                batch = stored_batch(header, data)
                self._added += batch.added
                self._new_kinds.update(batch.new_kinds)
                self._last_blob = batch.blob_id or self._last_blob
                sink.stored(batch)
            elif kind == "status":
                self._notices = {str(k): int(v) for k, v in header["notices"].items()}
                sink.status(_status(header))
            elif kind == "done":
                return True
        return False


def _relay_log(stream: IO[bytes], kept: deque[str]) -> None:
    """The process's log records, logged here again under their own
    loggers' names (its stderr: "LEVEL NAME: MESSAGE" a line); its last
    lines kept for when it fails."""
    record: tuple[int, str] | None = None
    with stream:
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip()
            kept.append(line)
            level, _, rest = line.partition(" ")
            name, colon, message = rest.partition(": ")
            if level.isdigit() and colon and " " not in name:
                record = (int(level), name)
            elif record is None:  # not a record, nor a line of one (a traceback's)
                record = (logging.WARNING, __name__)
            else:
                message = line
            logging.getLogger(record[1]).log(record[0], "%s", message)


def _status(header: Mapping[str, Any]) -> StatusEvent:
    state = str(header["state"])
    if state not in get_args(State):
        raise ValueError(f"no such state: {state!r}")
    retry_in = header["retry_in"]
    return StatusEvent(
        cast(State, state), str(header["message"]), None if retry_in is None else float(retry_in)
    )
