"""Covering areas with X's geo shapes: every point covered, every shape legal."""

from __future__ import annotations

import math
import re

import pytest

from geotweets_desktop.core.area.cover import X_LIMIT_KM, Box, Circle, Shape, cover
from geotweets_desktop.core.area.model import Area, make_box, make_circle

AREAS: dict[str, Area] = {
    "tiny box": make_box(2.3500, 48.8500, 2.3501, 48.8501),
    "tiny circle": make_circle(2.35, 48.85, 0.05),
    "10 km box, equator": make_box(-0.045, -0.045, 0.045, 0.045),
    "100 km box, 52N": make_box(-0.73, 51.55, 0.73, 52.45),
    "200 km box, 60N": make_box(10.0, 59.1, 13.6, 60.9),
    "box at 70S": make_box(-20.0, -71.0, -10.0, -69.0),
    "box across the antimeridian": make_box(179.5, -1.0, -179.5, 1.0),
    "circle of 30 km": make_circle(-73.98, 40.75, 30.0),
    "circle of 150 km": make_circle(13.4, 52.52, 150.0),
    "circle across the antimeridian": make_circle(179.9, -17.0, 80.0),
    "circle over the north pole": make_circle(45.0, 89.6, 120.0),
    "circle near the south pole": make_circle(0.0, -88.0, 60.0),
}


def sample_points(area: Area, steps: int = 70) -> list[tuple[float, float]]:
    """A dense grid over the area's boxes, edges and corners included, kept to the area."""
    points = []
    for west, south, east, north in area.lon_lat_boxes():
        for i in range(steps + 1):
            for j in range(steps + 1):
                lon = west + (east - west) * i / steps
                lat = south + (north - south) * j / steps
                if area.contains(lon, lat):
                    points.append((lon, lat))
    return points


def inside_shape(shape: Shape, lon: float, lat: float) -> bool:
    if isinstance(shape, Box):
        return shape.contains(lon, lat)
    # X's distance may differ slightly from ours: a metre is allowed for.
    return shape.contains(lon, lat)


@pytest.mark.parametrize("name", list(AREAS))
def test_every_point_of_the_area_is_in_some_shape(name: str) -> None:
    area = AREAS[name]
    shapes = cover(area)
    points = sample_points(area)
    assert points, "the sample found no point of the area"
    missed = [p for p in points if not any(inside_shape(s, *p) for s in shapes)]
    assert not missed, f"{len(missed)} of {len(points)} points uncovered, e.g. {missed[:3]}"


@pytest.mark.parametrize("name", list(AREAS))
def test_every_shape_is_within_xs_limits(name: str) -> None:
    for shape in cover(AREAS[name]):
        text = shape.operator()
        for number in re.findall(r"-?\d+(?:\.\d+)?", text):
            assert len(number.partition(".")[2]) <= 4, text
        if isinstance(shape, Circle):
            assert 0 < shape.radius_km < X_LIMIT_KM
            assert -180 <= shape.lon <= 180 and -90 <= shape.lat <= 90
            assert re.fullmatch(r"point_radius:\[-?[\d.]+ -?[\d.]+ [\d.]+km\]", text)
        else:
            assert -180 <= shape.west < shape.east <= 180
            assert -90 <= shape.south < shape.north <= 90
            assert shape.width_km() < X_LIMIT_KM and shape.height_km() < X_LIMIT_KM
            assert re.fullmatch(r"bounding_box:\[(-?[\d.]+ ){3}-?[\d.]+\]", text)


def test_an_area_x_can_hold_in_one_shape_is_one_shape_of_its_own_kind() -> None:
    assert cover(AREAS["tiny box"]) == [Box(2.35, 48.85, 2.3501, 48.8501)]
    assert cover(AREAS["tiny circle"]) == [Circle(2.35, 48.85, 0.1)]
    (circle,) = cover(AREAS["circle of 30 km"])
    assert isinstance(circle, Circle) and circle.radius_km == pytest.approx(30.0, abs=0.1)


def test_a_box_of_the_same_degrees_is_narrower_on_the_ground_far_north() -> None:
    # 0.66 degrees of longitude: 73 km at the equator, 37 km at 60 N (under 25 miles).
    assert len(cover(make_box(0.0, 0.0, 0.66, 0.3))) == 2
    assert cover(make_box(0.0, 60.0, 0.66, 60.3)) == [Box(0.0, 60.0, 0.66, 60.3)]


def test_a_box_across_the_antimeridian_gets_shapes_on_both_sides() -> None:
    shapes = cover(AREAS["box across the antimeridian"])
    assert any(s.contains(179.9, 0.0) for s in shapes)
    assert any(s.contains(-179.9, 0.0) for s in shapes)
    assert not any(s.contains(0.0, 0.0) for s in shapes)


def test_large_areas_get_circles_which_need_fewer_shapes_than_a_box_grid() -> None:
    shapes = cover(make_box(-1.8, 50.2, 1.8, 53.8))  # about 250 x 400 km at 52 N
    assert all(isinstance(s, Circle) for s in shapes)
    naive = math.ceil(250 / 38.5) * math.ceil(400 / 38.5)
    assert len(shapes) < naive


def test_a_circle_area_leaves_out_the_corners_of_its_box() -> None:
    area = make_circle(13.4, 52.52, 400.0)
    (box,) = area.lon_lat_boxes()
    assert len(cover(area)) < len(cover(make_box(*box)))
