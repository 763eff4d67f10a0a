"""Reads a points blob (core/point_batch.py) back into the JSON form, as the
page's point_loader.js reads it: a second reading of the layout, for tests.

A blob of version 2 codes its strings with its session's codes and carries
only those it uses: its dictionaries come back as lists as long as its
highest code, with None at the codes it does not use (a standalone blob's
are exactly its own dictionaries)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

MAGIC = 0x43505447


def decode_blobs(data: bytes) -> list[dict[str, Any]]:
    """Blobs one after another (a part the page fetches), each decoded."""
    out = []
    while data:
        total = int(np.frombuffer(data, np.uint32, 6)[5])
        out.append(decode_blob(data[:total]))
        data = data[total:]
    return out


def blob_session(blob: bytes) -> int:
    """The session a blob's codes belong to (0: its own)."""
    header = np.frombuffer(blob, np.uint32, 9)
    return int(header[8]) if int(header[1]) == 2 else 0


def decode_blob(blob: bytes) -> dict[str, Any]:
    version = int(np.frombuffer(blob, np.uint32, 2)[1])
    header_words = {1: 8, 2: 20}[version]
    header = [int(v) for v in np.frombuffer(blob, np.uint32, header_words)]
    magic, _, n, tag_count, dict_bytes, total = header[:6]
    assert (magic, total) == (MAGIC, len(blob))
    at = header_words * 4
    columns: list[list[Any]] = []
    for dtype, count in (
        (np.float64, n),
        (np.float64, n),
        (np.float64, n),
        (np.float64, n),
        (np.uint32, n),
        (np.uint32, n),
        (np.uint32, n),
        (np.uint32, n + 1),
        (np.uint32, tag_count),
        (np.uint16, n),
        (np.uint8, n),
    ):
        values = np.frombuffer(blob, dtype, count, at)
        at += -(-values.nbytes // 8) * 8
        columns.append(values.tolist())
    key, lon, lat, time, term_bits, place, author, tag_start, tag_pool, lang, kind = columns
    terms, *new = json.loads(blob[at : at + dict_bytes])
    if version == 1:
        dictionaries = new
    else:
        at += -(-dict_bytes // 8) * 8
        seen_bytes, seen_count = header[6], header[7]
        codes = iter(np.frombuffer(blob, np.uint32, seen_count, at).tolist())
        at += -(-4 * seen_count // 8) * 8
        seen = json.loads(blob[at : at + seen_bytes])
        base, end = header[10:14], header[14:18]
        dictionaries = []
        for d in range(4):
            strings: list[str | None] = [None] * end[d]
            strings[0] = ""
            strings[base[d] : end[d]] = new[d]
            for text in seen[d]:
                strings[next(codes)] = text
            dictionaries.append(strings)
    langs, places, authors, tags = dictionaries
    return {
        "key": [int(k) for k in key],
        "lon": lon,
        "lat": lat,
        "kind": kind,
        "time": [None if math.isnan(t) else t for t in time],
        "termBits": term_bits,
        "lang": lang,
        "place": place,
        "author": author,
        "tagStart": tag_start,
        "tagPool": tag_pool,
        "terms": terms,
        "langs": langs,
        "places": places,
        "authors": authors,
        "tags": tags,
    }
