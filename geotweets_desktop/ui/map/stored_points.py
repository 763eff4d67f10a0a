"""A reopened session's points to the map as binary parts (point_feed.py),
with the GUI thread doing no more than offering them.

Every writer keeps a session's map columns (`core/point_blobs.py`) in the
transaction that stores its posts, so when the session has them they are
offered at once; a few seconds after the page has fetched the last part
(not while it is still adding points: the machine may have two cores), a
thread of its own checks them against the session's posts (counting those
reads every one of them) and builds what is missing. A session stored without them (an
older version's, an export's copy) has them built on that thread first,
with progress, and offered then. Either way, when something was built the
map is given the session's points again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, QTimer, Signal

from geotweets_desktop.core.point_blobs import BlobPart
from geotweets_desktop.core.store import SessionInfo, SessionStore
from geotweets_desktop.ui.background import BackgroundTask
from geotweets_desktop.ui.map.bridge import MapBridge

log = logging.getLogger(__name__)

BUILD_CHUNK = 5_000  # posts a transaction when a session's map columns are built
PART_POINTS = 100_000  # points in one binary part the page fetches
CHECK_AFTER_MS = 3_000  # after the last part is fetched, the columns are checked


def build_blobs(
    path: Path, session: SessionInfo, stop: threading.Event, report: Callable[[object], None]
) -> int:
    """On its own connection: build the map columns the session lacks,
    reporting (done, of) as it goes; how many posts it built them for."""
    store = SessionStore(path, tidies=False)
    try:
        located = store.located_count(session.id)
        done = 0
        for done in store.build_point_blobs(session, BUILD_CHUNK, located=located):
            report((done, located))
            if stop.is_set():
                break
        return done
    finally:
        store.close()


class StoredPoints(QObject):
    """Sends stored sessions' points to one map (one session at a time)."""

    noticed = Signal(str)  # progress of building a session's columns, for the status bar

    def __init__(self, store: SessionStore, bridge: MapBridge, parent: QObject) -> None:
        super().__init__(parent)
        self._store = store
        self._bridge = bridge
        self._sending = 0  # which send the answers of a build belong to
        self._stop = threading.Event()

    def send(self, session: SessionInfo) -> None:
        """Offer the session's points to the map (the map was cleared)."""
        self.stop()
        parts = self._store.point_parts(session.id, PART_POINTS)
        if parts:
            self._offer(session, parts, checked=False)
        else:
            self._build(session, offered=False)

    def stop(self) -> None:
        """Build nothing more for the session being sent."""
        self._sending += 1
        self._stop.set()

    def _offer(self, session: SessionInfo, parts: list[BlobPart], *, checked: bool) -> None:
        """Offer the parts; unless `checked`, check them once the last is fetched."""
        store, session_id = self._store, session.id
        sending = self._sending
        check_pending = [not checked]

        def read_part(n: int) -> bytes:
            data = store.point_part(session_id, parts[n])
            if n == len(parts) - 1 and check_pending[0]:
                check_pending[0] = False
                QTimer.singleShot(CHECK_AFTER_MS, self, check)
            return data

        def check() -> None:
            if sending == self._sending:
                self._build(session, offered=True)

        self._bridge.offer_point_parts([part.points for part in parts], read_part)

    def _build(self, session: SessionInfo, *, offered: bool) -> None:
        self._stop = stop = threading.Event()
        sending = self._sending
        path = self._store.path
        # The work reports through its own task (looked up when it runs).
        task = BackgroundTask(
            lambda: build_blobs(path, session, stop, task.report), f"point-blobs-{session.id}", self
        )

        def progressed(progress: object) -> None:
            done, located = cast(tuple[int, int], progress)
            if sending == self._sending:
                self.noticed.emit(
                    f"Preparing session {session.id} for the map: "
                    f"{done:,} of {located:,} posts (once)"
                )

        def finished(built: object) -> None:
            task.deleteLater()
            if sending != self._sending or (offered and not built):
                return
            if offered:  # what was offered missed posts: all of them again
                self._bridge.clear_points()
            self._offer(session, self._store.point_parts(session.id, PART_POINTS), checked=True)

        def failed(error: object) -> None:
            task.deleteLater()
            log.error("the map columns of session %d could not be built: %s", session.id, error)

        task.progressed.connect(progressed)
        task.finished.connect(finished)
        task.failed.connect(failed)
        task.start()
