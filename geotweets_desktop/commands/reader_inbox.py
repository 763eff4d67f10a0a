"""What the bulk replay's reader processes send, received as it comes and
handed to the writer reader by reader, in the order it needs them.

The writer stores the parts in file order, each from the reader that has
it. It used to read only the pipe of the reader whose part it was storing:
the other readers, their pipes full after a batch, waited until it came to
them, so while it stored one reader's part the others stood still, and
most of the time a single reader was at work. Now every pipe is drained
whenever the writer asks for a frame, and what is not needed yet waits
here (up to `held_bytes`, after which only the reader needed is read), so
every reader reads on while the writer stores.

A pipe's buffer is enlarged (Linux: `F_SETPIPE_SZ`) to hold a whole batch,
so a reader that finished one goes on to the next without waiting for the
writer to take it.
"""

from __future__ import annotations

import contextlib
import sys
from collections import deque
from multiprocessing.connection import Connection, wait

if sys.platform == "linux":
    import fcntl

PIPE_BYTES = 1 << 20  # Linux's default ceiling for an unprivileged process
HELD_BYTES = 64 << 20  # a few dozen batches: enough for the readers to run ahead


def enlarge_pipe(end: Connection) -> None:
    """Give the pipe behind `end` a buffer of `PIPE_BYTES` where the system
    allows it (elsewhere, or past the system's ceiling, it stays as it is)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            fcntl.fcntl(end.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


class ReaderInbox:
    """The frames of several readers, each reader's in the order it sent them."""

    def __init__(self, pipes: list[Connection], held_bytes: int = HELD_BYTES) -> None:
        self._pipes = pipes
        self._frames: list[deque[bytes]] = [deque() for _ in pipes]
        self._open = list(range(len(pipes)))  # readers whose pipe has not ended
        self._held = 0
        self._held_limit = held_bytes

    def next(self, reader: int) -> bytes:
        """The next frame `reader` sent, receiving what the others sent
        meanwhile; EOFError when its pipe ended with nothing more."""
        frames = self._frames[reader]
        while True:
            if not frames and reader not in self._open:
                raise EOFError(f"reader {reader} ended")
            self._receive(reader, block=not frames)
            if frames:
                frame = frames.popleft()
                self._held -= len(frame)
                return frame

    def _receive(self, needed: int, *, block: bool) -> None:
        """Take what the readers have sent (waiting for something when
        `block`); only the `needed` reader's once enough is held."""
        wanted = self._open if self._held < self._held_limit else [needed]
        wanted = [r for r in wanted if r in self._open]
        if not wanted:
            return
        ready = wait([self._pipes[r] for r in wanted], timeout=None if block else 0)
        for reader in wanted:
            pipe = self._pipes[reader]
            if pipe in ready:
                self._drain(reader, needed)

    def _drain(self, reader: int, needed: int) -> None:
        """Take the frames waiting in `reader`'s pipe (all of them, unless
        enough is held and it is not the reader needed)."""
        pipe = self._pipes[reader]
        while True:
            try:
                frame = pipe.recv_bytes()
            except EOFError:
                self._open.remove(reader)
                return
            self._frames[reader].append(frame)
            self._held += len(frame)
            if (reader != needed and self._held >= self._held_limit) or not pipe.poll():
                return
