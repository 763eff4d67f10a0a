"""What a session caught, in figures: the summary card and the report file show them.

`session_figures(store, session_id)` reads the session's posts once, in one
pass over a few columns (no payloads), and counts as it goes. A session of a
million posts is one table walk: figures for every part (terms, the peak
minute, places, hashtags, languages, the timeline, the map's cells) come from
it, never a query per part, since each query would read the whole table again.

Times are the posts' own (`created_at`), never their arrival. Posts are
counted per second only while the session spans at most
`SECOND_BINS_UP_TO_S` (the longest span whose timeline bins are shorter
than a minute); beyond that per minute, which every longer bin is made of.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from geotweets_desktop.core.post import LOCATION_KINDS
from geotweets_desktop.core.store import ReportRow, SessionInfo, SessionStore
from geotweets_desktop.core.time_bins import BIN_LADDER_S, MAX_BINS, bin_range

TOP_ROWS = 10
# Spans up to this get bins of under a minute (see time_bins.bin_step).
SECOND_BINS_UP_TO_S = BIN_LADDER_S[3] * MAX_BINS
# Located posts are gathered on a grid of this many cells a degree for the map.
MAP_CELLS_PER_DEGREE = 10
READ_CHUNK = 20_000

# A hashtag as X finds one: `#` or the full-width number sign (U+FF03) not
# glued to a word, then word characters, at least one of them not a digit
# (`#2026` is no tag).
_WIDE_HASH = "\uff03"
_HASHTAG = re.compile(rf"(?<![\w&#{_WIDE_HASH}@])[#{_WIDE_HASH}](\w*[^\W\d]\w*)")

Progress = Callable[[int], None]  # posts read so far


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
    store: SessionStore, session_id: int, progress: Progress | None = None
) -> SessionFigures:
    """The figures of one stored session (KeyError if there is none)."""
    session = store.session(session_id)
    if session is None:
        raise KeyError(session_id)
    tally = _Tally()
    for rows in store.report_rows(session_id, READ_CHUNK):
        tally.add(rows)
        if progress is not None:
            progress(tally.received)
    return tally.figures(session)


class _Tally:
    """Counts as rows go by; keyed by the stored terms JSON (few distinct
    values), decoded once at the end."""

    def __init__(self) -> None:
        self.received = 0
        self.by_terms: Counter[str] = Counter()
        self.located_by_terms: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.places: Counter[str] = Counter()
        self.langs: Counter[str] = Counter()
        self.hashtags: Counter[str] = Counter()
        self.cells: Counter[tuple[int, int, str]] = Counter()
        self.minutes: Counter[tuple[str, str]] = Counter()
        # Per second while the span allows bins under a minute; None after.
        self.seconds: Counter[tuple[str, str]] | None = Counter()
        self.distinct_seconds: set[str] = set()
        self.first = ""
        self.last = ""
        self.without_time = 0

    def add(self, rows: Iterable[ReportRow]) -> None:
        by_terms, located_by_terms = self.by_terms, self.located_by_terms
        kinds, places, langs, cells = self.kinds, self.places, self.langs, self.cells
        minutes, seconds, distinct = self.minutes, self.seconds, self.distinct_seconds
        hashtags, find_tags = self.hashtags, _HASHTAG.findall
        first, last = self.first, self.last
        count = without_time = 0
        for created, terms, lon, lat, kind, place, lang, text in rows:
            count += 1
            by_terms[terms] += 1
            langs[lang] += 1
            if lon is not None and lat is not None:
                located_by_terms[terms] += 1
                if kind:
                    kinds[kind] += 1
                cells[
                    (
                        math.floor(lon * MAP_CELLS_PER_DEGREE),
                        math.floor(lat * MAP_CELLS_PER_DEGREE),
                        terms,
                    )
                ] += 1
                if place:
                    places[place] += 1
            if "#" in text or _WIDE_HASH in text:
                hashtags.update(tag.lower() for tag in find_tags(text))
            if not created:
                without_time += 1
                continue
            second = created[:19] if created.endswith("+00:00") else _utc_second(created)
            if not second:
                without_time += 1
                continue
            minutes[(second[:16], terms)] += 1
            if seconds is not None:
                seconds[(second, terms)] += 1
                distinct.add(second)
                if len(distinct) > SECOND_BINS_UP_TO_S + 1:
                    seconds = None  # the span is longer: minutes will do
            if not first or second < first:
                first = second
            if second > last:
                last = second
        self.received += count
        self.without_time += without_time
        self.seconds, self.first, self.last = seconds, first, last

    def figures(self, session: SessionInfo) -> SessionFigures:
        term_sets = {stored: tuple(json.loads(stored)) for stored in self.by_terms}
        terms = list(session.terms)
        for term_set in term_sets.values():
            terms.extend(t for t in term_set if t not in terms)
        index = {term: i for i, term in enumerate(terms)}
        received = Counter[str]()
        located = Counter[str]()
        for stored, term_set in term_sets.items():
            for term in term_set or ("",):
                received[term] += self.by_terms[stored]
                located[term] += self.located_by_terms[stored]
        by_term = [TermFigures(t, received[t], located[t]) for t in terms]
        if received[""]:
            by_term.append(TermFigures("", received[""], located[""]))
        per_minute = Counter[str]()
        for (minute, _terms), posts in self.minutes.items():
            per_minute[minute] += posts
        peak = max(per_minute.items(), key=lambda item: (item[1], item[0]), default=None)
        # The earliest of the busiest minutes: ties go to the first.
        if peak is not None:
            top = peak[1]
            peak = (min(m for m, n in per_minute.items() if n == top), top)
        return SessionFigures(
            session=session,
            received=self.received,
            located=sum(self.located_by_terms.values()),
            terms=tuple(terms),
            by_term=tuple(by_term),
            kinds={kind: self.kinds[kind] for kind in LOCATION_KINDS},
            first_post=_parse_second(self.first) if self.first else None,
            last_post=_parse_second(self.last) if self.last else None,
            posts_without_time=self.without_time,
            peak_minute=_parse_second(peak[0] + ":00") if peak else None,
            peak_minute_posts=peak[1] if peak else 0,
            top_places=_top(self.places),
            top_hashtags=_top(self.hashtags),
            top_languages=_top(Counter({lang or "unknown": n for lang, n in self.langs.items()})),
            timeline=self._timeline(term_sets, index),
            map_cells=self._map_cells(term_sets, index),
        )

    def _timeline(
        self, term_sets: Mapping[str, tuple[str, ...]], index: Mapping[str, int]
    ) -> Timeline | None:
        if not self.first:
            return None
        first = _unix(self.first)
        last = _unix(self.last)
        start, step, bins = bin_range(first, last)
        if self.seconds is not None:
            counted, unit = self.seconds, _unix
        else:
            counted, unit = self.minutes, _unix_minute
        total = [0] * bins
        by_term = [[0] * bins for _ in index]
        first_bin = start // step
        for (when, stored), posts in counted.items():
            i = unit(when) // step - first_bin
            total[i] += posts
            for term in term_sets[stored]:
                by_term[index[term]][i] += posts
        return Timeline(start, step, tuple(total), tuple(tuple(row) for row in by_term))

    def _map_cells(
        self, term_sets: Mapping[str, tuple[str, ...]], index: Mapping[str, int]
    ) -> tuple[MapCell, ...]:
        posts: Counter[tuple[int, int]] = Counter()
        by_term: dict[tuple[int, int], Counter[int]] = {}
        for (x, y, stored), n in self.cells.items():
            posts[(x, y)] += n
            term_set = term_sets[stored]
            by_term.setdefault((x, y), Counter())[index[term_set[0]] if term_set else -1] += n
        size = 1 / MAP_CELLS_PER_DEGREE
        return tuple(
            MapCell(x * size, y * size, n, by_term[(x, y)].most_common(1)[0][0])
            for (x, y), n in posts.items()
        )


def _top(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    """The largest counts, ties in name order (so a report reads the same each time)."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(ranked[:TOP_ROWS])


def _utc_second(created: str) -> str:
    """`YYYY-MM-DDTHH:MM:SS` in UTC from a stored `created_at` that is not in
    UTC already (the store writes '+00:00', a hand-made file may not); "" when
    it is no time at all."""
    try:
        when = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()[:19]


def _parse_second(second: str) -> datetime:
    return datetime.fromisoformat(second).replace(tzinfo=UTC)


@lru_cache(maxsize=65_536)
def _unix_minute(minute: str) -> int:
    return int(_parse_second(minute + ":00").timestamp())


def _unix(second: str) -> int:
    return _unix_minute(second[:16]) + int(second[17:19])
