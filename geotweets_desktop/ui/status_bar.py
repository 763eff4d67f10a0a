"""The status bar: source, connection state and live figures, always current.

Every text here can be long (a file name, a server's message, a billed
stream's figures): each label shows what fits, with the whole text in its
tooltip, so the status bar never widens the window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QProgressBar, QStatusBar, QWidget

from geotweets_desktop.core.archive.summary import notices_text
from geotweets_desktop.core.live_stats import format_elapsed
from geotweets_desktop.sources.base import CountsNotices, ReportsProgress, StatusEvent
from geotweets_desktop.ui.controller import SessionController
from geotweets_desktop.ui.elided_label import ElidedLabel

_STATE_WORDS = {
    "starting": "starting…",
    "connecting": "connecting…",
    "live": "live",
    "reconnecting": "reconnecting",
    "stopped": "stopped",
    "error": "error",
}


class SessionStatusBar(QStatusBar):
    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        # A file name keeps its start and its end ("Replay: twarc-…-2026.jsonl").
        self.source_label = ElidedLabel(Qt.TextElideMode.ElideMiddle)
        self.state_label = ElidedLabel()
        self.figures_label = ElidedLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.usage_label = ElidedLabel()
        self.usage_label.set_tooltip(
            "Posts this session and today, and their estimated cost (price per post in "
            "Settings → X usage and limits)"
        )
        font = self.source_label.font()
        font.setBold(True)
        self.source_label.setFont(font)
        self.addWidget(self.source_label)
        self.addWidget(self.state_label, 1)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.usage_label)
        self.addPermanentWidget(self.figures_label)
        controller.statusChanged.connect(self.refresh)
        controller.statsChanged.connect(self.refresh)
        controller.sessionChanged.connect(self.refresh)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self.refresh)
        self._clock.start(1000)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        c = self._controller
        self.source_label.setText(c.source_label or "No source")
        self.source_label.set_tooltip(c.source_detail)
        event: StatusEvent = c.state
        words = "paused" if c.paused else _STATE_WORDS.get(event.state, event.state)
        if event.retry_in is not None:
            words += f" in {event.retry_in:.0f} s"
        message = event.message
        same = message.rstrip(".…").casefold() == words.rstrip(".…").casefold()
        detail = f" — {message}" if message and not same else ""
        self.state_label.setText(f"{words}{detail}")
        self.state_label.setProperty("state", event.state)
        source = c.source
        self.progress.setVisible(isinstance(source, ReportsProgress))
        if isinstance(source, ReportsProgress):
            fraction = source.fraction
            self.progress.setValue(round(1000 * fraction))
            self.progress.setToolTip(f"{100 * fraction:.0f}% of the archive played")
        self.usage_label.setVisible(c.usage is not None)
        if c.usage is not None:
            self.usage_label.setText(c.usage.summary())
        s = c.stats
        figures = [f"received {s.received:,}", f"located {s.located:,}"]
        # Counted once, so what repeats is said apart; so is what X sent besides posts.
        if s.duplicates:
            figures.append(f"{s.duplicates:,} duplicates skipped")
        notices = notices_text(source.notices) if isinstance(source, CountsNotices) else ""
        if notices:
            figures.append(notices)
        figures += [f"{s.per_minute:,.0f}/min", format_elapsed(s.elapsed)]
        self.figures_label.setText(" · ".join(figures))
