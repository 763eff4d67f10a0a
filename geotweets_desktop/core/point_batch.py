"""A batch of map points as the page's columns (resources/web/point_store.js).

Columns, not objects: one list per field, with the strings (languages,
place labels, author handles, hashtags) coded into the batch's own small
dictionaries, code 0 being "" (none). The page maps each batch's codes
onto its own dictionaries, so a batch never needs to know what came before.
Hashtags are CSR: point i's are `tagPool[tagStart[i]:tagStart[i + 1]]`.

Terms are the session's term indexes: `term` is the first one a point
matches (`NO_TERM` for none: its colour), `termBits` has bit t set when it
matches term t (the first 32).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from geotweets_desktop.core.store import StoredPoint

NO_TERM = 255
TERM_BITS = 32


class Dictionary:
    """Strings to codes, in order of first use; code 0 is ""."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {"": 0}

    def code(self, text: str) -> int:
        code = self._codes.get(text)
        if code is None:
            code = self._codes[text] = len(self._codes)
        return code

    @property
    def strings(self) -> list[str]:
        return list(self._codes)


def point_columns(
    points: Sequence[StoredPoint], term_index: Mapping[str, int], kind_codes: Mapping[str, int]
) -> dict[str, Any]:
    """The batch as JSON-ready columns (a time unknown is None: JSON has no NaN)."""
    langs, places, authors, tags = Dictionary(), Dictionary(), Dictionary(), Dictionary()
    first_terms: list[int] = []
    term_bits: list[int] = []
    tag_start = [0]
    tag_pool: list[int] = []
    for p in points:
        indexes = [term_index[t] for t in p.terms if t in term_index]
        first_terms.append(indexes[0] if indexes and indexes[0] < NO_TERM else NO_TERM)
        bits = 0
        for t in indexes:
            if t < TERM_BITS:
                bits |= 1 << t
        term_bits.append(bits)
        tag_pool.extend(tags.code(tag) for tag in p.tags)
        tag_start.append(len(tag_pool))
    return {
        "key": [p.key for p in points],
        "lon": [p.lon for p in points],
        "lat": [p.lat for p in points],
        "kind": [kind_codes[p.kind] for p in points],
        "term": first_terms,
        "termBits": term_bits,
        "time": [None if math.isnan(p.time) else p.time for p in points],
        "lang": [langs.code(p.lang) for p in points],
        "place": [places.code(p.place) for p in points],
        "author": [authors.code(p.author) for p in points],
        "tagStart": tag_start,
        "tagPool": tag_pool,
        "langs": langs.strings,
        "places": places.strings,
        "authors": authors.strings,
        "tags": tags.strings,
    }
