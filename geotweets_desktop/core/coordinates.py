"""Say why a point or a place box cannot be used, in words a user can act on.

Orders, as X sends them: a point is GeoJSON `[longitude, latitude]` (v1.1
`geo` alone is `[latitude, longitude]`, and the caller says so); a v2 place
box is `[west, south, east, north]`. Odd is not wrong:
- a box whose west edge is east of its east edge crosses the antimeridian
  (RFC 7946 section 5.2: Fiji is about `[177, -19, -179, -16]`);
- some writers keep such a box in order by running a longitude past ±180
  instead (`[177, -19, 181, -16]`), which is read the same way;
- latitudes beyond Web Mercator's ±85.05° are real places (Svalbard's
  north, Antarctic stations) and are kept like any other.
"""

from __future__ import annotations

import math
import sys
from typing import Any

# How far past ±180 a box edge may run (one more turn of the globe).
_LON_OVERRUN = 360.0
_FLOAT_MAX = sys.float_info.max


def number_fault(value: Any) -> str | None:
    """Why `value` is not a finite number (bools are not numbers here)."""
    # Exact type tests: JSON gives plain floats and ints, and this runs for
    # every coordinate of every post.
    kind = type(value)
    if kind is float:
        return None if math.isfinite(value) else f"not a finite number: {short(value)}"
    if kind is int:  # an integer too big for a float is no coordinate either
        return (
            None if -_FLOAT_MAX <= value <= _FLOAT_MAX else f"not a finite number: {short(value)}"
        )
    return f"not a number: {short(value)}"


def point_fault(pair: Any, order: str = "lon, lat") -> str | None:
    """Why `pair` is not a usable point, or None. `order` says how the pair
    is written (`"lat, lon"` for v1.1 `geo`)."""
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        return f"coordinates are not a [{order}] pair: {short(pair)}"
    for value in pair:
        if number_fault(value):
            return f"coordinates are not finite numbers: {short(pair)}"
    lon, lat = pair if order == "lon, lat" else pair[::-1]
    if not -180 <= lon <= 180:
        return f"longitude out of range: {short(lon)}"
    if not -90 <= lat <= 90:
        return f"latitude out of range: {short(lat)}"
    return None


def box_fault(bbox: Any) -> str | None:
    """Why a `[west, south, east, north]` box is unusable, or None."""
    if not isinstance(bbox, list | tuple) or len(bbox) != 4:
        return f"place box is not [west, south, east, north]: {short(bbox)}"
    if any(number_fault(value) for value in bbox):
        return f"place box is not four finite numbers: {short(bbox)}"
    west, south, east, north = bbox
    for lat in (south, north):
        if not -90 <= lat <= 90:
            return f"place box latitude out of range: {short(lat)}"
    if south > north:
        return f"place box has south above north: {short(bbox)}"
    if west > east:  # across the antimeridian, RFC 7946 style
        if not (-180 <= east <= 180 and -180 <= west <= 180):
            return f"place box longitude out of range: {short(bbox)}"
        return None
    limit = 180.0 + _LON_OVERRUN
    if west < -limit or east > limit or east - west > 360.0:
        return f"place box longitude out of range: {short(bbox)}"
    return None


def short(value: Any) -> str:
    """`repr(value)`, cut to fit in a one-line message."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an integer of thousands of digits; deep nesting
        return f"a {type(value).__name__} too big to show"
    return text if len(text) <= 60 else text[:57] + "..."
