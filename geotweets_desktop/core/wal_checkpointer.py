"""Copy the write-ahead log into the database file on a thread of its own.

SQLite's automatic checkpoint runs inside whichever commit pushes the log
past its limit, so now and then one commit of the app's (on the GUI thread,
or in the middle of an ingest) also copies megabytes of pages: about half of
all the time an ingest spends in SQLite. Here that copy runs on its own
connection and thread instead, as PASSIVE checkpoints that never block the
writer; SQLite releases Python's interpreter lock while it copies, so the
work really happens alongside. If the process dies, nothing is lost: the log
is read back on the next open.

The log starts over (and its file is cut back) at the first write that finds
it all copied. Every quarter of a second, each checkpoint had a quarter
second of posts to copy, and the writer always added more meanwhile: under
a long replay the log grew as big as the database. So once the log is long
(`CATCH_UP_FRAMES`), checkpoints follow each other closely: each then has
only a few milliseconds of writes to copy, the writer's next batch finds the
log all copied and starts it over. Nobody waits for anybody.

`wait(stop, seconds)` is how the thread waits between checkpoints (the shape
of `threading.Event.wait`): tests pass one that lets it run only at points
they choose, so what a checkpoint finds does not depend on the machine.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

INTERVAL_S = 0.25
CATCH_UP_FRAMES = 8192  # 128 MiB of 16 KiB pages
CATCH_UP_INTERVAL_S = 0.005

Wait = Callable[[threading.Event, float], bool]


class WalCheckpointer:
    def __init__(
        self, path: Path, interval_s: float = INTERVAL_S, wait: Wait = threading.Event.wait
    ) -> None:
        self._path = path
        self._interval = interval_s
        self._wait = wait
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA busy_timeout=1000")
            db.execute("PRAGMA synchronous=NORMAL")  # as the writer: no extra syncs
            interval = self._interval
            before = 0
            while not self._wait(self._stop, interval):
                _busy, logged, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                # Hurry only while posts keep coming: a long log that is all
                # copied and no longer growing starts over at the next write.
                hurry = logged >= CATCH_UP_FRAMES and (logged != before or copied < logged)
                interval = CATCH_UP_INTERVAL_S if hurry else self._interval
                before = logged
        finally:
            db.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
