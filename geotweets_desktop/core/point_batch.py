"""A batch of map points as the page's columns (resources/web/point_store.js),
as JSON-ready lists (live batches) or as one binary blob (kept in the store
beside the posts, sent to the page as typed arrays when a session reopens).

Columns, not objects: one array per field, with the strings (terms,
languages, place labels, author handles, hashtags) coded into the batch's
own small dictionaries, code 0 being "" (none; terms have no "" and start at
0). The page maps each batch's codes onto its own dictionaries and the
terms onto the session's, so a batch never depends on what came before or
on how the page is configured. `termBits` has bit b set when the point
matches the batch's term b (the first 32 terms of a batch). Hashtags are
CSR: point i's are `tagPool[tagStart[i]:tagStart[i + 1]]`.

The blob, little-endian, every array starting at a multiple of 8 bytes (so
the page views it in place), its length a multiple of 8 (so blobs can be
concatenated): a header of eight uint32 (`MAGIC`, `VERSION`, points n, tag
codes, dictionary bytes, blob bytes, 0, 0), then key, lon, lat, time
(float64 x n), termBits, place, author (uint32 x n), tagStart (uint32 x
n+1), tagPool (uint32), lang (uint16 x n), kind (uint8 x n; `UNKNOWN_KIND`
for a kind this version does not know), and the dictionaries as UTF-8 JSON
`[terms, langs, places, authors, tags]`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, repeat
from typing import Any, TypeVar

import numpy as np

from geotweets_desktop.core.map_point import StoredPoint
from geotweets_desktop.core.post import LOCATION_KINDS

MAGIC = 0x43505447  # "GTPC" read as little-endian bytes
VERSION = 1
HEADER_WORDS = 8
TERM_BITS = 32
UNKNOWN_KIND = 255
KIND_CODES: dict[str, int] = {kind: code for code, kind in enumerate(LOCATION_KINDS)}
_K = TypeVar("_K", bound=Hashable)
_KIND_NAMES = (*LOCATION_KINDS, *("unknown",) * (256 - len(LOCATION_KINDS)))


@dataclass(frozen=True, slots=True)
class Columns:
    """A batch's points, one list per field (`StoredPoint`'s fields)."""

    key: Sequence[int]
    lon: Sequence[float]
    lat: Sequence[float]
    kind: Sequence[str]
    terms: Sequence[tuple[str, ...]]
    time: Sequence[float]
    lang: Sequence[str]
    place: Sequence[str]
    author: Sequence[str]
    tags: Sequence[tuple[str, ...]]

    @classmethod
    def of(cls, points: Sequence[StoredPoint]) -> Columns:
        return cls(
            [p.key for p in points],
            [p.lon for p in points],
            [p.lat for p in points],
            [p.kind for p in points],
            [p.terms for p in points],
            [p.time for p in points],
            [p.lang for p in points],
            [p.place for p in points],
            [p.author for p in points],
            [p.tags for p in points],
        )


def _coded(values: Sequence[str]) -> tuple[list[int], list[str]]:
    """Codes of strings in order of first use, code 0 being "" (and the strings)."""
    codes = _codes_of(chain(("",), values))
    return list(map(codes.__getitem__, values)), list(codes)


def _codes_of(values: Iterable[_K]) -> dict[_K, int]:
    """Each distinct value's code, in order of first use. (Done by dict and
    map in C: a bulk replay codes a million points' strings.)"""
    distinct = dict.fromkeys(values)
    return dict(zip(distinct, range(len(distinct)), strict=True))


@dataclass(slots=True)
class _Coded:
    """A batch with its strings coded (plain lists, before either form)."""

    term_bits: list[int]
    lang: list[int]
    place: list[int]
    author: list[int]
    tag_start: list[int]
    tag_pool: list[int]
    dictionaries: list[list[str]]  # terms, langs, places, authors, tags


def _code(columns: Columns) -> _Coded:
    combinations = dict.fromkeys(columns.terms)  # a session has few
    term_codes = _codes_of(chain.from_iterable(combinations))
    bits_of = {
        terms: sum(1 << code for code in {term_codes[term] for term in terms} if code < TERM_BITS)
        for terms in combinations
    }
    tag_codes = _codes_of(chain(("",), chain.from_iterable(columns.tags)))
    lang, langs = _coded(columns.lang)
    place, places = _coded(columns.place)
    author, authors = _coded(columns.author)
    return _Coded(
        list(map(bits_of.__getitem__, columns.terms)),
        lang,
        place,
        author,
        list(accumulate(map(len, columns.tags), initial=0)),
        list(map(tag_codes.__getitem__, chain.from_iterable(columns.tags))),
        [list(term_codes), langs, places, authors, list(tag_codes)],
    )


def point_columns(points: Sequence[StoredPoint]) -> dict[str, Any]:
    """The batch as JSON-ready columns (a time unknown is None: JSON has no NaN)."""
    coded = _code(Columns.of(points))
    terms, langs, places, authors, tags = coded.dictionaries
    return {
        "key": [p.key for p in points],
        "lon": [p.lon for p in points],
        "lat": [p.lat for p in points],
        "kind": _kind_codes([p.kind for p in points]),
        "time": [None if math.isnan(p.time) else p.time for p in points],
        "termBits": coded.term_bits,
        "lang": coded.lang,
        "place": coded.place,
        "author": coded.author,
        "tagStart": coded.tag_start,
        "tagPool": coded.tag_pool,
        "terms": terms,
        "langs": langs,
        "places": places,
        "authors": authors,
        "tags": tags,
    }


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 8)


def encode_blob(points: Sequence[StoredPoint]) -> bytes:
    """The batch as one binary blob (see the module docstring)."""
    return encode_columns(Columns.of(points))


def encode_columns(columns: Columns) -> bytes:
    """A batch given as columns as one binary blob (see the module docstring)."""
    n = len(columns.key)
    coded = _code(columns)
    dictionaries = json.dumps(coded.dictionaries, ensure_ascii=False).encode("utf-8")
    parts = [
        np.array(columns.key, np.float64).tobytes(),
        np.array(columns.lon, np.float64).tobytes(),
        np.array(columns.lat, np.float64).tobytes(),
        np.array(columns.time, np.float64).tobytes(),
        # uint32 x n: padded when n is odd, as are the rest.
        _padded(np.array(coded.term_bits, np.uint32).tobytes()),
        _padded(np.array(coded.place, np.uint32).tobytes()),
        _padded(np.array(coded.author, np.uint32).tobytes()),
        _padded(np.array(coded.tag_start, np.uint32).tobytes()),
        _padded(np.array(coded.tag_pool, np.uint32).tobytes()),
        _padded(_uint16_codes(coded.lang).tobytes()),
        _padded(np.array(_kind_codes(columns.kind), np.uint8).tobytes()),
        _padded(dictionaries),
    ]
    body = b"".join(parts)
    total = HEADER_WORDS * 4 + len(body)
    header = np.array(
        [MAGIC, VERSION, n, len(coded.tag_pool), len(dictionaries), total, 0, 0], np.uint32
    )
    return header.tobytes() + body


def _uint16_codes(codes: list[int]) -> np.ndarray[Any, np.dtype[np.uint16]]:
    """Codes as uint16: past 65,535 languages a code would wrap, so such a
    language reads as none (0)."""
    wide = np.array(codes, np.uint32)
    wide[wide > 65535] = 0
    return wide.astype(np.uint16)


def _kind_codes(kinds: Sequence[str]) -> list[int]:
    return list(map(KIND_CODES.get, kinds, repeat(UNKNOWN_KIND)))


def blob_points(blob: bytes) -> int:
    """How many points a blob holds (read from its header)."""
    return int(np.frombuffer(blob, np.uint32, 3)[2])


def with_keys_from(blob: bytes, first: int) -> tuple[bytes, int]:
    """A blob encoded before its posts had keys, each point's key standing
    for its post's place in its batch (0, 1, ...), with the keys the batch
    got (`first` for place 0, and on); and the highest key it holds."""
    n = blob_points(blob)
    keyed = bytearray(blob)
    keys = np.frombuffer(keyed, np.float64, n, HEADER_WORDS * 4)
    keys += first
    return bytes(keyed), int(keys[-1]) if n else first - 1


def blob_kinds(blob: bytes) -> dict[str, int]:
    """How many of a blob's points were located each way (its kind column)."""
    header = np.frombuffer(blob, np.uint32, HEADER_WORDS)
    n, tag_codes = int(header[2]), int(header[3])
    at = HEADER_WORDS * 4
    for dtype, count in _layout(n, tag_codes)[:-1]:
        at += -(-np.dtype(dtype).itemsize * count // 8) * 8
    kinds: dict[str, int] = {}
    for code, count in enumerate(np.bincount(np.frombuffer(blob, np.uint8, n, at)).tolist()):
        if count:
            kinds[_KIND_NAMES[code]] = kinds.get(_KIND_NAMES[code], 0) + count
    return kinds


def decode_points(data: bytes) -> list[StoredPoint]:
    """The points of blobs one after another, back as `StoredPoint`s: for
    what must look at each point in Python (the map's *Hide posts outside*);
    the page reads blobs itself. A kind this version does not know reads as
    "unknown"."""
    points: list[StoredPoint] = []
    at = 0
    while at < len(data):
        header = np.frombuffer(data, np.uint32, HEADER_WORDS, at)
        if int(header[0]) != MAGIC or int(header[1]) != VERSION:
            raise ValueError("not a points blob of this version")
        n, tag_codes, dictionary_bytes, total = (int(v) for v in header[2:6])
        points.extend(_decoded(data, at + HEADER_WORDS * 4, n, tag_codes, dictionary_bytes))
        at += total
    return points


def _decoded(
    data: bytes, at: int, n: int, tag_codes: int, dictionary_bytes: int
) -> list[StoredPoint]:
    columns: list[list[Any]] = []
    for dtype, count in _layout(n, tag_codes):
        values = np.frombuffer(data, dtype, count, at)
        at += -(-values.nbytes // 8) * 8
        columns.append(values.tolist())
    key, lon, lat, time, term_bits, place, author, tag_start, tag_pool, lang, kind = columns
    terms, langs, places, authors, tags = json.loads(data[at : at + dictionary_bytes])
    return [
        StoredPoint(
            int(key[i]),
            lon[i],
            lat[i],
            _KIND_NAMES[kind[i]],
            tuple(t for b, t in enumerate(terms[:TERM_BITS]) if term_bits[i] >> b & 1),
            time[i],
            langs[lang[i]],
            places[place[i]],
            authors[author[i]],
            tuple(tags[code] for code in tag_pool[tag_start[i] : tag_start[i + 1]]),
        )
        for i in range(n)
    ]


def _layout(n: int, tag_codes: int) -> list[tuple[type[np.generic], int]]:
    """The columns of a blob of `n` points, in order: (type, count)."""
    return [
        (np.float64, n),  # key
        (np.float64, n),  # lon
        (np.float64, n),  # lat
        (np.float64, n),  # time
        (np.uint32, n),  # termBits
        (np.uint32, n),  # place
        (np.uint32, n),  # author
        (np.uint32, n + 1),  # tagStart
        (np.uint32, tag_codes),  # tagPool
        (np.uint16, n),  # lang
        (np.uint8, n),  # kind
    ]
