"""Following a process that stores into the window's session (a replay, the X stream).

The window runs the busiest sources in processes of their own, which store
into its session and report each committed batch in frames
(commands/replay_wire.py). What following one takes is the same for each:
its frames read until it has ended, its last words kept for the log, why it
ended said in words, and what it committed but never reported read back
from the store, so the window counts and draws every post the session holds.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import subprocess
import sys
import threading
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.core.stored_batch import StoredBatch

log = logging.getLogger(__name__)

LIVENESS_SECONDS = 0.1  # how often a silent process is checked on
KEPT_ERROR_LINES = 20  # of a process's stderr, for the log when it fails


def helper_command(flag: str) -> list[str]:
    """How to start this program as one of the window's helper processes
    (`flag`: which one), frozen or not."""
    if getattr(sys, "frozen", False):
        return [sys.executable, flag]
    return [sys.executable, "-m", "geotweets_desktop", flag]


class Frames:
    """A process's stdout, read until the process has ended and nothing it
    wrote is left. (No end of file comes when it is killed if processes
    forked from it hold the pipe open until they notice.)"""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        self._fd = process.stdout.fileno()
        self._process = process
        # poll, not select: the window's descriptors run past select's 1,024.
        self._poll = select.poll()
        self._poll.register(self._fd, select.POLLIN)

    def read(self, size: int, /) -> bytes:
        while True:
            if self._poll.poll(LIVENESS_SECONDS * 1000):  # readable, or its end
                return os.read(self._fd, size)
            # What it wrote before it ended is readable before it is seen ended.
            if self._process.poll() is not None and not self._poll.poll(0):
                return b""


def keep_lines(stream: IO[bytes], kept: deque[str]) -> None:
    """Read `stream` to its end, keeping its last lines in `kept`."""
    with stream:
        for line in stream:
            kept.append(line.decode("utf-8", "replace").rstrip())


def watch_stderr(
    process: subprocess.Popen[bytes],
    name: str,
    read: Callable[[IO[bytes], deque[str]], None] = keep_lines,
) -> tuple[deque[str], threading.Thread]:
    """The process's stderr, read by `read` on a thread `name` of its own
    (started), and the deque where its last lines are kept."""
    assert process.stderr is not None
    kept: deque[str] = deque(maxlen=KEPT_ERROR_LINES)
    thread = threading.Thread(target=read, args=(process.stderr, kept), name=name, daemon=True)
    thread.start()
    return kept, thread


def end_group(process: subprocess.Popen[bytes]) -> None:
    """End what is left of the process's group (what it forked, once it died)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # nothing left
        os.killpg(process.pid, signal.SIGKILL)


def why_it_ended(name: str, code: int, errors: Sequence[str]) -> str:
    """Why process `name` ("the replay process") ended before its last frame."""
    if code < 0:
        try:
            signal_name = signal.Signals(-code).name
        except ValueError:
            signal_name = f"signal {-code}"
        return f"{name} was ended ({signal_name}); the posts it stored are kept"
    last = next((line for line in reversed(errors) if line.strip()), "")
    said = f": {last}" if last else ""
    return f"{name} failed (exit status {code}){said}; the posts it stored are kept"


def unreported(
    store_path: Path, session_id: int, last_blob: int, added: int, new_kinds: Mapping[str, int]
) -> StoredBatch | None:
    """What a process that died committed to the session beyond what it
    reported (`added` posts, `new_kinds` located, up to blob `last_blob`),
    read from the store with a connection of its own; None when nothing."""
    try:
        store = SessionStore(store_path, tidies=False)
    except Exception as exc:  # said in the log; the window goes on
        log.error("the posts a dead process left cannot be read: %s", exc)
        return None
    try:
        session = store.session(session_id)
        if session is None:
            return None
        blobs = store.point_blobs_after(session_id, last_blob)
        kinds = Counter(store.located_by_kind(session_id))
        kinds.subtract(new_kinds)
        more = session.received - added
    finally:
        store.close()
    if more <= 0 and not blobs:
        return None
    return StoredBatch(
        added=more,
        kept=more,
        kinds=+kinds,
        new_kinds=+kinds,
        blob_id=blobs[-1][0] if blobs else last_blob,
        blobs=b"".join(data for _id, _points, data in blobs),
    )
