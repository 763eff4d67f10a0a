"""The map's "text contains" filter, answered from the session store.

The page holds no post text, so it asks: which of the session's posts hold
these words (`textFilterRequested`), and, while the filter is on, which of
the posts that just arrived do (`textMatchesRequested`). Both are read off
the GUI thread (core/text_search.py, on a connection of its own); a search
reports how far it got, and a newer search makes an older one stop and its
answer go unsent.

New posts are judged when the page asks rather than on their way to the
map: the points the page receives carry no text (and need not), the same
question covers live posts, replays and a reopened session alike, and a
post stays hidden until it is known to match.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from geotweets_desktop.core.text_search import TextQuery, keys_containing, session_keys_containing
from geotweets_desktop.ui.background import BackgroundTask
from geotweets_desktop.ui.map.bridge import MapBridge

log = logging.getLogger(__name__)


class TextFilterService(QObject):
    # From the search's thread to the GUI thread (queued: this object lives there).
    _progressed = Signal(int, float)

    def __init__(
        self,
        bridge: MapBridge,
        db_path: Path,
        session_id: Callable[[], int | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._db_path = db_path
        self._session_id = session_id
        self._search = 0  # the latest search; older ones stop
        self._query = ""
        bridge.textFilterRequested.connect(self.search)
        bridge.textMatchesRequested.connect(self.judge)
        self._progressed.connect(self._show_progress)

    def search(self, query: str) -> None:
        """Find the current session's posts whose text holds every word of `query`."""
        self._search += 1
        self._query = query
        text_query = TextQuery(query)
        session_id = self._session_id()
        if not text_query or session_id is None:
            self._bridge.answer_text_filter(query, "session", [] if text_query else None)
            return
        search = self._search

        def progress(fraction: float) -> None:
            self._progressed.emit(search, fraction)

        def work() -> list[int] | None:
            return session_keys_containing(
                self._db_path,
                session_id,
                text_query,
                progress=progress,
                stopped=lambda: search != self._search,
            )

        def answer(keys: object) -> None:
            if search == self._search and isinstance(keys, list):
                self._bridge.answer_text_filter(query, "session", keys)

        self._run(work, answer, query)

    def judge(self, query: str, keys: list[int]) -> None:
        """Of these new posts, the ones whose text holds `query`."""
        text_query = TextQuery(query)
        if not text_query or not keys:
            return

        def answer(found: object) -> None:
            if isinstance(found, list):
                self._bridge.answer_text_filter(query, "new", found)

        self._run(lambda: keys_containing(self._db_path, keys, text_query), answer, query)

    def _run(
        self, work: Callable[[], object], answer: Callable[[object], None], query: str
    ) -> None:
        task = BackgroundTask(work, "text filter", self)
        task.finished.connect(answer)
        task.failed.connect(lambda error: self._failed(query, error))
        task.finished.connect(task.deleteLater)
        task.failed.connect(task.deleteLater)
        task.start()

    def _failed(self, query: str, error: object) -> None:
        # The page keeps its busy state off and shows no match rather than a stale one.
        log.error("the text filter %r could not read the store: %s", query, error)
        self._bridge.answer_text_filter(query, "error", [])

    def _show_progress(self, search: int, fraction: float) -> None:
        if search == self._search:
            self._bridge.show_text_filter_progress(self._query, fraction)
