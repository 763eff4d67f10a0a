"""The process that reads X's filtered stream for the window and stores what it sends.

In the window's own process, reading and parsing a burst of thousands of
posts a second and storing them took two busy Python threads, which shared
the one interpreter lock with the GUI thread: each time the GUI thread gave
the lock up (around every call into Qt), it waited to get it back, and a
garbage collection on either thread held it throughout. So the window
starts this process instead (`geotweets --stream-for-window`: a fresh
interpreter), which runs the same `XStreamSource` (its reconnecting and
backoff, its tolerant parser) and stores the posts into the window's
session in the same SQLite file, a batch a transaction. After each commit
it tells the window what was stored and hands it the batch's point blob,
which the page reads as it is. The window reads no rows back and writes none.

What the window says: the job as one line of JSON on stdin (the store, the
session, the terms, areas and the token: a pipe, never the command line),
then "stop" (or the end of stdin: the window is gone). What this process
says, in frames on stdout (replay_wire.py's framing):
- "status": the source's state, its words and how long until it retries,
  with X's notices and the bad lines so far;
- "stored": a batch was committed, as replay_process.py reports one;
- "done": the source has ended and everything it sent is stored.

Nothing the window was told is lost if this process is killed: a batch is
reported only after its transaction committed (WAL, synchronous=NORMAL).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geotweets_desktop import startup
from geotweets_desktop.commands.replay_process import lines_of
from geotweets_desktop.commands.replay_wire import write_frame
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.paths import cache_dir
from geotweets_desktop.sources.base import StatusEvent

Write = Callable[[bytes], object]

# A batch is stored as soon as posts wait and the last one is this long
# done: a lone post goes at once, a burst in batches of a few hundred.
BATCH_GAP_S = 0.02
MAX_BATCH = 1000
# How much lower than the window's this process's share of a core is when
# both want one: the window's GUI thread and its page go first (on two busy
# cores, the GUI thread waited most of its slow ticks for a core), and this
# process takes up the rest; posts wait in the socket meanwhile, never lost.
NICENESS = 5
# Posts waiting to be stored before the stream is held back (its socket
# then waits, and X's server with it): the window reads the frames, and a
# window that stops reading must not make this process grow.
MAX_WAITING = 5000


class _Batcher:
    """The source's sink: posts wait here for the storing loop; statuses go
    out at once. Frames are written by one thread at a time."""

    def __init__(self, out: Write, source: Any) -> None:
        self._out = out
        self._source = source
        self._changed = threading.Condition()
        self._writing = threading.Lock()
        self.waiting: list[Post] = []
        self.ended = False

    def posts(self, posts: list[Post]) -> None:
        with self._changed:
            while len(self.waiting) >= MAX_WAITING and not self.ended:
                self._changed.wait(0.1)
            self.waiting.extend(posts)
            self._changed.notify_all()

    def status(self, event: StatusEvent) -> None:
        self.frame(
            {
                "kind": "status",
                "state": event.state,
                "message": event.message,
                "retry_in": event.retry_in,
                "notices": dict(self._source.notices),
                "bad_lines": self._source.malformed_lines,
            }
        )

    def frame(self, header: dict[str, Any], data: bytes = b"") -> None:
        with self._writing:
            write_frame(self._out, header, data)

    def end(self) -> None:
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    def take(self) -> list[Post] | None:
        """The next batch, waiting for one; None once the source ended and all is taken."""
        with self._changed:
            self._changed.wait_for(lambda: self.waiting or self.ended)
            if not self.waiting:
                return None
            batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
            self._changed.notify_all()
            return batch


def _store_batches(
    batcher: _Batcher, path: Path, session_id: int, stop: Callable[[], None]
) -> None:
    """Store the batches in order, on this thread with its own connection."""
    try:
        store = SessionStore(path, tidies=False)
        try:
            _store_each(batcher, store, session_id)
        finally:
            store.close()
    except BrokenPipeError:
        stop()  # the window is gone; what was committed stays stored
    except Exception as exc:  # said to the window, which stops the session
        logging.getLogger(__name__).exception("posts could not be stored")
        stop()
        batcher.status(StatusEvent("error", f"posts could not be stored: {exc}"))
    finally:
        batcher.end()


def _store_each(batcher: _Batcher, store: SessionStore, session_id: int) -> None:
    while (batch := batcher.take()) is not None:
        began = time.monotonic()
        written = store.write_posts(session_id, batch)
        kinds = Counter(post.location.kind for post in batch if post.location is not None)
        header = {
            "kind": "stored",
            "added": written.added,
            "kept": len(batch),
            "kinds": kinds,
            "new_kinds": dict(written.kinds),
            "blob_id": store.last_point_blob(session_id) if written.blob else 0,
        }
        batcher.frame(header, written.blob)
        rest = BATCH_GAP_S - (time.monotonic() - began)
        if rest > 0:
            time.sleep(rest)


def main() -> int:
    """Run the job the window writes on stdin; frames on stdout."""
    # Frames go to the stdout the window reads; anything else printed goes to stderr.
    frames = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    if hasattr(os, "nice"):  # before its threads start: they inherit it
        os.nice(NICENESS)
    lines = lines_of(sys.stdin.fileno())
    first = next(lines, b"")
    if not first.strip():
        return 0
    job = json.loads(first)
    # On stderr, which the window reads and logs again (x_stream_apart.py).
    logging.basicConfig(level=job["log_level"], format="%(levelno)d %(name)s: %(message)s")
    from geotweets_desktop.sources.x_stream import XStreamSource

    source = XStreamSource.from_job(job)
    batcher = _Batcher(frames.write, source)

    def listen() -> None:
        for line in lines:
            if line.strip() == b"stop":
                break
        source.stop()  # told to, or the window is gone

    threading.Thread(target=listen, name="window", daemon=True).start()
    storing = threading.Thread(
        target=_store_batches,
        args=(batcher, Path(job["store"]), int(job["session"]), source.stop),
        name="store",
    )
    storing.start()
    try:
        # Posts to locate by their authors' profile text: the gazetteer, from its snapshot.
        batcher.status(StatusEvent("connecting", "Reading the offline gazetteer"))
        startup.settle(cache_dir())
        source.run(batcher)
    except BrokenPipeError:
        return 1  # the window is gone; what was committed stays stored
    finally:
        batcher.end()
        storing.join()
    batcher.frame({"kind": "done"})
    return 0
