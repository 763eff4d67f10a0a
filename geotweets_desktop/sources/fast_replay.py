"""A replay as fast as possible, read by the forked reader processes `collect` uses.

In one process, reading an archive (decoding, locating, compressing the
payload) and everything else take turns under the interpreter lock: the
window replayed a few thousand posts a second and its event loop waited
meanwhile. Here the reading happens in `commands/bulk_replay.py`'s reader
processes, which send the store's rows ready-made; this source passes them on
(`RowSink.rows`), and the window's store writer stores them and reads the
new located posts back for the map. A paced replay stays with
`ReplaySource` on one thread: it must read the whole file first anyway, to
play it in time order.

The source must be told its session before it runs (`session_id`: the
readers write it into every row). What the file held (bad lines, notices,
where reading stopped) is known part by part, as the readers finish theirs;
the last status says it as `ReplaySource` would.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from geotweets_desktop.commands.bulk_replay import BulkResult, bulk_replay
from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.point_batch import Columns
from geotweets_desktop.core.session import ArchiveReport
from geotweets_desktop.core.store import ROW_KIND
from geotweets_desktop.sources.base import RowSink, Sink, StatusEvent
from geotweets_desktop.sources.replay import summary_line

PROGRESS_SECONDS = 0.25


class FastReplaySource:
    """A Source (see sources/base.py) that is Pausable, ReportsProgress,
    ReadsArchive, CountsNotices, KeepsToAreas and TakesSession (it sends rows)."""

    synthetic = False
    speed: float | None = None  # as fast as possible

    def __init__(self, path: Path | str, terms: Sequence[str] = (), *, areas: Sequence[Area] = ()):
        self.path = Path(path)
        self.terms = list(terms)
        self.areas = list(areas)
        self.label = f"Replay: {self.path.name}"
        self.session_id: int | None = None
        self.matched = 0
        self.kinds: Counter[str] = Counter()
        self.finished = False  # True once the whole file was played
        self._result = BulkResult()
        self._parts = (0, 1)  # parts stored, parts in all
        self._changed = threading.Condition()
        self._stopped = False
        self._paused = False
        self._last_progress = 0.0

    # -- control, from any thread --------------------------------------------

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def pause(self) -> None:
        with self._changed:
            self._paused = True
            self._changed.notify_all()

    def resume(self) -> None:
        with self._changed:
            self._paused = False
            self._changed.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stopped(self) -> bool:
        return self._stopped

    @property
    def fraction(self) -> float:
        """The parts of the file stored so far (a part is 8 MiB)."""
        done, parts = self._parts
        return 1.0 if self.finished else done / parts

    # -- the stream, on the worker thread -----------------------------------

    def run(self, sink: Sink) -> None:
        if self.session_id is None or not isinstance(sink, RowSink):
            raise RuntimeError("a fast replay needs its session and a sink that takes rows")
        sink.status(StatusEvent("live", f"Replaying {self.path.name}"))
        feed = _Feed(self, sink, self.session_id)
        result = bulk_replay(self.path, self.terms, feed, on_part=self._part_stored)
        self._result = result
        # As `ReplaySource`: a file cut short (a gzip stream) was still played
        # to its end; a reader that failed or a Stop was not.
        self.finished = result.error is None and not self._stopped
        if result.error is not None and not self._stopped:
            sink.status(StatusEvent("error", f"{self.summary()}; {result.error}"))
            return
        why_not = self._why_not_an_archive() if self.finished else None
        if why_not is not None:
            sink.status(StatusEvent("error", why_not))
            return
        sink.status(StatusEvent("stopped", self.summary()))

    def _part_stored(self, result: BulkResult, done: int, parts: int) -> None:
        self._result = result
        self._parts = (done, parts)

    def _why_not_an_archive(self) -> str | None:
        result = self._result
        return None if result.posts_read or result.notices else self.not_an_archive()

    def _take(self, rows: Sequence[tuple[Any, ...]], sink: RowSink) -> None:
        """Pass a batch of rows on (on the worker thread), unless stopped while paused."""
        with self._changed:
            self._changed.wait_for(lambda: not self._paused or self._stopped)
            if self._stopped:
                return
        self.matched += len(rows)
        self.kinds.update(row[ROW_KIND] for row in rows if row[ROW_KIND] is not None)
        sink.rows(list(rows))
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_SECONDS:
            self._last_progress = now
            sink.status(StatusEvent("live", self.progress()))

    # -- reporting -----------------------------------------------------------

    def progress(self) -> str:
        text = (
            f"Replaying {self.path.name}: {100 * self.fraction:.0f}% · "
            f"{self._result.posts_read:,} posts read · {self.matched:,} shown"
        )
        if self._result.bad_records:
            text += f" · {self._result.bad_records:,} bad"
        if self._paused:
            text += " · paused"
        return text

    def not_an_archive(self) -> str | None:
        """Why the file is no archive at all (one line), or None."""
        try:
            return ArchiveReader(self.path).not_an_archive()
        except OSError as exc:
            return f"cannot read {self.path}: {exc.strerror or exc}"

    @property
    def notices(self) -> Mapping[str, int]:
        """X's notices met in the parts read so far, by kind."""
        return self._result.notices

    def archive_report(self) -> ArchiveReport:
        return self._result.report

    def summary(self) -> str:
        """One line, as `ReplaySource.summary` says it."""
        filtered = bool(self.terms or self.areas)
        return summary_line(
            self.path.name, self.finished, filtered, self.matched, self.kinds, self._result.report
        )


class _Feed:
    """What `bulk_replay` stores into (its `RowsInto`): the rows go to the sink."""

    def __init__(self, source: FastReplaySource, sink: RowSink, session_id: int) -> None:
        self._source = source
        self._sink = sink
        self.session_id = session_id
        self.areas = source.areas

    def add_rows(self, rows: Sequence[tuple[Any, ...]], points: Columns | None) -> None:
        self._source._take(rows, self._sink)

    def limit_reached(self) -> str | None:
        return "stopped" if self._source.stopped else None
