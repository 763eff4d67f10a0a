"""Where the map page's start is, asked of the page itself, and said in words
when the map does not start.

The page reports ready once, through the web channel (`MapBridge.reportReady`),
when its channel is up, its basemap is added and its handlers listen. Until
then this watch asks it, once a second, how far its start has come
(`window.GeoTweetsStartup`, read with `runJavaScript`, which needs no
channel); the page answers whenever asked. Not ready `stall_after_s` after
its load began, `stalled` says in one sentence what the page still waits for
(the window shows it in the status bar; the log has it too), and says it
again each time that changes. A page whose process ends before it is ready
is said at once. The watch keeps asking, so a page that was only slow still
becomes ready, and the window takes the words away.
"""

from __future__ import annotations

import json
import logging
import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWebEngineCore import QWebEnginePage

from geotweets_desktop.ui.map.bridge import MapBridge

log = logging.getLogger(__name__)

ASK_EVERY_MS = 1000
# Far over a start on a loaded machine (a few seconds), far under a user's patience.
STALL_AFTER_S = 20.0
# The steps of the page's start-up record (map.js), as the user is told them.
_STEPS = {
    "channel": "its connection to the app",
    "basemap": "the offline basemap's data",
}
_ASK_SCRIPT = "JSON.stringify(window.GeoTweetsStartup || null)"


class PageStartWatch(QObject):
    """Asks `page` how far its start has come until `bridge` hears it is ready."""

    stalled = Signal(str)  # one sentence for the user

    def __init__(
        self, page: QWebEnginePage, bridge: MapBridge, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.stall_after_s = STALL_AFTER_S
        self.stall_text: str | None = None  # the last sentence `stalled` carried
        self._page = page
        self._bridge = bridge
        self._began = time.monotonic()
        self._loaded: bool | None = None  # None: the load has not finished (or begun)
        self._answered = False
        self._answer: dict[str, object] | None = None  # the page's last account
        self._ended: str | None = None  # how the page's process ended, if it did
        self._said: str | None = None  # the account in `stall_text`
        self._timer = QTimer(self)
        self._timer.setInterval(ASK_EVERY_MS)
        self._timer.timeout.connect(self._ask)
        page.loadStarted.connect(self._load_started)
        page.loadFinished.connect(self._load_finished)
        page.renderProcessTerminated.connect(self._process_ended)
        bridge.ready.connect(self._timer.stop)
        self._timer.start()

    def describe(self) -> str:
        """Where the page's start is, in words (the log, the status bar, a failing test)."""
        if self._bridge.is_ready:
            return "the map page is ready"
        if self._ended is not None:
            return f"the map page's process ended ({self._ended})"
        if self._loaded is None:
            return "the map page has not finished loading"
        if not self._loaded:
            return "the map page did not load"
        if not self._answered:
            return "the map page has not answered yet"
        answer = self._answer
        if answer is None:
            return "the map page loaded but its scripts did not start"
        if answer.get("failed"):
            return f"the map page failed to start: {answer['failed']}"
        waiting = [words for step, words in _STEPS.items() if not answer.get(step)]
        if waiting:
            return "the map page is waiting for " + " and ".join(waiting)
        return "the map page is ready but its report has not arrived"

    def _load_started(self) -> None:
        self._began = time.monotonic()
        self._loaded = None
        self._answered = False
        self._said = None
        if not self._bridge.is_ready:
            self._timer.start()

    def _load_finished(self, ok: bool) -> None:
        self._loaded = ok
        self._ask()

    def _process_ended(
        self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int
    ) -> None:
        if self._bridge.is_ready:
            return
        self._ended = f"{status.name}, exit code {code}"
        self._timer.stop()
        self._say_where()

    def _ask(self) -> None:
        if self._bridge.is_ready:
            self._timer.stop()
            return
        if self._loaded:
            self._page.runJavaScript(_ASK_SCRIPT, 0, self._answer_came)
        if time.monotonic() - self._began >= self.stall_after_s:
            self._say_where()

    def _answer_came(self, result: object) -> None:
        try:
            answer = json.loads(result) if isinstance(result, str) else None
        except ValueError:
            answer = None
        self._answer = answer if isinstance(answer, dict) else None
        self._answered = True

    def _say_where(self) -> None:
        """Say where the start is, once each time that changes."""
        account = self.describe()
        if account == self._said:
            return
        self._said = account
        waited = time.monotonic() - self._began
        log.warning("the map has not started after %.0f s: %s", waited, account)
        self.stall_text = (
            f"The map has not started after {waited:.0f} s: {account}. "
            "Posts are still stored; if the map stays empty, restart GeoTweets."
        )
        self.stalled.emit(self.stall_text)
