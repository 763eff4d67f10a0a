"""Say why a coordinate in an archive record cannot be trusted.

The live path (`geolocate.locate_v2`) quietly falls back to the next kind of
location when a point is unusable. An archive is different: a point of
`[200, 10]` or `NaN` means the record was damaged on its way to disk, so the
reader reports the record (line and reason) and skips it rather than draw it
somewhere plausible-looking.
"""

from __future__ import annotations

import math
from typing import Any


def bad_point(pair: Any, order: str = "lon, lat") -> str | None:
    """Why `pair` is not a usable `[lon, lat]` point, or None when it is.

    `order` only words the message (`"lat, lon"` for v1.1 `geo`); the caller
    passes the pair in the order the file has it, and swaps it itself.
    """
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        return f"coordinates are not a [{order}] pair: {_short(pair)}"
    for value in pair:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"coordinates are not numbers: {_short(pair)}"
        if not math.isfinite(value):
            return f"coordinates are not finite numbers: {_short(pair)}"
    first, second = pair
    lon, lat = (first, second) if order == "lon, lat" else (second, first)
    if not -180 <= lon <= 180:
        return f"longitude out of range: {lon}"
    if not -90 <= lat <= 90:
        return f"latitude out of range: {lat}"
    return None


def bad_bbox(bbox: Any) -> str | None:
    """Why a `[west, south, east, north]` box is unusable, or None."""
    if not isinstance(bbox, list | tuple) or len(bbox) != 4:
        return f"place box is not [west, south, east, north]: {_short(bbox)}"
    reason = bad_point(list(bbox[:2])) or bad_point(list(bbox[2:]))
    if reason:
        return f"place box: {reason}"
    if bbox[1] > bbox[3]:
        return f"place box has south above north: {_short(bbox)}"
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
