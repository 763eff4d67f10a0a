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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from geotweets_desktop.core.map_point import StoredPoint
from geotweets_desktop.core.post import LOCATION_KINDS

MAGIC = 0x43505447  # "GTPC" read as little-endian bytes
VERSION = 1
HEADER_WORDS = 8
TERM_BITS = 32
UNKNOWN_KIND = 255
KIND_CODES: dict[str, int] = {kind: code for code, kind in enumerate(LOCATION_KINDS)}


class Dictionary:
    """Strings to codes, in order of first use (code 0 is `first`, if given)."""

    def __init__(self, *first: str) -> None:
        self._codes: dict[str, int] = {text: code for code, text in enumerate(first)}

    def code(self, text: str) -> int:
        code = self._codes.get(text)
        if code is None:
            code = self._codes[text] = len(self._codes)
        return code

    @property
    def strings(self) -> list[str]:
        return list(self._codes)


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


def _code(points: Sequence[StoredPoint]) -> _Coded:
    terms, langs, places, authors, tags = (
        Dictionary(),
        Dictionary(""),
        Dictionary(""),
        Dictionary(""),
        Dictionary(""),
    )
    bits_of: dict[tuple[str, ...], int] = {}
    term_bits: list[int] = []
    tag_start = [0]
    tag_pool: list[int] = []
    for p in points:
        bits = bits_of.get(p.terms)
        if bits is None:
            bits = 0
            for term in p.terms:
                code = terms.code(term)
                if code < TERM_BITS:
                    bits |= 1 << code
            bits_of[p.terms] = bits
        term_bits.append(bits)
        if p.tags:
            tag_pool.extend(tags.code(tag) for tag in p.tags)
        tag_start.append(len(tag_pool))
    return _Coded(
        term_bits,
        [langs.code(p.lang) for p in points],
        [places.code(p.place) for p in points],
        [authors.code(p.author) for p in points],
        tag_start,
        tag_pool,
        [d.strings for d in (terms, langs, places, authors, tags)],
    )


def point_columns(points: Sequence[StoredPoint]) -> dict[str, Any]:
    """The batch as JSON-ready columns (a time unknown is None: JSON has no NaN)."""
    coded = _code(points)
    terms, langs, places, authors, tags = coded.dictionaries
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
    n = len(points)
    coded = _code(points)
    dictionaries = json.dumps(coded.dictionaries, ensure_ascii=False).encode("utf-8")
    parts = [
        np.fromiter((p.key for p in points), np.float64, n).tobytes(),
        np.fromiter((p.lon for p in points), np.float64, n).tobytes(),
        np.fromiter((p.lat for p in points), np.float64, n).tobytes(),
        np.fromiter((p.time for p in points), np.float64, n).tobytes(),
        np.array(coded.term_bits, np.uint32).tobytes(),
        _padded(np.array(coded.place, np.uint32).tobytes()),
        _padded(np.array(coded.author, np.uint32).tobytes()),
        _padded(np.array(coded.tag_start, np.uint32).tobytes()),
        _padded(np.array(coded.tag_pool, np.uint32).tobytes()),
        # Past 65,535 languages a code would wrap: such a language reads as none.
        _padded(np.array([c if c < 65536 else 0 for c in coded.lang], np.uint16).tobytes()),
        _padded(
            np.fromiter(
                (KIND_CODES.get(p.kind, UNKNOWN_KIND) for p in points), np.uint8, n
            ).tobytes()
        ),
        _padded(dictionaries),
    ]
    # termBits, place and author are padded too when n is odd (uint32 x n).
    parts[4] = _padded(parts[4])
    body = b"".join(parts)
    total = HEADER_WORDS * 4 + len(body)
    header = np.array(
        [MAGIC, VERSION, n, len(coded.tag_pool), len(dictionaries), total, 0, 0], np.uint32
    )
    return header.tobytes() + body


def blob_points(blob: bytes) -> int:
    """How many points a blob holds (read from its header)."""
    return int(np.frombuffer(blob, np.uint32, 3)[2])
