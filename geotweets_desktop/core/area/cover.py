"""Covering an area with X's geo shapes, as few as possible.

X matches a post by area with `point_radius:[lon lat radius]` (radius under
25 miles) and `bounding_box:[west south east north]` (width and height
under 25 miles each). We plan with 38.5 km, under 24 miles (38.62 km), so
rounding to 4 decimals (11 m at most) never pushes a shape over X's limit.

The area's latitude/longitude boxes are cut into rows, and each row into
equal cells; each cell becomes one shape that holds it whole, so the cells
an area touches cover it. Two plans are made and the one with fewer shapes
is kept:
- boxes: a row at most 38.5 km tall, cells at most 38.5 km wide where the
  row is widest (the edge nearest the equator);
- circles: for a row of height h, the widest cell whose corners are within
  38.5 km of its centre (corners are the farthest points of a cell, see
  `_half_width`); rows are tried at several heights and the fewest kept.
A circle holds twice the ground of a 38.5 km box, so large areas get
circles. On a tie the shape that fits the area's own kind wins: one box
for a box that X's box can hold is exact, so no post from outside is
delivered, and billed.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from geotweets_desktop.core.area.model import Area, BoxArea, CircleArea, LonLatBox
from geotweets_desktop.core.geolocate import EARTH_RADIUS_M, haversine_m

X_LIMIT_KM = 25 * 1.609344  # X: radius, width and height under 25 miles
PLAN_KM = 38.5
KM_PER_DEG_LAT = math.pi * EARTH_RADIUS_M / 180_000.0
# Extra row counts tried beyond the fewest that fit, for the circle plan.
ROW_CHOICES = 8


@dataclass(frozen=True, slots=True)
class Circle:
    lon: float
    lat: float
    radius_km: float

    def operator(self) -> str:
        return f"point_radius:[{_deg(self.lon)} {_deg(self.lat)} {_deg(self.radius_km, 1)}km]"

    def contains(self, lon: float, lat: float) -> bool:
        return haversine_m(self.lon, self.lat, lon, lat) <= self.radius_km * 1000.0


@dataclass(frozen=True, slots=True)
class Box:
    west: float
    south: float
    east: float
    north: float

    def operator(self) -> str:
        edges = (self.west, self.south, self.east, self.north)
        return f"bounding_box:[{' '.join(_deg(edge) for edge in edges)}]"

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    def width_km(self) -> float:
        """Along the edge nearest the equator, where the box is widest."""
        nearest = 0.0 if self.south <= 0.0 <= self.north else min(abs(self.south), abs(self.north))
        return (self.east - self.west) * KM_PER_DEG_LAT * math.cos(math.radians(nearest))

    def height_km(self) -> float:
        return (self.north - self.south) * KM_PER_DEG_LAT


Shape = Circle | Box


def cover(area: Area) -> list[Shape]:
    """The fewest shapes (within X's limits) whose union holds the whole area."""
    if isinstance(area, CircleArea) and area.radius_km <= PLAN_KM:
        return [_circle_holding(area)]
    boxes = [box for part in area.lon_lat_boxes() for box in _box_plan(area, part)]
    circles = [circle for part in area.lon_lat_boxes() for circle in _circle_plan(area, part)]
    if len(boxes) != len(circles):
        return list(boxes) if len(boxes) < len(circles) else list(circles)
    return list(boxes) if isinstance(area, BoxArea) else list(circles)


def _box_plan(area: Area, part: LonLatBox) -> list[Box]:
    west, south, east, north = part
    rows = max(1, math.ceil((north - south) * KM_PER_DEG_LAT / PLAN_KM))
    shapes: list[Box] = []
    for row_south, row_north in _bands(south, north, rows):
        row = Box(west, row_south, east, row_north)
        cols = max(1, math.ceil(row.width_km() / PLAN_KM))
        for cell_west, cell_east in _bands(west, east, cols):
            cell = (cell_west, row_south, cell_east, row_north)
            if area.touches(cell):
                shapes.append(_outward(cell))
    return shapes


def _circle_plan(area: Area, part: LonLatBox) -> list[Circle]:
    _, south, _, north = part
    fewest_rows = max(1, math.ceil((north - south) * KM_PER_DEG_LAT / (2 * PLAN_KM)))
    best: list[Circle] | None = None
    for rows in range(fewest_rows, fewest_rows + ROW_CHOICES):
        plan = _circles_in_rows(area, part, rows)
        if plan is not None and (best is None or len(plan) < len(best)):
            best = plan
    assert best is not None, "rows of under 38.5 km always fit"
    return best


def _circles_in_rows(area: Area, part: LonLatBox, rows: int) -> list[Circle] | None:
    west, south, east, north = part
    circles: list[Circle] = []
    for row_south, row_north in _bands(south, north, rows):
        middle = (row_south + row_north) / 2
        half = _half_width(middle, row_south, row_north)
        if half is None:
            return None
        cols = max(1, math.ceil((east - west) / (2 * half)))
        for cell_west, cell_east in _bands(west, east, cols):
            cell = (cell_west, row_south, cell_east, row_north)
            if area.touches(cell):
                circles.append(_circle_around(cell))
    return circles


def _half_width(middle: float, south: float, north: float) -> float | None:
    """Half the widest cell (degrees of longitude) from `south` to `north` that a
    circle of PLAN_KM at latitude `middle` holds; None when the row is too tall.

    Along a parallel or a meridian, distance from the centre grows towards the
    cell's ends, so a cell whose four corners are inside is inside.
    """
    angle = PLAN_KM * 1000.0 / EARTH_RADIUS_M
    phi = math.radians(middle)
    widest = math.pi
    for edge in (south, north):
        phi_edge = math.radians(edge)
        denominator = math.cos(phi) * math.cos(phi_edge)
        if denominator <= 1e-12:
            continue  # the edge is a pole: every longitude is at the same distance
        cos_half = (math.cos(angle) - math.sin(phi) * math.sin(phi_edge)) / denominator
        if cos_half >= 1.0:
            return None
        if cos_half > -1.0:
            widest = min(widest, math.acos(cos_half))
    return math.degrees(widest)


def _circle_around(cell: LonLatBox) -> Circle:
    west, south, east, north = cell
    lon, lat = round((west + east) / 2, 4), round((south + north) / 2, 4)
    farthest = max(
        haversine_m(lon, lat, corner_lon, corner_lat)
        for corner_lon in (west, east)
        for corner_lat in (south, north)
    )
    # Up to the next 100 m, and a metre for the distance X measures differently.
    return Circle(lon, lat, math.ceil((farthest + 1.0) / 100.0) / 10.0)


def _circle_holding(area: CircleArea) -> Circle:
    """The circle itself, its centre rounded and its radius grown to make up for it."""
    lon, lat = round(area.lon, 4), round(area.lat, 4)
    moved = haversine_m(lon, lat, area.lon, area.lat)
    # Rounded to 6 places first, so 10 km stays 10 rather than 10.1 by a float's error.
    return Circle(lon, lat, math.ceil(round((area.radius_km * 1000.0 + moved) / 100.0, 6)) / 10.0)


def _outward(cell: LonLatBox) -> Box:
    """Rounded to 4 decimals away from the cell, so it still holds it."""
    west, south, east, north = cell
    return Box(
        max(-180.0, math.floor(west * 1e4) / 1e4),
        max(-90.0, math.floor(south * 1e4) / 1e4),
        min(180.0, math.ceil(east * 1e4) / 1e4),
        min(90.0, math.ceil(north * 1e4) / 1e4),
    )


def _bands(low: float, high: float, count: int) -> list[tuple[float, float]]:
    step = (high - low) / count
    edges = [low + step * index for index in range(count)] + [high]
    return list(itertools.pairwise(edges))


def _deg(value: float, decimals: int = 4) -> str:
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
