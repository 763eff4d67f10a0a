"""A batch of map points as the page's columns (resources/web/point_store.js),
as JSON-ready lists (live batches) or as one binary blob (kept in the store
beside the posts, sent to the page as typed arrays when a session reopens).

Columns, not objects: one array per field, with the strings (terms,
languages, place labels, author handles, hashtags) coded into dictionaries,
code 0 being "" (none; terms have no "" and start at 0). In the JSON form
and a standalone blob the dictionaries are the batch's own; in a stored
blob the codes of languages, places, authors and hashtags are the
session's (`SessionCodes`: the same string has the same code in every blob
of a session), so a page that reads a session's blobs in order learns each
string once instead of once a blob (at a million points, merging every
blob's own dictionaries was half of the page's work). Terms stay the
batch's own (a handful). `termBits` has bit b set when the point matches
the batch's term b (the first 32 terms of a batch). Hashtags are CSR: point
i's are `tagPool[tagStart[i]:tagStart[i + 1]]`.

The blob (version 2), little-endian, every array starting at a multiple of
8 bytes (so the page views it in place), its length a multiple of 8 (so
blobs can be concatenated): a header of twenty uint32 (`MAGIC`, `VERSION`,
points n, tag codes, new-strings bytes, blob bytes, seen-strings bytes,
seen codes, session id, 0, then for langs, places, authors and tags the
first code of the blob's new strings, then one past their last, then 0,
0); key, lon, lat, time (float64 x n), termBits, place, author (uint32 x
n), tagStart (uint32 x n+1), tagPool (uint32), lang (uint16 x n), kind
(uint8 x n; `UNKNOWN_KIND` for a kind this version does not know); the new
strings as UTF-8 JSON `[terms, langs, places, authors, tags]` (the codes
base..end-1 of each); the seen codes (uint32: codes this blob uses that
an earlier blob of the session brought, langs then places, authors, tags)
and their strings as UTF-8 JSON `[langs, places, authors, tags]`. So each
blob decodes alone (a reader without the earlier blobs reads the seen
strings too), and a reader that has them reads only the new ones. Session
id 0 is a standalone blob: its codes are its own, nothing is seen.

Version 1 (stores of schema 7) had a header of eight uint32 (`MAGIC`, 1, n,
tag codes, dictionary bytes, blob bytes, 0, 0), the same columns and the
batch's own dictionaries as JSON `[terms, langs, places, authors, tags]`:
read as a standalone blob.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter
from typing import Any

import numpy as np

from geotweets_desktop.core.map_point import StoredPoint
from geotweets_desktop.core.post import LOCATION_KINDS

MAGIC = 0x43505447  # "GTPC" read as little-endian bytes
VERSION = 2
HEADER_WORDS = 20
V1_HEADER_WORDS = 8
TERM_BITS = 32
UNKNOWN_KIND = 255
KIND_CODES: dict[str, int] = {kind: code for code, kind in enumerate(LOCATION_KINDS)}
CODED = ("langs", "places", "authors", "tags")  # the session-wide dictionaries, in blob order
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


class SessionCodes:
    """A session's codes for languages, places, authors and hashtags (code
    0 being ""), as its blobs so far gave them: the writer of a session's
    blobs keeps one and codes each batch with it (`encode_columns`).
    `last_blob` is the id of the session's last blob they include."""

    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        self.codes: tuple[dict[str, int], ...] = tuple({"": 0} for _ in CODED)
        self.strings: tuple[list[str], ...] = tuple([""] for _ in CODED)
        self.last_blob = 0

    def learn(self, blob: bytes) -> None:
        """Take the new strings of one of the session's blobs (in order)."""
        header = np.frombuffer(blob, np.uint32, HEADER_WORDS)
        if int(header[1]) != VERSION or int(header[8]) != self.session_id:
            return  # version 1: its codes were its own
        at = HEADER_WORDS * 4 + _columns_bytes(int(header[2]), int(header[3]))
        new = json.loads(blob[at : at + int(header[4])])[1:]
        for d, strings in enumerate(new):
            if int(header[10 + d]) != len(self.strings[d]):
                raise ValueError("the session's point blobs do not follow on")
            for text in strings:
                self.codes[d][text] = len(self.strings[d])
                self.strings[d].append(text)


def _term_bits(columns: Columns) -> tuple[list[int], list[str]]:
    """Each point's bits of the batch's terms (the first 32), and the terms."""
    term_codes: dict[str, int] = {}
    bits_of: dict[tuple[str, ...], int] = {}
    term_bits: list[int] = []
    for terms in columns.terms:
        bits = bits_of.get(terms)
        if bits is None:
            bits = 0
            for term in terms:
                code = term_codes.setdefault(term, len(term_codes))
                if code < TERM_BITS:
                    bits |= 1 << code
            bits_of[terms] = bits
        term_bits.append(bits)
    return term_bits, list(term_codes)


@dataclass(slots=True)
class _Coded:
    """A batch with its strings coded (plain lists, before either form)."""

    term_bits: list[int]
    terms: list[str]
    lang: list[int]
    place: list[int]
    author: list[int]
    tag_start: list[int]
    tag_pool: list[int]
    base: list[int]  # per dictionary, the first code this batch brought
    seen: list[list[int]]  # per dictionary, the codes used that an earlier batch brought


def _coded_values(
    codes: dict[str, int], strings: list[str], values: Sequence[str]
) -> tuple[list[int], list[int]]:
    """The codes of `values`, new strings given the next ones in order of
    first use, and the codes among them that were given before (not 0, "").
    The session's dictionary (large) is asked once a distinct value; the
    batch's values are read through a small one."""
    local: dict[str, int] = dict.fromkeys(values, 0)  # each once, in order (in C)
    seen = []
    for value in local:
        code = codes.get(value)
        if code is None:
            code = codes[value] = len(strings)
            strings.append(value)
        elif code:
            seen.append(code)
        local[value] = code
    seen.sort()
    if len(values) < 2:  # itemgetter of one key gives the value, not a tuple
        return [local[v] for v in values], seen
    return list(itemgetter(*values)(local)), seen


def _code(columns: Columns, session: SessionCodes) -> _Coded:
    """Code the batch's strings with the session's codes, adding what is new."""
    base = [len(strings) for strings in session.strings]
    term_bits, terms = _term_bits(columns)
    langs, places, authors, tags = zip(session.codes, session.strings, strict=True)
    tag_start = [0, *accumulate(len(point_tags) for point_tags in columns.tags)]
    pool = [tag for point_tags in columns.tags for tag in point_tags]
    lang, seen_langs = _coded_values(*langs, columns.lang)
    place, seen_places = _coded_values(*places, columns.place)
    author, seen_authors = _coded_values(*authors, columns.author)
    tag_pool, seen_tags = _coded_values(*tags, pool)
    return _Coded(
        term_bits,
        terms,
        lang,
        place,
        author,
        tag_start,
        tag_pool,
        base,
        [seen_langs, seen_places, seen_authors, seen_tags],
    )


def point_columns(points: Sequence[StoredPoint]) -> dict[str, Any]:
    """The batch as JSON-ready columns (a time unknown is None: JSON has no NaN),
    its strings coded into its own dictionaries."""
    session = SessionCodes(0)
    coded = _code(Columns.of(points), session)
    langs, places, authors, tags = session.strings
    return {
        "key": [p.key for p in points],
        "lon": [p.lon for p in points],
        "lat": [p.lat for p in points],
        "kind": [KIND_CODES.get(p.kind, UNKNOWN_KIND) for p in points],
        "time": [None if math.isnan(p.time) else p.time for p in points],
        "termBits": coded.term_bits,
        "lang": coded.lang,
        "place": coded.place,
        "author": coded.author,
        "tagStart": coded.tag_start,
        "tagPool": coded.tag_pool,
        "terms": coded.terms,
        "langs": langs,
        "places": places,
        "authors": authors,
        "tags": tags,
    }


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 8)


def _padded_size(size: int) -> int:
    return size + -size % 8


def encode_blob(points: Sequence[StoredPoint]) -> bytes:
    """The batch as one standalone binary blob (see the module docstring)."""
    return encode_columns(Columns.of(points))


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def encode_columns(columns: Columns, session: SessionCodes | None = None) -> bytes:
    """A batch given as columns as one binary blob (see the module docstring):
    coded with the session's codes, which learn its new strings, or with its
    own (`session` None: a standalone blob)."""
    session = session or SessionCodes(0)
    n = len(columns.key)
    coded = _code(columns, session)
    end = [len(strings) for strings in session.strings]
    new = [coded.terms] + [
        strings[first:last]
        for strings, first, last in zip(session.strings, coded.base, end, strict=True)
    ]
    lang = np.array(coded.lang, np.uint32)
    seen_strings = [
        [strings[c] for c in codes]
        for strings, codes in zip(session.strings, coded.seen, strict=True)
    ]
    new_json = _json(new)
    seen_json = _json(seen_strings)
    seen_codes = [c for codes in coded.seen for c in codes]
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
        # Past 65,535 languages a code would wrap: such a language reads as none.
        _padded(np.where(lang < 65536, lang, 0).astype(np.uint16).tobytes()),
        _padded(
            np.array([KIND_CODES.get(k, UNKNOWN_KIND) for k in columns.kind], np.uint8).tobytes()
        ),
        _padded(new_json),
        _padded(np.array(seen_codes, np.uint32).tobytes()),
        _padded(seen_json),
    ]
    body = b"".join(parts)
    total = HEADER_WORDS * 4 + len(body)
    header = np.array(
        [
            MAGIC,
            VERSION,
            n,
            len(coded.tag_pool),
            len(new_json),
            total,
            len(seen_json),
            len(seen_codes),
            session.session_id,
            0,
            *coded.base,
            *end,
            0,
            0,
        ],
        np.uint32,
    )
    return header.tobytes() + body


def blob_points(blob: bytes) -> int:
    """How many points a blob holds (read from its header)."""
    return int(np.frombuffer(blob, np.uint32, 3)[2])


def blob_kinds(blob: bytes) -> dict[str, int]:
    """How many of a blob's points were located each way (its kind column)."""
    n, tag_codes, at = _header(blob, 0)
    kind_at = at + _columns_bytes(n, tag_codes) - _padded_size(n)
    kinds: dict[str, int] = {}
    for code, count in enumerate(np.bincount(np.frombuffer(blob, np.uint8, n, kind_at)).tolist()):
        if count:
            kinds[_KIND_NAMES[code]] = kinds.get(_KIND_NAMES[code], 0) + count
    return kinds


def decode_points(data: bytes) -> list[StoredPoint]:
    """The points of blobs one after another, back as `StoredPoint`s: for
    what must look at each point in Python (the map's *Hide posts outside*);
    the page reads blobs itself. Each blob is read alone (version 2 carries
    every string it uses). A kind this version does not know reads as
    "unknown"."""
    points: list[StoredPoint] = []
    at = 0
    while at < len(data):
        points.extend(_decoded(data, at))
        at += int(np.frombuffer(data, np.uint32, 1, at + 20)[0])
    return points


def _header(data: bytes, at: int) -> tuple[int, int, int]:
    """A blob's points n, its tag codes, and where its columns start."""
    magic, version, n, tag_codes = (int(v) for v in np.frombuffer(data, np.uint32, 4, at))
    if magic != MAGIC or version not in (1, VERSION):
        raise ValueError("not a points blob of a version this one reads")
    return n, tag_codes, at + 4 * (HEADER_WORDS if version == VERSION else V1_HEADER_WORDS)


def _decoded(data: bytes, at: int) -> list[StoredPoint]:
    n, tag_codes, columns_at = _header(data, at)
    header = [int(v) for v in np.frombuffer(data, np.uint32, (columns_at - at) // 4, at)]
    at = columns_at
    columns: list[list[Any]] = []
    for dtype, count in _layout(n, tag_codes):
        values = np.frombuffer(data, dtype, count, at)
        at += _padded_size(values.nbytes)
        columns.append(values.tolist())
    key, lon, lat, time, term_bits, place, author, tag_start, tag_pool, lang, kind = columns
    terms, *new = json.loads(data[at : at + header[4]])
    strings: list[dict[int, str]] = [{0: ""} for _ in CODED]
    if header[1] == 1:
        for d, texts in enumerate(new):
            strings[d].update(enumerate(texts))
    else:
        for d, texts in enumerate(new):
            strings[d].update(enumerate(texts, header[10 + d]))
        at += _padded_size(header[4])
        seen_codes = iter(np.frombuffer(data, np.uint32, header[7], at).tolist())
        at += _padded_size(4 * header[7])
        for d, texts in enumerate(json.loads(data[at : at + header[6]])):
            strings[d].update((next(seen_codes), text) for text in texts)
    langs, places, authors, tags = strings
    return [
        StoredPoint(
            int(key[i]),
            lon[i],
            lat[i],
            _KIND_NAMES[kind[i]],
            tuple(t for b, t in enumerate(terms[:TERM_BITS]) if term_bits[i] >> b & 1),
            time[i],
            langs.get(lang[i], ""),
            places.get(place[i], ""),
            authors.get(author[i], ""),
            tuple(tags[code] for code in tag_pool[tag_start[i] : tag_start[i + 1]] if code in tags),
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


def _columns_bytes(n: int, tag_codes: int) -> int:
    return sum(_padded_size(np.dtype(t).itemsize * count) for t, count in _layout(n, tag_codes))
