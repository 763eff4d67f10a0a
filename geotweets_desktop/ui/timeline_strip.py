"""A small, still picture of a session's timeline for the summary card: posts
per bin as grey bars, each term's count as a line in its map colour."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from geotweets_desktop.core.palette import TERM_COLORS
from geotweets_desktop.core.report.figures import Timeline

BAR_COLOR = QColor("#c8c8c8")
AXIS_COLOR = QColor("#888888")


class TimelineStrip(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline: Timeline | None = None
        self.setMinimumHeight(56)
        self.setMaximumHeight(72)

    def set_timeline(self, timeline: Timeline | None) -> None:
        self.timeline = timeline
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        timeline = self.timeline
        if timeline is None or not timeline.total:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(1, 2, -1, -1)
        bins = len(timeline.total)
        peak = max(timeline.total) or 1
        width = area.width() / bins

        def y(count: int) -> float:
            return area.bottom() - area.height() * count / peak

        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BAR_COLOR)
        for i, count in enumerate(timeline.total):
            if count:
                left = area.left() + i * width
                painter.drawRect(QRectF(left, y(count), max(width, 1.0), area.bottom() - y(count)))
        if len(timeline.by_term) > 1:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for t, counts in enumerate(timeline.by_term):
                painter.setPen(QPen(QColor(TERM_COLORS[t % len(TERM_COLORS)]), 1.5))
                line = QPolygonF()
                for i, count in enumerate(counts):
                    line.append(QPointF(area.left() + i * width, y(count)))
                    line.append(QPointF(area.left() + (i + 1) * width, y(count)))
                painter.drawPolyline(line)
        painter.setPen(QPen(AXIS_COLOR, 1))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        painter.end()
