"""The one channel between Python and the map page (a QWebChannel object).

Python -> page: one method per message (`configure`, `add_points`,
`add_point_blobs`, `offer_point_parts`, `clear_points`, `show_post`,
`list_posts`, `show_areas`, `apply_view`, `fold`, and the text
filter's `answer_text_filter` and `show_text_filter_progress`). Each emits
the signal the page listens to, carrying JSON text (never JavaScript
source). Messages sent before the page is ready are held: the latest
configuration, the latest areas, the points since the last clear, the
latest view and whether the lists and the legend are folded are delivered, in that order,
when it says it is.

Points come as columns (core/point_batch.py): a running session's new
points as the store wrote them, binary blobs in base64 (`add_point_blobs`:
the GUI thread does nothing per point); a reopened session's as binary
parts the page fetches (`offer_point_parts`, point_feed.py); and as JSON
only when a reopened session's points are filtered by the areas in Python
(`add_points`).

Page -> Python: slots the page calls with plain values, re-emitted as Qt
signals: `ready`, `postRequested`, `postsRequested` (a page of a stack's
list), `postLinkRequested`, and the user's edits of the areas,
`areaDrawn`, `areaChanged`, `areaDeleted` (an area as JSON text, checked
by whoever listens), and the text filter's questions, `textFilterRequested`
(the words typed: which of the session's posts hold them) and
`textMatchesRequested` (which of these newly arrived posts do). The page
reports what it shows (`reportView`, debounced: centre, zoom, mode, filters,
bounds); the last good report is `view_state`, and `viewReported` says it
changed. When the user folds or unfolds the lists beside the map or the
legend (`FOLDABLE`), the page says so (`reportFolded`, re-emitted as
`foldChosen`) so the choice can be kept for the next start.

The areas shown are also the ones a post is "outside" of: its popup says
so, and with `set_hide_outside(True)` such points are not sent at all.

Location kinds travel as small integers, their index in
`core.post.LOCATION_KINDS`; the page learns that table (names and labels)
from the configure message, so it is written down only once.
"""

from __future__ import annotations

import base64
import json
import logging
import math
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance, Slot

from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.palette import term_colors
from geotweets_desktop.core.point_batch import decode_points, encode_blob, point_columns
from geotweets_desktop.core.post import LOCATION_KINDS, LocationKind, Post
from geotweets_desktop.core.store import StoredPoint
from geotweets_desktop.core.view_state import ViewState, ViewStateError, state_from_json
from geotweets_desktop.ui.map import point_feed

log = logging.getLogger(__name__)

# How the legend and the popups name each kind.
KIND_LABELS: dict[LocationKind, str] = {
    "exact": "Exact point",
    "place": "Place",
    "profile": "Profile text",
}
KIND_CODES: dict[str, int] = {kind: code for code, kind in enumerate(LOCATION_KINDS)}
# The most posts one page of a stack's list asks for (the page asks for 20).
MAX_LISTED = 100
KIND_TABLE = [{"name": kind, "label": KIND_LABELS[kind]} for kind in LOCATION_KINDS]
# The parts of the page the user can fold away, as the page names them.
FOLDABLE = ("lists", "legend")


def to_json(value: Any) -> str:
    # ASCII-only JSON: U+2028/2029 and every other non-ASCII character travel
    # as \u escapes, so nothing on the way can read them as line breaks.
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)


class MapBridge(QObject):
    # The wire to the page (JSON text). Python code calls the methods below.
    configured = Signal(str)
    pointsAdded = Signal(str)
    pointBlobsAdded = Signal(str)  # base64 of point blobs one after another
    pointPartsOffered = Signal(str)  # {url, parts: [points in each part]}
    pointsCleared = Signal()
    postShown = Signal(str)
    postsListed = Signal(str)
    areasShown = Signal(str)
    textFiltered = Signal(str)
    textFilterProgressed = Signal(str)
    viewApplied = Signal(str)
    foldSet = Signal(str)  # {"part": one of FOLDABLE, "folded": bool}

    # Page -> Python, re-emitted for the Qt side.
    ready = Signal()
    postRequested = Signal(int)
    postsRequested = Signal(list)  # [int] keys, at most MAX_LISTED
    postLinkRequested = Signal(int)
    areaDrawn = Signal(str)
    areaChanged = Signal(int, str)
    areaDeleted = Signal(int)
    textFilterRequested = Signal(str)  # the words typed
    textMatchesRequested = Signal(str, list)  # the words, [int] keys of new posts
    viewReported = Signal()
    foldChosen = Signal(str, bool)  # the part (FOLDABLE), True: folded

    def __init__(self, tile_url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tile_url = tile_url
        self.is_ready = False
        self._term_index: dict[str, int] = {}
        self._held_configuration: str | None = None
        self._held_points: list[tuple[SignalInstance, str]] = []  # (signal, message), in order
        self._feed: str | None = None
        self._areas: list[Area] = []
        self._held_areas: str | None = None
        self.hide_outside = False
        self._held_view: str | None = None
        self._held_folds: dict[str, str] = {}  # part -> message
        # What the page last said it shows; None until it has said.
        self.view_state: ViewState | None = None
        # The page learns the tile server and the tables even before a session.
        self.configure([], synthetic=False, source_label="")

    # -- Python -> page --------------------------------------------------------

    def configure(self, terms: Sequence[str], *, synthetic: bool, source_label: str) -> None:
        """What the session searches for (each term's colour), where its posts
        come from, and the tables the page needs to read later messages."""
        self._term_index = {t: i for i, t in enumerate(terms)}
        message = to_json(
            {
                "terms": term_colors(list(terms)),
                "kinds": KIND_TABLE,
                "synthetic": synthetic,
                "sourceLabel": source_label,
                "tileUrl": self.tile_url,
            }
        )
        if self.is_ready:
            self.configured.emit(message)
        else:
            self._held_configuration = message

    def add_points(self, points: Sequence[StoredPoint]) -> None:
        """Columns, not objects (`core.point_batch`): smaller JSON and a tight
        loop in the page. A point of a kind the table does not know (a store written by another
        version) stays stored but is not drawn."""
        known = [p for p in points if p.kind in KIND_CODES]
        if len(known) < len(points):
            log.warning(
                "%d points with an unknown location kind are not drawn", len(points) - len(known)
            )
        if self.hide_outside and self._areas:
            known = [p for p in known if self._inside(p.lon, p.lat)]
        if not known:
            return
        self._send_points(self.pointsAdded, to_json(point_columns(known)))

    def add_point_blobs(self, blobs: bytes) -> None:
        """New points as the store wrote them (blobs one after another,
        `core.point_batch`), passed on as they are in base64: the page reads
        them as it reads a reopened session's parts, a few hundred points a
        task. With *Hide posts outside*, the points outside every area are
        taken out first (the only case that looks at each point here)."""
        if self.hide_outside and self._areas:
            inside = [p for p in decode_points(blobs) if self._inside(p.lon, p.lat)]
            if not inside:
                return
            blobs = encode_blob(inside)
        self._send_points(self.pointBlobsAdded, base64.b64encode(blobs).decode("ascii"))

    def offer_point_parts(self, sizes: Sequence[int], read_part: point_feed.PartReader) -> None:
        """Binary parts for the page to fetch, `sizes[n]` points in part n,
        read by `read_part(n)` when asked (see point_feed.py). Withdrawn at
        the next clear or offer."""
        self.withdraw_point_parts()
        self._feed = point_feed.offer(len(sizes), read_part)
        message = to_json({"url": f"points/{self._feed}/", "parts": list(sizes)})
        self._send_points(self.pointPartsOffered, message)

    def _send_points(self, signal: SignalInstance, message: str) -> None:
        if self.is_ready:
            signal.emit(message)
        else:
            self._held_points.append((signal, message))

    def withdraw_point_parts(self) -> None:
        """Serve no more of the parts offered (the page is told by a 404)."""
        if self._feed is not None:
            point_feed.withdraw(self._feed)
            self._feed = None

    def clear_points(self) -> None:
        self._held_points = []
        self.withdraw_point_parts()
        if self.is_ready:
            self.pointsCleared.emit()

    def show_post(self, key: int, post: Post) -> None:
        """The popup of one located post; the page sets every field as text."""
        loc = post.location
        if loc is None:
            return
        self.postShown.emit(
            to_json(
                {
                    **_post_fields(key, post),
                    "kind": KIND_CODES.get(loc.kind, -1),
                    "place_label": loc.label,
                    "radius_m": loc.radius_m,
                    "lon": loc.lon,
                    "lat": loc.lat,
                    "url": post.url,
                    "synthetic": post.synthetic,
                    "outside": bool(self._areas) and not self._inside(loc.lon, loc.lat),
                }
            )
        )

    def list_posts(self, keys: Sequence[int], posts: Sequence[tuple[int, Post]]) -> None:
        """A page of a stack's list: `keys` as asked (so the page can tell
        answers apart), the posts found for them with what a row shows."""
        index = self._term_index
        self.postsListed.emit(
            to_json(
                {
                    "keys": list(keys),
                    "posts": [
                        {
                            **_post_fields(key, post),
                            "terms": [index[t] for t in post.terms if t in index],
                        }
                        for key, post in posts
                    ],
                }
            )
        )

    def show_areas(self, areas: Sequence[Area]) -> None:
        """The areas followed, drawn on the map (and what posts are outside of)."""
        self._areas = list(areas)
        message = to_json([{**area.to_json(), "label": area.label} for area in areas])
        if self.is_ready:
            self.areasShown.emit(message)
        else:
            self._held_areas = message

    def answer_text_filter(self, query: str, scope: str, keys: Sequence[int] | None) -> None:
        """The keys whose text holds `query`: of the whole session (`scope`
        "session"), or of the new posts the page asked about ("new"); None
        when the query holds no words (no filter)."""
        message = {"query": query, "scope": scope, "keys": None if keys is None else list(keys)}
        self.textFiltered.emit(to_json(message))

    def show_text_filter_progress(self, query: str, fraction: float) -> None:
        """How much of the session a text search has read, 0..1."""
        self.textFilterProgressed.emit(to_json({"query": query, "fraction": fraction}))

    def apply_view(self, state: ViewState) -> None:
        """Show a saved view: centre, zoom, mode and filters (the page finds
        the terms, kinds and languages it names by name)."""
        message = to_json(state.to_json())
        if self.is_ready:
            self.viewApplied.emit(message)
        else:
            self._held_view = message

    def fold(self, part: str, folded: bool) -> None:
        """Fold (or show) a part of the page (`FOLDABLE`), as the user chose
        before: the page then keeps to it whatever the window's size."""
        message = to_json({"part": part, "folded": folded})
        if self.is_ready:
            self.foldSet.emit(message)
        else:
            self._held_folds[part] = message

    def set_hide_outside(self, hide: bool) -> None:
        """Leave out of later `add_points` and `add_point_blobs` the points outside every area."""
        self.hide_outside = hide

    def _inside(self, lon: float, lat: float) -> bool:
        return any(area.contains(lon, lat) for area in self._areas)

    # -- page -> Python --------------------------------------------------------

    @Slot()
    def reportReady(self) -> None:
        self.is_ready = True
        if self._held_configuration is not None:
            self.configured.emit(self._held_configuration)
            self._held_configuration = None
        if self._held_areas is not None:
            self.areasShown.emit(self._held_areas)
            self._held_areas = None
        held, self._held_points = self._held_points, []
        for signal, message in held:
            signal.emit(message)
        if self._held_view is not None:
            self.viewApplied.emit(self._held_view)
            self._held_view = None
        held_folds, self._held_folds = self._held_folds, {}
        for message in held_folds.values():
            self.foldSet.emit(message)
        self.ready.emit()

    @Slot(float)
    def requestPost(self, key: float) -> None:
        self.postRequested.emit(int(key))

    @Slot(str)
    def requestPosts(self, keys_json: str) -> None:
        """A JSON array of keys from the page; anything else is ignored."""
        keys = _keys_from_json(keys_json)
        if keys is None:
            log.warning("the page asked for posts with a malformed list of keys")
            return
        self.postsRequested.emit(keys[:MAX_LISTED])

    @Slot(str)
    def requestTextFilter(self, query: str) -> None:
        self.textFilterRequested.emit(query)

    @Slot(str, str)
    def requestTextMatches(self, query: str, keys_json: str) -> None:
        """New posts to judge against the text filter: a JSON array of keys."""
        keys = _keys_from_json(keys_json)
        if keys is None:
            log.warning("the page asked about new posts with a malformed list of keys")
            return
        self.textMatchesRequested.emit(query, keys)

    @Slot(str)
    def reportView(self, state_json: str) -> None:
        """What the page shows now (view_state.js); a malformed report is ignored."""
        try:
            state = state_from_json(json.loads(state_json))
        except (ValueError, ViewStateError) as exc:
            log.warning("the page reported a malformed view: %s", exc)
            return
        self.view_state = state
        self.viewReported.emit()

    @Slot(str, bool)
    def reportFolded(self, part: str, folded: bool) -> None:
        """The user folded (True) or unfolded a part of the page."""
        if part in FOLDABLE:
            self.foldChosen.emit(part, bool(folded))

    @Slot(float)
    def openPost(self, key: float) -> None:
        self.postLinkRequested.emit(int(key))

    @Slot(str)
    def drawArea(self, area_json: str) -> None:
        self.areaDrawn.emit(area_json)

    @Slot(float, str)
    def changeArea(self, index: float, area_json: str) -> None:
        self.areaChanged.emit(int(index), area_json)

    @Slot(float)
    def deleteArea(self, index: float) -> None:
        self.areaDeleted.emit(int(index))


def _keys_from_json(keys_json: str) -> list[int] | None:
    """A JSON array of post keys from the page, or None for anything else."""
    try:
        keys = json.loads(keys_json)
    except ValueError:
        return None
    if not isinstance(keys, list) or not all(
        isinstance(k, int | float) and not isinstance(k, bool) and math.isfinite(k) for k in keys
    ):
        return None
    return [int(k) for k in keys]


def _post_fields(key: int, post: Post) -> dict[str, object]:
    """What both the popup and a stack's list show of a post (all set as text)."""
    return {
        "key": key,
        "author_name": post.author_name,
        "author_handle": post.author_handle,
        "text": post.text,
        "created_at": post.created_at.isoformat() if post.created_at else "",
        "time_from_id": post.time_from_id,
    }
