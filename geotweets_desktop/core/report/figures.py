"""What a session caught, in figures: the summary card and the report file show them.

`session_figures(store_path, session_id)` walks the session's posts once, copying
the few columns the figures need (no payloads, no text but for posts with a
`#`) into a temporary table; each figure (terms, the peak minute, places,
hashtags, languages, the timeline, the map's cells) is then one query on
that small table. A query a figure on the posts table itself would read the
whole table again each time, payloads and all: for a million posts, that
is gigabytes a figure.

The walk takes most of the time (half a minute for a million posts on a
busy machine), so it goes by ranges of row ids, and `progress` hears after
each how many posts were read and how far through the session's rows it is.

Times are the posts' own (`created_at`), never their arrival, in whole
Unix seconds; bins follow core/time_bins.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from geotweets_desktop.core import x_text
from geotweets_desktop.core.post import LOCATION_KINDS
from geotweets_desktop.core.store import SessionInfo, SessionStore
from geotweets_desktop.core.time_bins import bin_range, bin_step

TOP_ROWS = 10
# Located posts are gathered on a grid of this many cells a degree for the map.
MAP_CELLS_PER_DEGREE = 10

# The full-width number sign (U+FF03), which starts a hashtag as `#` does:
# only texts holding one of the two are handed to x_text.hashtags.
_WIDE_HASH = "\uff03"

# Rows read between two progress reports.
CHUNK_ROWS = 50_000

# The one walk over the session's posts, a range of row ids at a time: NOT
# INDEXED keeps SQLite on that range (the session's index would have it read
# every post of the session for each range). Cells are counted from the
# antimeridian and the south pole, so the integer cast is a floor.
_SELECT = f"""
SELECT
    CAST(strftime('%s', created_at) AS INTEGER) AS t,
    terms,
    lon IS NOT NULL AS located,
    kind,
    CAST((lon + 180) * {MAP_CELLS_PER_DEGREE} AS INTEGER) AS x,
    CAST((lat + 90) * {MAP_CELLS_PER_DEGREE} AS INTEGER) AS y,
    CASE WHEN lon IS NOT NULL THEN place_label END AS place,
    lang,
    CASE WHEN instr(text, '#') OR instr(text, char({ord(_WIDE_HASH)})) THEN text END AS tagged
FROM posts NOT INDEXED WHERE rowid BETWEEN ? AND ? AND session_id = ?
"""
_CREATE = "CREATE TEMP TABLE report AS" + _SELECT  # with an empty range: the columns only
_COPY = "INSERT INTO report" + _SELECT

# How many posts have been read, and the share of the session's rows read.
Progress = Callable[[int, float], None]


@dataclass(frozen=True, slots=True)
class TermFigures:
    """Posts of a session that matched `term` ("" for posts that matched none)."""

    term: str
    received: int
    located: int


@dataclass(frozen=True, slots=True)
class Timeline:
    """Posts per bin (see core/time_bins.py), all together and per term.

    Bin `i` starts at `start + i * step` (Unix seconds); `by_term[t]` follows
    `SessionFigures.terms[t]`."""

    start: int
    step: int
    total: tuple[int, ...]
    by_term: tuple[tuple[int, ...], ...]

    def bin_start(self, index: int) -> int:
        return self.start + index * self.step


@dataclass(frozen=True, slots=True)
class MapCell:
    """Located posts in one grid cell (`MAP_CELLS_PER_DEGREE`), and the term most
    of them matched (an index into `SessionFigures.terms`, -1 for none)."""

    lon: float  # the cell's west edge
    lat: float  # its south edge
    posts: int
    term: int


@dataclass(frozen=True, slots=True)
class SessionFigures:
    session: SessionInfo
    received: int
    located: int
    terms: tuple[str, ...]  # the session's terms, then any other its posts carry
    by_term: tuple[TermFigures, ...]  # one per term; a last one ("") for posts matching none
    kinds: Mapping[str, int]
    first_post: datetime | None
    last_post: datetime | None
    posts_without_time: int
    peak_minute: datetime | None
    peak_minute_posts: int
    top_places: tuple[tuple[str, int], ...]
    top_hashtags: tuple[tuple[str, int], ...]
    top_languages: tuple[tuple[str, int], ...]
    timeline: Timeline | None
    map_cells: tuple[MapCell, ...] = field(repr=False)

    @property
    def duration_s(self) -> float | None:
        """How long the session ran; None when it was cut short (no end stored)."""
        session = self.session
        if session.ended_at is None:
            return None
        return max(0.0, (session.ended_at - session.started_at).total_seconds())


def session_figures(
    store_path: Path,
    session_id: int,
    progress: Progress | None = None,
    *,
    chunk_rows: int = CHUNK_ROWS,
) -> SessionFigures:
    """The figures of one session of the store at `store_path` (KeyError if
    there is none). It opens the store itself, so any thread may call it
    (the window counts in the background while it goes on storing, and
    shows `progress`, told after each `chunk_rows` row ids)."""
    store = SessionStore(store_path)
    try:
        session = store.session(session_id, counted=False)  # counted below
    finally:
        store.close()
    if session is None:
        raise KeyError(session_id)
    db = sqlite3.connect(store_path)
    try:
        _copy(db, session_id, progress, chunk_rows)
        return _figures(db, session)
    finally:
        db.close()


def _copy(
    db: sqlite3.Connection, session_id: int, progress: Progress | None, chunk_rows: int
) -> None:
    db.execute(_CREATE, (1, 0, session_id))
    first, last = db.execute(
        "SELECT min(rowid), max(rowid) FROM posts WHERE session_id = ?", (session_id,)
    ).fetchone()
    if first is None:
        return
    read = 0
    for start in range(first, last + 1, chunk_rows):
        end = min(start + chunk_rows - 1, last)
        read += db.execute(_COPY, (start, end, session_id)).rowcount
        if progress is not None:
            progress(read, (end - first + 1) / (last - first + 1))


def _figures(db: sqlite3.Connection, session: SessionInfo) -> SessionFigures:
    # A grouped query a figure on the small table: by time and terms, by
    # kind and place, by map cell and terms, by language; then the texts
    # with a hashtag.
    first, last, without_time = db.execute(
        "SELECT min(t), max(t), count(*) - count(t) FROM report"
    ).fetchone()
    # Per second while the span may need bins under a minute, else per minute.
    unit = 1 if first is None or bin_step(first, last) < 60 else 60
    by_time = db.execute(
        "SELECT t / ?, terms, count(*), sum(located) FROM report GROUP BY 1, 2", (unit,)
    ).fetchall()
    term_sets = {stored: tuple(json.loads(stored)) for stored in {row[1] for row in by_time}}
    terms = list(session.terms)
    for term_set in term_sets.values():
        terms.extend(t for t in term_set if t not in terms)
    index = {term: i for i, term in enumerate(terms)}
    received = Counter[str]()
    located = Counter[str]()
    per_minute = Counter[int]()
    for when, stored, posts, posts_located in by_time:
        for term in term_sets[stored] or ("",):
            received[term] += posts
            located[term] += posts_located
        if when is not None:
            per_minute[when * unit // 60] += posts
    by_term = [TermFigures(t, received[t], located[t]) for t in terms]
    if received[""]:
        by_term.append(TermFigures("", received[""], located[""]))
    # The earliest of the busiest minutes.
    peak = min(per_minute.items(), key=lambda item: (-item[1], item[0]), default=None)
    kinds = Counter[str]()
    places = Counter[str]()
    for kind, place, posts in db.execute(
        "SELECT kind, place, count(*) FROM report WHERE located GROUP BY 1, 2"
    ):
        kinds[kind] += posts
        if place:
            places[place] += posts
    cells = Counter[tuple[int, int, int]]()
    for x, y, stored, posts in db.execute(
        "SELECT x, y, terms, count(*) FROM report WHERE located GROUP BY 1, 2, 3"
    ):
        term_set = term_sets[stored]
        cells[(x, y, index[term_set[0]] if term_set else -1)] += posts
    langs = Counter[str]()
    for lang, posts in db.execute("SELECT lang, count(*) FROM report GROUP BY lang"):
        langs[lang or "unknown"] += posts
    hashtags = Counter[str]()
    for (text,) in db.execute("SELECT tagged FROM report WHERE tagged IS NOT NULL"):
        hashtags.update(x_text.hashtags(text))
    total = sum(row[2] for row in by_time)
    total_located = sum(row[3] for row in by_time)
    return SessionFigures(
        session=replace(session, received=total, located=total_located),
        received=total,
        located=total_located,
        terms=tuple(terms),
        by_term=tuple(by_term),
        kinds={kind: kinds[kind] for kind in LOCATION_KINDS},
        first_post=_utc(first) if first is not None else None,
        last_post=_utc(last) if last is not None else None,
        posts_without_time=int(without_time),
        peak_minute=_utc(peak[0] * 60) if peak else None,
        peak_minute_posts=peak[1] if peak else 0,
        top_places=_top(places),
        top_hashtags=_top(hashtags),
        top_languages=_top(langs),
        timeline=_timeline(first, last, unit, by_time, term_sets, index),
        map_cells=_map_cells(cells),
    )


def _timeline(
    first: int | None,
    last: int | None,
    unit: int,
    by_time: Sequence[tuple[int | None, str, int, int]],
    term_sets: Mapping[str, tuple[str, ...]],
    index: Mapping[str, int],
) -> Timeline | None:
    if first is None or last is None:
        return None
    start, step, bins = bin_range(first, last)
    total = [0] * bins
    by_term = [[0] * bins for _ in index]
    first_bin = start // step
    for when, stored, posts, _located in by_time:
        if when is None:
            continue
        i = when * unit // step - first_bin
        total[i] += posts
        for term in term_sets[stored]:
            by_term[index[term]][i] += posts
    return Timeline(start, step, tuple(total), tuple(tuple(row) for row in by_term))


def _map_cells(cells: Counter[tuple[int, int, int]]) -> tuple[MapCell, ...]:
    posts: Counter[tuple[int, int]] = Counter()
    for (x, y, _term), n in cells.items():
        posts[(x, y)] += n
    dominant = dominant_terms(cells)
    size = 1 / MAP_CELLS_PER_DEGREE
    return tuple(
        MapCell(x * size - 180, y * size - 90, n, dominant[(x, y)]) for (x, y), n in posts.items()
    )


def dominant_terms(counts: Mapping[tuple[int, int, int], int]) -> dict[tuple[int, int], int]:
    """For each place `(x, y)` of `counts[(x, y, term)]`, the term with the most
    posts there; ties go to the earlier term, and to any term before none (-1)."""

    def rank(item: tuple[tuple[int, int, int], int]) -> tuple[int, int]:
        (_x, _y, term), posts = item
        return posts, -term if term >= 0 else -(1 << 30)

    best: dict[tuple[int, int], tuple[tuple[int, int, int], int]] = {}
    for item in counts.items():
        x, y, _term = item[0]
        held = best.get((x, y))
        if held is None or rank(item) > rank(held):
            best[(x, y)] = item
    return {place: item[0][2] for place, item in best.items()}


def _top(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    """The largest counts, ties in name order (so a report reads the same each time)."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(ranked[:TOP_ROWS])


def _utc(unix_s: int) -> datetime:
    return datetime.fromtimestamp(unix_s, UTC)
