"""Give a post at most one location, and say how it was found.

Coordinate order is where tools like this go wrong, so it is spelled out:
- X API v2 `data.geo.coordinates.coordinates` is GeoJSON: `[longitude, latitude]`.
- A v2 place's `geo.bbox` is `[west, south, east, north]`.
- A box whose west edge is east of its east edge crosses the antimeridian.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from geotweets_desktop.core.post import Location

EARTH_RADIUS_M = 6_371_008.8
# Uncertainty we give a matched profile city: a city, not a street.
PROFILE_RADIUS_M = 25_000.0

ProfileMatcher = Callable[[str], Location | None]


def valid_lon_lat(lon: object, lat: object) -> bool:
    """True for finite numbers inside the WGS 84 ranges (NaN and bools are not)."""
    if isinstance(lon, bool) or isinstance(lat, bool):
        return False
    if not isinstance(lon, int | float) or not isinstance(lat, int | float):
        return False
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def exact_from_point(coordinates: object) -> Location | None:
    """A GeoJSON point `[lon, lat]` as an exact location."""
    if not isinstance(coordinates, list | tuple) or len(coordinates) != 2:
        return None
    lon, lat = coordinates
    if not valid_lon_lat(lon, lat):
        return None
    return Location(lon=float(lon), lat=float(lat), kind="exact", radius_m=0.0)


def place_from_bbox(bbox: object, label: str = "") -> Location | None:
    """The centre of a `[west, south, east, north]` box, radius to its corner."""
    if not isinstance(bbox, list | tuple) or len(bbox) != 4:
        return None
    west, south, east, north = bbox
    if not (valid_lon_lat(west, south) and valid_lon_lat(east, north)) or south > north:
        return None
    if west > east:  # crosses the antimeridian: unwrap the east edge
        east += 360.0
    lon = (west + east) / 2.0
    if lon > 180.0:
        lon -= 360.0
    lat = (south + north) / 2.0
    # The farthest corner: south of the equator the northern corners are farther.
    radius = max(haversine_m(lon, lat, x, y) for x in (west, east) for y in (south, north))
    return Location(lon=lon, lat=lat, kind="place", radius_m=radius, label=label)


def locate_v2(
    data: Mapping[str, Any],
    includes: Mapping[str, Any],
    profile_matcher: ProfileMatcher | None = None,
) -> Location | None:
    """Locate one v2 post: exact point, else place box, else profile text."""
    geo = data.get("geo")
    if isinstance(geo, Mapping):
        point = geo.get("coordinates")
        if isinstance(point, Mapping):
            found = exact_from_point(point.get("coordinates"))
            if found is not None:
                return found
        place_id = geo.get("place_id")
        if place_id:
            for place in includes.get("places") or ():
                if isinstance(place, Mapping) and place.get("id") == place_id:
                    place_geo = place.get("geo")
                    bbox = place_geo.get("bbox") if isinstance(place_geo, Mapping) else None
                    found = place_from_bbox(bbox, str(place.get("full_name") or ""))
                    if found is not None:
                        return found
    if profile_matcher is not None:
        author = find_author(data, includes)
        text = author.get("location") if author else None
        if isinstance(text, str) and text.strip():
            return profile_matcher(text)
    return None


def find_author(data: Mapping[str, Any], includes: Mapping[str, Any]) -> Mapping[str, Any] | None:
    author_id = data.get("author_id")
    for user in includes.get("users") or ():
        if isinstance(user, Mapping) and user.get("id") == author_id:
            return user
    return None
