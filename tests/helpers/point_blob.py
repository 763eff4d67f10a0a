"""Reads a points blob (core/point_batch.py) back into the JSON form, as the
page's point_loader.js reads it: a second reading of the layout, for tests."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np


def decode_blobs(data: bytes) -> list[dict[str, Any]]:
    """Blobs one after another (a part the page fetches), each decoded."""
    out = []
    while data:
        total = int(np.frombuffer(data, np.uint32, 6)[5])
        out.append(decode_blob(data[:total]))
        data = data[total:]
    return out


def decode_blob(blob: bytes) -> dict[str, Any]:
    header = np.frombuffer(blob, np.uint32, 8)
    magic, version, n, tag_count, dict_bytes, total = (int(v) for v in header[:6])
    assert (magic, version, total) == (0x43505447, 1, len(blob))
    at = 32
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
    terms, langs, places, authors, tags = json.loads(blob[at : at + dict_bytes])
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
