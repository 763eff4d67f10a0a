"""The session controller: the window's timing around the session engine.

Runs on the GUI thread. The engine (`core/session.py`) does what happens to
posts: stored, counted, cut at limits, new located ones sent to the map.
This class decides when: when the worker says posts are waiting, they are
taken in one batch as soon as the last batch is at least 15 ms done. A batch
is capped so that, in a burst, the GUI thread is never busy for long at a
time; the rest follows on the next turn of the event loop. It also owns the
stream tokens, the worker threads and the calls to the map page's bridge.

Batches are written by the store writer (core/store_writer.py), never on the
GUI thread: a batch is handed over, and counted and drawn when the writer
says it is committed (`_written`, a queued signal). At most `MAX_WRITING`
batches are with the writer at a time; the rest wait here, holding the
source back as before. Stop hands over what is left and waits, at most
`STOP_WRITE_WAIT_S`, until it is written. The posts the page asks for (a
popup, the lists' rows) are read on the writer's thread too, and answered
when its results are delivered.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from geotweets_desktop.core.live_stats import LiveStats
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.session import SessionEngine
from geotweets_desktop.core.store import SessionInfo, SessionStore
from geotweets_desktop.core.store_writer import StoreWriter
from geotweets_desktop.core.stored_batch import StoredBatch
from geotweets_desktop.core.usage import UsageMeter
from geotweets_desktop.sources.base import (
    Pausable,
    ReadsArchive,
    Source,
    StatusEvent,
    TakesSession,
    areas_of,
)
from geotweets_desktop.ui.map.bridge import MapBridge
from geotweets_desktop.ui.map.stored_points import StoredPoints
from geotweets_desktop.ui.worker import StreamRunner

log = logging.getLogger(__name__)
_T = TypeVar("_T")

FLUSH_INTERVAL_MS = 50  # reopened sessions are sent a chunk each tick
MIN_FLUSH_GAP_MS = 15
MAX_BATCH = 500
REPLAY_CHUNK = 5_000  # points a tick when a reopened session is sent as JSON
MAX_WRITING = 2  # batches with the store writer at a time
# The status bar's figures follow the writer's deliveries at most this often:
# in a burst it delivers dozens of times a second, and laying out the
# status bar's texts each time took a millisecond or more of the GUI thread.
STATS_EVERY_MS = 100
# How long Stop waits for the writer to store what it was handed (it takes a
# few batches at most: longer only when the disk is stalled).
STOP_WRITE_WAIT_S = 5.0
# How long closing the window waits for a stream that already failed to stop,
# and then for the store writer.
SHUTDOWN_WAIT_MS = 2000


def _log_unread(error: Exception) -> None:
    log.error("posts the map asked for could not be read: %s", error)


class SessionController(QObject):
    #: The status bar listens to these.
    statusChanged = Signal(object)  # StatusEvent
    sourceFinished = Signal(object)  # the Source that ended by itself
    statsChanged = Signal()
    sessionChanged = Signal()
    noticed = Signal(str)  # a passing message for the user (the status bar shows it)
    # A session ended while the user watched: Stop, a limit, or its source
    # ended by itself (session id, why in words). Not sent when a new search
    # or a reopened session replaces it, nor when the window closes.
    sessionEnded = Signal(int, str)
    #: Emitted by the store writer's thread when a batch is written.
    _written = Signal()

    def __init__(self, store: SessionStore, bridge: MapBridge, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.bridge = bridge
        self.engine: SessionEngine | None = None
        self.source_detail = ""  # more about the source than its label: a path, a token's origin
        self.paused = False
        self.state = StatusEvent("stopped", "Ready")
        self._idle_stats = LiveStats()
        self._idle_stats.stop()
        self._token = 0
        self._runner: StreamRunner | None = None
        self._lingering: list[StreamRunner] = []
        self._pending: list[Post] = []
        # Batches a replay's own process has stored, to be counted and drawn.
        self._pending_stored: list[StoredBatch] = []
        self._last_flush = 0.0
        self._finished_source: Source | None = None  # ended by itself, still being stored
        # Sending a stored session's points to the map: one step each tick.
        self._replay: Iterator[None] | None = None
        self._stored_points = StoredPoints(store, self.bridge, self)
        self._stored_points.noticed.connect(self.noticed)
        self._written.connect(self._deliver_written, Qt.ConnectionType.QueuedConnection)
        self._writer = StoreWriter(store.path, self._written.emit)
        # One pending flush at most: `_flush_soon` (re)arms this single-shot timer.
        self._next_flush = QTimer(self)
        self._next_flush.setSingleShot(True)
        self._next_flush.timeout.connect(self.flush)
        # A steady beat for what arrives without a signal: the chunks of a
        # reopened session, and time-based usage limits.
        self._beat = QTimer(self)
        self._beat.setInterval(FLUSH_INTERVAL_MS)
        self._beat.timeout.connect(self._flush_soon)
        self._beat.start()
        # statsChanged at most every STATS_EVERY_MS while batches are delivered;
        # one that came meanwhile is sent when this single-shot timer ends.
        self._stats_gap = QTimer(self)
        self._stats_gap.setSingleShot(True)
        self._stats_gap.setInterval(STATS_EVERY_MS)
        self._stats_gap.timeout.connect(self._stats_gap_over)
        self._stats_held = False
        bridge.postRequested.connect(self._show_post)
        bridge.postsRequested.connect(self._list_posts)
        bridge.postLinkRequested.connect(self._open_post)
        self._answering_page = True  # until shutdown

    # -- what the status bar shows ----------------------------------------------

    @property
    def session_id(self) -> int | None:
        return self.engine.session_id if self.engine is not None else None

    @property
    def source_label(self) -> str:
        return self.engine.label if self.engine is not None else ""

    @property
    def terms(self) -> list[str]:
        return self.engine.terms if self.engine is not None else []

    @property
    def synthetic(self) -> bool:
        return self.engine.synthetic if self.engine is not None else False

    @property
    def stats(self) -> LiveStats:
        return self.engine.stats if self.engine is not None else self._idle_stats

    @property
    def usage(self) -> UsageMeter | None:
        return self.engine.usage if self.engine is not None else None

    # -- streams -------------------------------------------------------------

    def start(self, source: Source, usage: UsageMeter | None = None, detail: str = "") -> None:
        """Start a new session with `source`, stopping the current one first.

        `usage` meters a paid source (posts, estimated cost) and stops the
        session when one of its limits is reached. `detail` is shown with the
        source's label (the whole path of an archive, where a token came from).
        """
        self._halt()
        self._token += 1
        self._leave_engine()
        self.engine = SessionEngine(
            self.store,
            label=source.label,
            terms=source.terms,
            synthetic=source.synthetic,
            areas=areas_of(source),
            usage=usage,
            map_sink=self.bridge,
            writer=self._writer,
        )
        if isinstance(source, TakesSession):
            source.store_path = self.store.path
            source.session_id = self.engine.session_id
        self.source_detail = detail
        self._configure_page()
        self.clear()
        runner = StreamRunner(self._token, source)
        runner.worker.postsAvailable.connect(self._on_posts_available)
        runner.worker.statusChanged.connect(self._on_status)
        runner.worker.finished.connect(self._on_source_finished)
        self._runner = runner
        limits = usage.limits_text() if usage is not None else ""
        self._set_state(StatusEvent("starting", f"stops at {limits}" if limits else ""))
        runner.start()
        self.sessionChanged.emit()

    def stop(self, reason: str = "") -> None:
        """Stop the stream (within about a second) and save what it sent; a
        session that was running has ended (`sessionEnded`)."""
        running = self._runner is not None
        self._halt(reason)
        if running and self.session_id is not None:
            self.sessionEnded.emit(self.session_id, reason or "Stopped")

    def _halt(self, reason: str = "") -> None:
        self.paused = False
        runner, self._runner = self._runner, None
        if runner is not None:
            if not runner.stop():
                self._lingering.append(runner)
            self._token += 1  # signals the old stream still had in flight are ignored
            self._take_all(runner)
            self._drain()
            self._set_state(StatusEvent("stopped", reason))
        else:
            self._drain()  # a source that ended by itself may still be being stored
        if self.engine is not None:
            self.engine.end()
        self._lingering = [r for r in self._lingering if r.running]

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def backlog(self) -> int:
        """Posts received and not yet stored (held in memory)."""
        waiting = self._runner.worker.buffered if self._runner is not None else 0
        writing = self.engine.writing if self.engine is not None else 0
        stored = sum(batch.kept for batch in self._pending_stored)
        return len(self._pending) + stored + waiting + writing

    @property
    def can_pause(self) -> bool:
        return isinstance(self.source, Pausable)

    def set_paused(self, paused: bool) -> None:
        """Pause or resume the running source; the session's clock stops meanwhile."""
        source = self.source
        if not isinstance(source, Pausable) or paused == self.paused:
            return
        self.paused = paused
        if paused:
            source.pause()
            self.stats.pause()
        else:
            source.resume()
            self.stats.resume()
        self.statusChanged.emit(self.state)

    @property
    def source(self) -> Source | None:
        """The running source, for what only some sources offer (see sources/base.py)."""
        return self._runner.source if self._runner is not None else None

    def _on_source_finished(self, token: int) -> None:
        """A source ended by itself (an archive read to its end, a fatal error):
        store what it sent, in the usual batches, then close the session,
        keeping the source's last status."""
        runner = self._runner
        if token != self._token or runner is None:
            return
        self._runner = None
        self._token += 1
        self.paused = False
        if not runner.stop():
            self._lingering.append(runner)
        self._take_all(runner)
        self._finished_source = runner.source
        self._flush_soon()

    def _drain(self) -> None:
        """Store everything still waiting, now (at most a few thousand posts)."""
        engine = self.engine
        if engine is not None:
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                engine.hand_over(batch)
            self._take_stored()
            if not self._writer.wait_written(STOP_WRITE_WAIT_S):
                log.error("the store writer is slow: some posts are still being written")
            self._writer.deliver()
            self.statsChanged.emit()
        if self._finished_source is not None:
            self._close_finished_session()

    def _take_all(self, runner: StreamRunner) -> None:
        self._pending.extend(runner.worker.take())
        self._pending_stored.extend(runner.worker.take_stored())

    def _close_finished_session(self) -> None:
        source, self._finished_source = self._finished_source, None
        if self.engine is not None:
            self.engine.end()
        self.sessionChanged.emit()
        self.sourceFinished.emit(source)
        if self.engine is not None:
            ended = "Replayed to the end" if isinstance(source, ReadsArchive) else "Source ended"
            why = f"Stopped: {self.engine.error}" if self.engine.error else ended
            self.sessionEnded.emit(self.engine.session_id, why)

    def clear(self) -> None:
        """Clear the map; what is stored stays stored."""
        self._replay = None
        self._stored_points.stop()
        self.bridge.clear_points()

    def redraw(self) -> None:
        """Send the session's stored points to the map again (its filter changed)."""
        session = self.store.session(self.session_id) if self.session_id is not None else None
        if session is not None:
            self.clear()
            self._replay = self._send_stored_points(session)
            self._flush_soon()

    def clear_counts_and_map(self) -> None:
        """What Clear does: the map and the status bar's counts start again
        from nothing (the session goes on; what is stored stays stored)."""
        self.clear()
        self.stats.reset_counts()
        self.statsChanged.emit()

    def open_session(self, session: SessionInfo) -> None:
        """Show a stored session on the map (its points are sent in chunks)."""
        self._halt()
        self._leave_engine()
        self.engine = SessionEngine.reopen(self.store, session)
        self.source_detail = (
            f"Stored session {session.id}, started "
            + session.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        )
        self._configure_page()
        self.clear()
        self._replay = self._send_stored_points(session)
        self._set_state(StatusEvent("stopped", f"Reopened session {session.id}"))
        self.sessionChanged.emit()

    def shutdown(self) -> None:
        """Stop everything for good. A stream that failed to stop in time is
        given `SHUTDOWN_WAIT_MS` more, then left behind (and logged), so a
        stuck source can never keep the window from closing."""
        self._halt()
        self._beat.stop()
        self._next_flush.stop()
        self._stats_gap.stop()
        self._replay = None
        self._stored_points.stop()
        # The page may still ask for parts of a reopened session, or for posts
        # (a list, a popup): not from a store about to close.
        self.bridge.withdraw_point_parts()
        if self._answering_page:
            self._answering_page = False
            self.bridge.postRequested.disconnect(self._show_post)
            self.bridge.postsRequested.disconnect(self._list_posts)
            self.bridge.postLinkRequested.disconnect(self._open_post)
        for runner in self._lingering:
            if not runner.thread.wait(SHUTDOWN_WAIT_MS):
                log.error("stream %d still has not stopped; closing without it", runner.token)
                runner.abandon()
        self._lingering = []
        if not self._writer.close(SHUTDOWN_WAIT_MS / 1000):
            log.error("the store writer has not finished; closing without it")

    def _leave_engine(self) -> None:
        """The map is about to show another session: the current one's last
        batches, if the writer still has any, are stored but not drawn."""
        if self.engine is not None:
            self.engine.detach_map()

    # -- batching --------------------------------------------------------------

    def _on_posts_available(self, token: int) -> None:
        if token == self._token:
            self._flush_soon()

    def _flush_soon(self) -> None:
        if self._next_flush.isActive():
            return
        gap_ms = MIN_FLUSH_GAP_MS - (time.monotonic() - self._last_flush) * 1000
        self._next_flush.start(max(0, round(gap_ms)))

    def _on_status(self, token: int, event: StatusEvent) -> None:
        if token == self._token:
            self._set_state(event)

    def flush(self) -> None:
        self._next_flush.stop()
        try:
            self._flush()
        finally:
            # The gap to the next flush counts from the end of this one, so the
            # event loop always gets time for input and painting in between.
            self._last_flush = time.monotonic()
        if self._waiting and self._writer.unfinished < MAX_WRITING:
            self._flush_soon()  # else when the writer has written a batch

    @property
    def _waiting(self) -> bool:
        """Posts or stored batches are waiting here or in the worker."""
        in_worker = self._runner is not None and self._runner.worker.buffered > 0
        return bool(self._pending or self._pending_stored or in_worker)

    def _flush(self) -> None:
        # Take more from the worker only when what is here fits in this batch:
        # posts left in the worker's buffer hold a fast source back, whereas
        # taking them all would let the pile here grow by the source's speed
        # minus ours (a replay at "max" once piled up gigabytes this way).
        if self._runner is not None and len(self._pending) < MAX_BATCH:
            self._pending.extend(self._runner.worker.take())
        if self._runner is not None and not self._pending_stored:
            self._pending_stored = self._runner.worker.take_stored()
        engine = self.engine
        # One stored batch a turn: handing a batch's blob to the page takes
        # the GUI thread some milliseconds, and four at once held it 50 ms.
        self._take_stored(1)
        # Counted and drawn once written (_deliver_written).
        if engine is not None and self._writer.unfinished < MAX_WRITING and self._pending:
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            engine.hand_over(batch)
        self._check_session()
        if self._replay is not None and next(self._replay, StopIteration) is StopIteration:
            self._replay = None

    def _take_stored(self, at_most: int | None = None) -> None:
        """Count and draw the batches a replay's own process has stored (all,
        or the first `at_most`)."""
        taking = len(self._pending_stored) if at_most is None else at_most
        batches = self._pending_stored[:taking]
        self._pending_stored = self._pending_stored[taking:]
        if self.engine is not None and batches:
            for batch in batches:
                self.engine.take_stored(batch)
            self.statsChanged.emit()

    def _deliver_written(self) -> None:
        """The writer stored batches: count them, draw their new located posts."""
        if self._writer.deliver():
            self._stats_changed_soon()
            self._check_session()
            if self._waiting:
                self._flush_soon()

    def _stats_changed_soon(self) -> None:
        if self._stats_gap.isActive():
            self._stats_held = True
        else:
            self.statsChanged.emit()
            self._stats_gap.start()

    def _stats_gap_over(self) -> None:
        if self._stats_held:
            self._stats_held = False
            self.statsChanged.emit()
            self._stats_gap.start()

    def _check_session(self) -> None:
        """Close a session whose source ended once all it sent is stored;
        stop one that reached a limit (or whose posts cannot be stored)."""
        engine = self.engine
        if (
            self._finished_source is not None
            and not self._pending
            and not self._pending_stored
            and (engine is None or not engine.writing)
        ):
            self._close_finished_session()
        if engine is not None and self.running:
            reason = engine.limit_reached()
            if reason is not None:
                self.stop(reason)

    # -- page ------------------------------------------------------------------

    def _send_stored_points(self, session: SessionInfo) -> Iterator[None] | None:
        """A stored session's points to the map: as binary parts the page
        fetches (ui/map/stored_points.py); as JSON chunks, a step each tick
        (the iterator returned), when the bridge filters points by the areas."""
        if self.bridge.hide_outside and session.areas:
            return self._send_stored_chunks(session.id)
        self._stored_points.send(session)
        return None

    def _send_stored_chunks(self, session_id: int) -> Iterator[None]:
        for chunk in self.store.points(session_id, REPLAY_CHUNK):
            self.bridge.add_points(chunk)
            yield

    def _configure_page(self) -> None:
        self.bridge.configure(self.terms, synthetic=self.synthetic, source_label=self.source_label)

    def _read_for_page(
        self, read: Callable[[SessionStore], _T], answer: Callable[[_T], None]
    ) -> None:
        """Read posts the page asks for on the store writer's thread, after the
        batches handed over before it (so a post just drawn is found), and
        answer on this one when the writer's results are delivered: the lists
        ask for the newest posts' text while posts pour in, and the GUI thread
        waits on SQLite for none of it."""
        self._writer.submit(read, answer, _log_unread)

    def _list_posts(self, keys: list[int]) -> None:
        self._read_for_page(
            lambda store: [(key, post) for key in keys if (post := store.post(key)) is not None],
            lambda found: self.bridge.list_posts(keys, found),
        )

    def _show_post(self, key: int) -> None:
        def show(post: Post | None) -> None:
            if post is not None:
                self.bridge.show_post(key, post)

        self._read_for_page(lambda store: store.post(key), show)

    def _open_post(self, key: int) -> None:
        def open_link(post: Post | None) -> None:
            if post is not None and post.url and not QDesktopServices.openUrl(QUrl(post.url)):
                self.noticed.emit(f"No web browser could be opened for {post.url}")

        self._read_for_page(lambda store: store.post(key), open_link)

    def _set_state(self, event: StatusEvent) -> None:
        self.state = event
        if self.engine is not None:
            self.engine.note_status(event.state, event.message)
        self.statusChanged.emit(event)
