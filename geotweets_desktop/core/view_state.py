"""What the map shows: its centre, zoom and mode, and the filters set on it.

The page reports this state (debounced) as JSON; a saved view is the same
state with a name and the stored session it belongs to, kept in the store
(`core/saved_views.py`) or in a small JSON file shared with other people:

    {"geotweets_view": 2, "name": "Storm over Lisbon",
     "session": {"id": 12, "started_at": "2026-11-30T21:00:00+00:00",
                 "source": "X live stream", "terms": ["rain", "sun"]},
     "center": [38.72, -9.14], "zoom": 9, "mode": "heat",
     "heat": {"scale": "quantile", "term": "rain"},
     "filters": {"brush": [1764536400, 1764540000], "termsOff": ["sun"],
                 "noTermOff": false, "kindsOff": ["profile"],
                 "langs": ["en", "pt"], "tags": ["flood"], "places": ["Lisboa"],
                 "authors": null, "text": "flood"}}

`heat` is how heat colours its squares (`scale`: log or quantile) and
whose posts it counts (`term`: a term's name, null for every post).
`brush` is [t0, t1) in Unix seconds of the posts' own time, or null;
`termsOff` names the session's terms switched off (`noTermOff`: the posts
matching none); `kindsOff` the location kinds switched off; `langs` the
languages kept (X's codes, "" for unknown), null for all; `tags`, `places`
and `authors` the hashtags (lower case, without "#"), place labels and
author handles of which a post must have one, null for any; `text` the
words the posts must contain, "" for no text filter.

Format 2 added `heat`, `tags`, `places` and `authors`; a format 1 file
(which has none of them) reads as before. A newer app's file is refused
with a sentence rather than read without parts it may depend on.

A view file comes from someone else, so everything in it is checked and a
fault is one line (ViewStateError) naming the field; text stays text.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from geotweets_desktop.core.area.model import AreaError, BoxArea, make_box
from geotweets_desktop.core.post import LOCATION_KINDS

VIEW_FORMAT = 2  # the "geotweets_view" number this version writes (and reads, with 1)
MODES = ("points", "heat", "auto")
Mode = Literal["points", "heat", "auto"]
HEAT_SCALES = ("log", "quantile")
HeatScale = Literal["log", "quantile"]
MAX_ZOOM = 22.0
MAX_NAME_CHARS = 200
MAX_TEXT_CHARS = 500
MAX_LIST_ITEMS = 1000  # terms or languages named in one view
MAX_FILE_BYTES = 1 << 20  # a view is a few hundred bytes; a big file is not one


_T = TypeVar("_T")


class ViewStateError(ValueError):
    """A view (a file, the page's report) is not usable; the message is one line."""


@dataclass(frozen=True, slots=True)
class Filters:
    """What the page hides; the defaults hide nothing."""

    brush: tuple[float, float] | None = None
    terms_off: frozenset[str] = frozenset()
    no_term_off: bool = False
    kinds_off: frozenset[str] = frozenset()
    langs: frozenset[str] | None = None
    tags: frozenset[str] | None = None  # lower case, as core/x_text.hashtags finds them
    places: frozenset[str] | None = None  # place labels
    authors: frozenset[str] | None = None  # handles
    text: str = ""

    @property
    def active(self) -> bool:
        return self != Filters()

    def to_json(self) -> dict[str, Any]:
        return {
            "brush": list(self.brush) if self.brush is not None else None,
            "termsOff": sorted(self.terms_off),
            "noTermOff": self.no_term_off,
            "kindsOff": [k for k in LOCATION_KINDS if k in self.kinds_off],
            "langs": _sorted_or_none(self.langs),
            "tags": _sorted_or_none(self.tags),
            "places": _sorted_or_none(self.places),
            "authors": _sorted_or_none(self.authors),
            "text": self.text,
        }


def _sorted_or_none(names: frozenset[str] | None) -> list[str] | None:
    return sorted(names) if names is not None else None


@dataclass(frozen=True, slots=True)
class ViewState:
    """The map's centre [lat, lon], zoom, mode, filters, and the part of the
    world in view [west, south, east, north] (None when not known)."""

    center: tuple[float, float] = (20.0, 0.0)
    zoom: float = 2.0
    mode: Mode = "points"
    heat_scale: HeatScale = "log"
    heat_term: str | None = None  # a term's name: heat of its posts only
    filters: Filters = field(default_factory=Filters)
    bounds: tuple[float, float, float, float] | None = None

    def visible_area(self) -> BoxArea | None:
        """The part of the world in view as an area (None when not known)."""
        if self.bounds is None:
            return None
        try:
            return make_box(*self.bounds)
        except AreaError:
            return None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "center": list(self.center),
            "zoom": self.zoom,
            "mode": self.mode,
            "heat": {"scale": self.heat_scale, "term": self.heat_term},
            "filters": self.filters.to_json(),
        }
        if self.bounds is not None:
            out["bounds"] = list(self.bounds)
        return out


@dataclass(frozen=True, slots=True)
class SessionRef:
    """The stored session a view belongs to: its id, and what tells it apart
    from another store's session with the same id (when it started)."""

    id: int
    started_at: datetime
    source: str = ""
    terms: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "started_at": self.started_at.isoformat(),
            "source": self.source,
            "terms": list(self.terms),
        }


@dataclass(frozen=True, slots=True)
class SavedView:
    name: str
    session: SessionRef
    state: ViewState

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "geotweets_view": VIEW_FORMAT,
            "name": self.name,
            "session": self.session.to_json(),
        }
        out.update(self.state.to_json())
        out.pop("bounds", None)  # follows from centre and zoom on the screen it opens on
        return out

    def to_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"


def describe_filters(filters: Filters) -> str:
    """What `filters` hide, in a few words ("no filters" when nothing)."""
    parts = []
    if filters.brush is not None:
        parts.append("a time range")
    if filters.terms_off or filters.no_term_off:
        parts.append("terms hidden")
    if filters.kinds_off:
        parts.append(
            "kinds hidden: " + ", ".join(k for k in LOCATION_KINDS if k in filters.kinds_off)
        )
    if filters.langs is not None:
        parts.append("languages: " + (", ".join(sorted(filters.langs)) or "none"))
    if filters.tags is not None:
        parts.append("hashtags: " + (", ".join("#" + t for t in sorted(filters.tags)) or "none"))
    if filters.places is not None:
        parts.append("places: " + (", ".join(sorted(filters.places)) or "none"))
    if filters.authors is not None:
        parts.append("by " + (", ".join("@" + a for a in sorted(filters.authors)) or "none"))
    if filters.text:
        parts.append(f"text: {filters.text}")
    return "; ".join(parts) if parts else "no filters"


# -- reading ---------------------------------------------------------------------


def state_from_json(obj: object) -> ViewState:
    """The page's report (or a view's map part); ViewStateError when malformed."""
    where = _Fields(obj, "the view")
    center = where.numbers("center", 2)
    lat, lon = center
    if not -90.0 <= lat <= 90.0 or not -180.0 <= lon <= 180.0:
        raise ViewStateError(f"center must be [latitude, longitude] in range, not {center}")
    zoom = where.number("zoom")
    if not 0.0 <= zoom <= MAX_ZOOM:
        raise ViewStateError(f"zoom must be from 0 to {MAX_ZOOM:g}, not {zoom:g}")
    mode = where.get("mode", str)
    if mode not in MODES:
        raise ViewStateError(f"mode must be one of {', '.join(MODES)}, not {_quoted(mode)}")
    heat = _Fields(where.get("heat", dict, {}), "heat")
    scale = heat.get("scale", str, "log")
    if scale not in HEAT_SCALES:
        raise ViewStateError(
            f"heat.scale must be one of {', '.join(HEAT_SCALES)}, not {_quoted(scale)}"
        )
    heat_term = heat.get("term", str, "") or None
    if heat_term is not None and len(heat_term) > MAX_NAME_CHARS:
        raise ViewStateError(f"heat.term is longer than {MAX_NAME_CHARS} characters")
    bounds = None
    if where.has("bounds"):
        west, south, east, north = where.numbers("bounds", 4)
        if not (-90.0 <= south <= north <= 90.0 and west <= east):
            raise ViewStateError("bounds must be [west, south, east, north]")
        bounds = (west, south, east, north)
    return ViewState(
        center=(lat, lon),
        zoom=zoom,
        mode=cast(Mode, mode),
        heat_scale=cast(HeatScale, scale),
        heat_term=heat_term,
        filters=filters_from_json(where.get("filters", dict, {})),
        bounds=bounds,
    )


def filters_from_json(obj: object) -> Filters:
    where = _Fields(obj, "filters")
    brush = None
    if where.has("brush"):
        t0, t1 = where.numbers("brush", 2)
        if not t0 < t1:
            raise ViewStateError("filters.brush must be [start, end) with start before end")
        brush = (t0, t1)
    kinds_off = where.strings("kindsOff")
    unknown = kinds_off - set(LOCATION_KINDS)
    if unknown:
        raise ViewStateError(
            f"filters.kindsOff: {_quoted(sorted(unknown)[0])} is not one of "
            + ", ".join(LOCATION_KINDS)
        )
    langs = where.strings("langs") if where.has("langs") else None
    tags = where.strings("tags") if where.has("tags") else None
    if tags is not None:
        # As core/x_text.hashtags finds them: without "#", NFC, lower case.
        tags = frozenset(unicodedata.normalize("NFC", t.removeprefix("#")).lower() for t in tags)
        if "" in tags:
            raise ViewStateError("filters.tags: a hashtag cannot be empty")
    places = where.strings("places") if where.has("places") else None
    authors = where.strings("authors") if where.has("authors") else None
    text = where.get("text", str, "")
    if len(text) > MAX_TEXT_CHARS:
        raise ViewStateError(f"filters.text is longer than {MAX_TEXT_CHARS} characters")
    return Filters(
        brush=brush,
        terms_off=where.strings("termsOff"),
        no_term_off=where.get("noTermOff", bool, False),
        kinds_off=kinds_off,
        langs=langs,
        tags=tags,
        places=places,
        authors=authors,
        text=text,
    )


def saved_view_from_json(obj: object) -> SavedView:
    if not isinstance(obj, dict) or "geotweets_view" not in obj:
        raise ViewStateError('not a GeoTweets view (no "geotweets_view" number)')
    where = _Fields(obj, "the view")
    version = obj["geotweets_view"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ViewStateError(f"geotweets_view must be a view format number, not {version!r:.40}")
    if version > VIEW_FORMAT:
        raise ViewStateError(
            f"written by a newer GeoTweets (view format {version}; this one reads "
            f"{VIEW_FORMAT}): please update"
        )
    name = where.get("name", str).strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise ViewStateError(f"name must be 1 to {MAX_NAME_CHARS} characters")
    session = _Fields(where.get("session", dict), "session")
    session_id = session.get("id", int)
    if session_id < 1:
        raise ViewStateError(f"session.id must be a positive number, not {session_id}")
    started = session.get("started_at", str)
    try:
        started_at = datetime.fromisoformat(started)
    except ValueError:
        raise ViewStateError(f"session.started_at is not a time: {_quoted(started)}") from None
    if started_at.tzinfo is None:
        raise ViewStateError("session.started_at must say its time zone (as the app writes it)")
    ref = SessionRef(
        id=session_id,
        started_at=started_at,
        source=session.get("source", str, ""),
        terms=session.string_list("terms"),
    )
    return SavedView(name=name, session=ref, state=state_from_json(obj))


def saved_view_from_text(text: str) -> SavedView:
    try:
        obj = json.loads(text)
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        line = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ViewStateError(f"not a GeoTweets view: not JSON{line}: {reason}") from None
    return saved_view_from_json(obj)


def read_view_file(path: Path) -> SavedView:
    """A view file; ViewStateError (one line, naming the file) when it cannot be used."""
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ViewStateError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ViewStateError(f"{path}: not a GeoTweets view (over {MAX_FILE_BYTES >> 10} KB)")
    try:
        return saved_view_from_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ViewStateError(f"{path}: not a GeoTweets view (not UTF-8 text)") from None
    except ViewStateError as exc:
        raise ViewStateError(f"{path}: {exc}") from None


def write_view_file(view: SavedView, path: Path) -> None:
    """Write `view` to `path` (OSError for disk faults)."""
    path.write_text(view.to_text(), encoding="utf-8")


# -- checking fields ---------------------------------------------------------------


_KIND_WORDS: dict[type, str] = {
    str: "text",
    bool: "true or false",
    int: "a whole number",
    list: "a list",
    dict: "an object",
}


class _Fields:
    """Typed reads of one JSON object's fields, each fault one line."""

    def __init__(self, obj: object, what: str) -> None:
        if not isinstance(obj, dict):
            raise ViewStateError(f"{what} must be a JSON object")
        self._obj: dict[str, object] = obj
        self._prefix = "" if what == "the view" else what + "."

    def has(self, name: str) -> bool:
        return self._obj.get(name) is not None

    def get(self, name: str, kind: type[_T], default: _T | None = None) -> _T:
        """The field, of type `kind`; `default` when it is missing or null
        (no default: it must be there)."""
        value = self._obj.get(name)
        if value is None and default is not None:
            return default
        is_bool = isinstance(value, bool)
        if not isinstance(value, kind) or (is_bool and kind is not bool):
            wanted = _KIND_WORDS.get(kind, kind.__name__)
            found = "missing" if value is None else f"{type(value).__name__} {value!r:.40}"
            raise ViewStateError(f"{self._prefix}{name} must be {wanted}, not {found}")
        return value

    def number(self, name: str) -> float:
        value = self._obj.get(name)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ViewStateError(f"{self._prefix}{name} must be a number, not {value!r:.40}")
        return float(value)

    def numbers(self, name: str, count: int) -> list[float]:
        values = self._obj.get(name)
        if (
            not isinstance(values, list)
            or len(values) != count
            or not all(_finite(v) for v in values)
        ):
            raise ViewStateError(
                f"{self._prefix}{name} must be a list of {count} numbers, not {values!r:.60}"
            )
        return [float(v) for v in values]

    def strings(self, name: str) -> frozenset[str]:
        return frozenset(self.string_list(name))

    def string_list(self, name: str) -> tuple[str, ...]:
        values = self._obj.get(name)
        if values is None:
            return ()
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ViewStateError(f"{self._prefix}{name} must be a list of texts")
        if len(values) > MAX_LIST_ITEMS or any(len(v) > MAX_NAME_CHARS for v in values):
            raise ViewStateError(f"{self._prefix}{name} is too long to be a view's")
        return tuple(values)


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _quoted(value: object) -> str:
    """A value from a file, shown in an error: quoted, control characters escaped, short."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"
