"""A one-line label that fits its text to the room it is given.

A plain QLabel asks for the width of its whole text as its *minimum*, so a
long status text (a live stream's figures, a 100-character file name) made
the whole window wider than the screen. This label asks for a few characters
at least, shows as much of the text as fits with "…" standing for the rest,
and puts the whole text in its tooltip whenever part of it is hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MIN_CHARS = 6
# The width asked for grows in steps, so figures that change many times a
# second (counts, a clock) do not make the status bar lay itself out anew each time.
WIDTH_STEP = 48


class ElidedLabel(QLabel):
    def __init__(
        self,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._mode = mode
        self._full = ""
        self._tooltip = ""
        # Plain text: these labels quote file names and what servers sent.
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        if text != self._full:
            hint = self.sizeHint().width()
            self._full = text
            if self.sizeHint().width() != hint:
                self.updateGeometry()
            self._fit()

    def text(self) -> str:
        """The whole text, whatever part of it shows."""
        return self._full

    def shown_text(self) -> str:
        """What the user sees now (the text, or part of it and "…")."""
        return super().text()

    def set_tooltip(self, text: str) -> None:
        """A tooltip of its own; when the text is cut, the whole text follows it."""
        self._tooltip = text
        self._fit()

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right()
        if width > 0:
            width = -(-width // WIDTH_STEP) * WIDTH_STEP
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        width = self.fontMetrics().averageCharWidth() * MIN_CHARS
        return QSize(min(width, self.sizeHint().width()), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, self._mode, max(room, 0))
        super().setText(shown)
        tips = [t for t in (self._full if shown != self._full else "", self._tooltip) if t]
        self.setToolTip("\n".join(tips))
