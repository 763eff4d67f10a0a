"""Areas a user follows: a box, a circle, or a named place with a radius.

An area is plain data (stored with its session as JSON) plus the geometry
everything else needs: whether a point is inside, and the latitude/longitude
boxes it spans. Those boxes are where the awkward places are handled once:
an area crossing the antimeridian spans two boxes, one either side of it,
and a circle reaching over a pole is clipped at the pole and spans every
longitude.

Longitudes the map hands over past ±180 (Leaflet keeps counting when the
world repeats) are wrapped into range; latitudes outside ±90 are an error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from geotweets_desktop.core.geolocate import EARTH_RADIUS_M, haversine_m

# Larger circles need thousands of X rules; no account has that many.
MAX_RADIUS_KM = 3000.0
# A named place with no radius given: a city and its surroundings.
DEFAULT_PLACE_RADIUS_KM = 25.0

LonLatBox = tuple[float, float, float, float]  # west, south, east, north; west < east


class AreaError(ValueError):
    """The area cannot be followed; the message (one line) is shown to the user."""


@dataclass(frozen=True, slots=True)
class BoxArea:
    """A latitude/longitude box. West east of east means it crosses the antimeridian."""

    west: float
    south: float
    east: float
    north: float

    @property
    def label(self) -> str:
        return f"box {_num(self.west)},{_num(self.south)},{_num(self.east)},{_num(self.north)}"

    def contains(self, lon: float, lat: float) -> bool:
        if not self.south <= lat <= self.north:
            return False
        if self.west <= self.east:
            return self.west <= lon <= self.east
        return lon >= self.west or lon <= self.east

    def lon_lat_boxes(self) -> list[LonLatBox]:
        if self.west <= self.east:
            return [(self.west, self.south, self.east, self.north)]
        return [
            (self.west, self.south, 180.0, self.north),
            (-180.0, self.south, self.east, self.north),
        ]

    def touches(self, box: LonLatBox) -> bool:
        """True when `box` (one of ours, or a part of one) meets the area: always."""
        return True

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "box",
            "west": self.west,
            "south": self.south,
            "east": self.east,
            "north": self.north,
        }


@dataclass(frozen=True, slots=True)
class CircleArea:
    """A circle on the ground. `place` names the gazetteer place it was made from
    (its `country_code` beside it); `also_tagged` adds posts tagged with that
    place, which a place bigger than X's 25-mile shapes never lies wholly in."""

    lon: float
    lat: float
    radius_km: float
    place: str = ""
    country_code: str = ""
    also_tagged: bool = False
    # True when `place` is a whole country (tagged posts: `place_country:`).
    is_country: bool = False

    @property
    def label(self) -> str:
        where = self.place or f"{_num(self.lon)},{_num(self.lat)}"
        return f"{where} +{_num(self.radius_km)} km"

    def contains(self, lon: float, lat: float) -> bool:
        return haversine_m(self.lon, self.lat, lon, lat) <= self.radius_km * 1000.0

    def lon_lat_boxes(self) -> list[LonLatBox]:
        angle = self.radius_km * 1000.0 / EARTH_RADIUS_M
        dlat = math.degrees(angle)
        south, north = self.lat - dlat, self.lat + dlat
        if north >= 90.0 or south <= -90.0:
            # Over a pole: clipped there, and every longitude is near it.
            return [(-180.0, max(-90.0, south), 180.0, min(90.0, north))]
        # The circle's widest longitude span (exact on the sphere).
        dlon = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(self.lat)))))
        if dlon >= 180.0:
            return [(-180.0, south, 180.0, north)]
        west, east = self.lon - dlon, self.lon + dlon
        if west < -180.0:
            return [(west + 360.0, south, 180.0, north), (-180.0, south, east, north)]
        if east > 180.0:
            return [(west, south, 180.0, north), (-180.0, south, east - 360.0, north)]
        return [(west, south, east, north)]

    def touches(self, box: LonLatBox) -> bool:
        """True when `box` may meet the circle (never False when it does)."""
        west, south, east, north = box
        lat = min(max(self.lat, south), north)
        lon = self.lon if west <= self.lon <= east else min((west, east), key=self._lon_gap)
        # The nearest point of a box is near the clamped one; the slack keeps
        # a box whose edge bulges towards the centre.
        return haversine_m(self.lon, self.lat, lon, lat) <= self.radius_km * 1000.0 + 1000.0

    def _lon_gap(self, lon: float) -> float:
        gap = abs(lon - self.lon) % 360.0
        return min(gap, 360.0 - gap)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": "circle",
            "lon": self.lon,
            "lat": self.lat,
            "radius_km": self.radius_km,
        }
        if self.place:
            out.update(
                place=self.place,
                country_code=self.country_code,
                also_tagged=self.also_tagged,
                is_country=self.is_country,
            )
        return out


Area = BoxArea | CircleArea


def make_box(west: float, south: float, east: float, north: float) -> BoxArea:
    """A checked box; west > east (after wrapping) crosses the antimeridian."""
    for value in (west, south, east, north):
        if not math.isfinite(value):
            raise AreaError("A box needs four numbers: west, south, east, north.")
    for lat in (south, north):
        _check_lat(lat)
    if south > north:
        raise AreaError(
            f"The box is upside down: south ({_num(south)}) is north of north ({_num(north)})."
        )
    if south == north or west == east:
        raise AreaError("The box has no size: its edges must differ.")
    if east - west >= 360.0:
        return BoxArea(-180.0, south, 180.0, north)
    return BoxArea(_wrap(west), south, _wrap(east), north)


def make_circle(lon: float, lat: float, radius_km: float) -> CircleArea:
    for value in (lon, lat, radius_km):
        if not math.isfinite(value):
            raise AreaError("A circle needs three numbers: longitude, latitude, radius in km.")
    _check_lat(lat)
    if radius_km <= 0:
        raise AreaError(f"The radius must be more than 0 km ({_num(radius_km)} given).")
    if radius_km > MAX_RADIUS_KM:
        raise AreaError(f"The radius can be at most {MAX_RADIUS_KM:,.0f} km.")
    return CircleArea(_wrap(lon), lat, radius_km)


def parse_bbox(text: str) -> BoxArea:
    """`W,S,E,N` in degrees, as typed on the command line."""
    numbers = _numbers(text, 4, "--bbox wants W,S,E,N (four numbers in degrees)")
    return make_box(*numbers)


def parse_around(text: str) -> CircleArea:
    """`LON,LAT,RADIUS_KM`, as typed on the command line."""
    numbers = _numbers(text, 3, "--around wants LON,LAT,RADIUS_KM (three numbers)")
    return make_circle(*numbers)


def area_from_json(obj: object) -> Area:
    """An area as stored (`to_json`); AreaError for anything else."""
    if not isinstance(obj, dict):
        raise AreaError("A stored area is not an object.")
    try:
        if obj.get("kind") == "box":
            return make_box(
                float(obj["west"]), float(obj["south"]), float(obj["east"]), float(obj["north"])
            )
        if obj.get("kind") == "circle":
            circle = make_circle(float(obj["lon"]), float(obj["lat"]), float(obj["radius_km"]))
            return CircleArea(
                circle.lon,
                circle.lat,
                circle.radius_km,
                place=str(obj.get("place") or ""),
                country_code=str(obj.get("country_code") or ""),
                also_tagged=bool(obj.get("also_tagged")),
                is_country=bool(obj.get("is_country")),
            )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, AreaError):
            raise
        raise AreaError(f"A stored area is damaged ({exc}).") from None
    raise AreaError(f"Unknown kind of area: {obj.get('kind')!r}.")


def _numbers(text: str, count: int, usage: str) -> list[float]:
    parts = text.split(",")
    if len(parts) != count:
        raise AreaError(f"{usage}; got {text!r}.")
    try:
        return [float(part) for part in parts]
    except ValueError:
        raise AreaError(f"{usage}; got {text!r}.") from None


def _check_lat(lat: float) -> None:
    if not -90.0 <= lat <= 90.0:
        raise AreaError(f"Latitude {_num(lat)} is outside -90 to 90.")


def _wrap(lon: float) -> float:
    """Into [-180, 180]; 180 stays 180 so a box can end at the antimeridian."""
    if -180.0 <= lon <= 180.0:
        return lon
    return (lon + 180.0) % 360.0 - 180.0


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")
