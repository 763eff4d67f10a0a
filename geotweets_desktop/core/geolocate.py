"""Give a post at most one location, and say how it was found.

Coordinate order is where tools like this go wrong, so it is spelled out:
- X API v2 `data.geo.coordinates.coordinates` is GeoJSON: `[longitude, latitude]`.
- A v2 place's `geo.bbox` is `[west, south, east, north]`.
- A box whose west edge is east of its east edge crosses the antimeridian
  (and so does one with a longitude past ±180; see coordinates.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from geotweets_desktop.core.coordinates import box_fault, point_fault
from geotweets_desktop.core.post import Location
from geotweets_desktop.core.x_text import storable

EARTH_RADIUS_M = 6_371_008.8
# Uncertainty we give a matched profile city: a city, not a street.
PROFILE_RADIUS_M = 25_000.0

ProfileMatcher = Callable[[str], Location | None]


def valid_lon_lat(lon: object, lat: object) -> bool:
    """True for finite numbers inside the WGS 84 ranges (NaN and bools are not)."""
    return point_fault((lon, lat)) is None


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def exact_from_point(coordinates: object, label: str = "") -> Location | None:
    """A GeoJSON point `[lon, lat]` as an exact location; `label` names the
    place the post was also tagged with, if any."""
    if not isinstance(coordinates, list | tuple) or point_fault(coordinates) is not None:
        return None
    lon, lat = (float(value) for value in coordinates)
    return Location(lon=lon, lat=lat, kind="exact", radius_m=0.0, label=label)


def place_from_bbox(bbox: object, label: str = "") -> Location | None:
    """The centre of a `[west, south, east, north]` box, radius to its farthest
    corner; a box across the antimeridian (see coordinates.py) is centred there."""
    if box_fault(bbox) is not None:
        return None
    west, south, east, north = (float(v) for v in bbox)  # type: ignore[attr-defined]
    if west > east:  # crosses the antimeridian: unwrap the east edge
        east += 360.0
    lon = (west + east) / 2.0
    lon = (lon + 180.0) % 360.0 - 180.0 if not -180.0 <= lon <= 180.0 else lon
    lat = (south + north) / 2.0
    # The farthest corner: south of the equator the northern corners are farther.
    radius = max(haversine_m(lon, lat, x, y) for x in (west, east) for y in (south, north))
    return Location(lon=lon, lat=lat, kind="place", radius_m=radius, label=label)


def best_location(
    point: Any,
    bbox: Any,
    place_name: str,
    profile_text: Any,
    profile_matcher: ProfileMatcher | None,
    faults: list[str] | None = None,
) -> Location | None:
    """The best valid location of a post: its point, else its place's box,
    else its author's profile text. A point or box that is there but cannot
    be used is passed over, and why is appended to `faults`. An exact point
    keeps the name of the place the post was also tagged with."""
    tried = (
        ("point", point, exact_from_point, point_fault),
        ("place box", bbox, place_from_bbox, box_fault),
    )
    for name, value, locate, fault in tried:
        if value is None:
            continue
        found = locate(value, place_name)
        if found is not None:
            return found
        if faults is not None:
            faults.append(f"{name} ignored ({fault(value)})")
    if profile_matcher is not None and isinstance(profile_text, str) and profile_text.strip():
        return profile_matcher(profile_text)
    return None


def locate_v2(
    data: Mapping[str, Any],
    includes: Mapping[str, Any],
    profile_matcher: ProfileMatcher | None = None,
    faults: list[str] | None = None,
) -> Location | None:
    """Locate one v2 post: exact point, else place box, else profile text."""
    point = bbox = None
    place_name = ""
    geo = data.get("geo")
    if isinstance(geo, Mapping):
        coordinates = geo.get("coordinates")
        if isinstance(coordinates, Mapping):
            point = coordinates.get("coordinates")
        place = find_place(geo.get("place_id"), includes)
        if place is not None:
            place_name = text_field(place, "full_name") or text_field(place, "name")
            place_geo = place.get("geo")
            bbox = place_geo.get("bbox") if isinstance(place_geo, Mapping) else None
    author = find_author(data, includes)
    profile = author.get("location") if author else None
    return best_location(point, bbox, place_name, profile, profile_matcher, faults)


def expansion(includes: Mapping[str, Any], key: str) -> list[Any]:
    """`includes[key]` when it is a list (what X sends), else nothing."""
    found = includes.get(key)
    return found if isinstance(found, list) else []


def find_author(data: Mapping[str, Any], includes: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return _find(expansion(includes, "users"), data.get("author_id"))


def find_place(place_id: Any, includes: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return _find(expansion(includes, "places"), place_id) if place_id else None


def _find(items: list[Any], wanted: Any) -> Mapping[str, Any] | None:
    if not isinstance(wanted, str):
        return None
    for item in items:
        if isinstance(item, Mapping) and item.get("id") == wanted:
            return item
    return None


def text_field(obj: Mapping[str, Any], key: str) -> str:
    """`obj[key]` when it is text, else ""; storable (see x_text.storable)."""
    value = obj.get(key)
    return storable(value) if isinstance(value, str) else ""
