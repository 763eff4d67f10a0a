"""The one channel between Python and the map page (a QWebChannel object).

Python -> page: signals carrying JSON strings (never JavaScript source).
Page -> Python: slots the page calls with plain values.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from geotweets_desktop.core.store import StoredPoint


def to_json(value: Any) -> str:
    # ASCII-only JSON: U+2028/2029 and every other non-ASCII character travel
    # as \u escapes, so nothing on the way can read them as line breaks.
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def points_payload(points: Sequence[StoredPoint], term_index: dict[str, int]) -> dict[str, Any]:
    """Columns, not objects: smaller JSON and a tight loop in the page."""
    return {
        "key": [p.key for p in points],
        "lon": [p.lon for p in points],
        "lat": [p.lat for p in points],
        "kind": [p.kind for p in points],
        "terms": [[term_index[t] for t in p.terms if t in term_index] for p in points],
    }


class MapBridge(QObject):
    # Python -> page (JSON text).
    configure = Signal(str)
    pointsAdded = Signal(str)
    pointsCleared = Signal()
    postShown = Signal(str)

    # Page -> Python, re-emitted for the Qt side.
    ready = Signal()
    postRequested = Signal(int)
    postLinkRequested = Signal(int)

    def __init__(self, tile_url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tile_url = tile_url
        self.is_ready = False

    def send(self, signal_name: str, payload: Any) -> None:
        getattr(self, signal_name).emit(to_json(payload))

    @Slot()
    def pageReady(self) -> None:
        self.is_ready = True
        self.ready.emit()

    @Slot(float)
    def requestPost(self, key: float) -> None:
        self.postRequested.emit(int(key))

    @Slot(float)
    def openPost(self, key: float) -> None:
        self.postLinkRequested.emit(int(key))
