"""Areas as the user gives them: checked, wrapped, split and clipped."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from geotweets_desktop.core.area.model import (
    AreaError,
    BoxArea,
    CircleArea,
    area_from_json,
    make_box,
    parse_around,
    parse_bbox,
)
from geotweets_desktop.core.area.named import named_area


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (parse_bbox, "1,2,3", "--bbox wants W,S,E,N"),
        (parse_bbox, "a,b,c,d", "--bbox wants W,S,E,N"),
        (parse_bbox, "nan,0,1,1", "four numbers"),
        (parse_bbox, "0,5,1,4", "upside down: south (5) is north of north (4)"),
        (parse_bbox, "0,5,1,5", "no size"),
        (parse_bbox, "3,5,3,6", "no size"),
        (parse_bbox, "0,-91,1,1", "Latitude -91 is outside -90 to 90"),
        (parse_around, "1,2", "--around wants LON,LAT,RADIUS_KM"),
        (parse_around, "0,0,-5", "radius must be more than 0 km (-5 given)"),
        (parse_around, "0,0,0", "radius must be more than 0 km"),
        (parse_around, "0,95,5", "Latitude 95 is outside"),
        (parse_around, "0,0,10000", "at most 3,000 km"),
    ],
)
def test_bad_areas_are_one_line_errors(
    parse: Callable[[str], object], text: str, message: str
) -> None:
    with pytest.raises(AreaError) as caught:
        parse(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_box_order_is_west_south_east_north() -> None:
    box = parse_bbox("-0.5,51.3,0.3,51.7")
    assert box == BoxArea(-0.5, 51.3, 0.3, 51.7)
    assert box.contains(-0.1, 51.5)
    assert not box.contains(51.5, -0.1)


def test_a_box_across_the_antimeridian_is_split_in_two() -> None:
    box = parse_bbox("170,-10,-170,10")
    assert box.lon_lat_boxes() == [(170.0, -10.0, 180.0, 10.0), (-180.0, -10.0, -170.0, 10.0)]
    assert box.contains(179.0, 0.0) and box.contains(-179.0, 0.0)
    assert not box.contains(0.0, 0.0)


def test_longitudes_past_180_from_the_map_are_wrapped() -> None:
    assert make_box(170.0, -10.0, 190.0, 10.0) == BoxArea(170.0, -10.0, -170.0, 10.0)
    assert make_box(-200.0, 0.0, 200.0, 1.0) == BoxArea(-180.0, 0.0, 180.0, 1.0)


def test_a_circle_across_the_antimeridian_is_split_in_two() -> None:
    circle = parse_around("179.9,0,50")
    west_part, east_part = circle.lon_lat_boxes()
    assert west_part[2] == 180.0 and east_part[0] == -180.0
    assert circle.contains(-179.9, 0.0)


def test_a_circle_over_a_pole_is_clipped_there_and_spans_every_longitude() -> None:
    (box,) = parse_around("10,89.5,100").lon_lat_boxes()
    assert box[0] == -180.0 and box[2] == 180.0 and box[3] == 90.0
    assert box[1] == pytest.approx(89.5 - 100 / 111.195, abs=1e-3)


@pytest.mark.parametrize(
    "area",
    [
        BoxArea(170.0, -10.0, -170.0, 10.0),
        CircleArea(2.35, 48.86, 20.0),
        CircleArea(2.35, 48.86, 20.0, place="Paris", country_code="FR", also_tagged=True),
    ],
)
def test_areas_round_trip_through_json(area: BoxArea | CircleArea) -> None:
    assert area_from_json(area.to_json()) == area


@pytest.mark.parametrize(
    "stored", [None, [], {"kind": "hexagon"}, {"kind": "box", "west": "x"}, {"kind": "circle"}]
)
def test_damaged_stored_areas_are_errors(stored: object) -> None:
    with pytest.raises(AreaError):
        area_from_json(stored)


def test_a_named_city_is_a_circle_around_it() -> None:
    paris = named_area("Paris", 20.0)
    assert paris.place == "Paris" and paris.country_code == "FR" and not paris.is_country
    assert paris.contains(2.35, 48.86)
    assert paris.radius_km == 20.0
    assert paris.label == "Paris +20 km"


def test_a_named_country_is_a_country() -> None:
    france = named_area("France", 500.0, also_tagged=True)
    assert france.is_country and france.country_code == "FR"


def test_an_unknown_place_name_is_a_one_line_error() -> None:
    with pytest.raises(AreaError, match="does not know a place called 'Narnia'"):
        named_area("Narnia")
    with pytest.raises(AreaError, match="Type a place name"):
        named_area("   ")


def test_a_post_is_inside_by_the_point_it_is_drawn_at() -> None:
    from datetime import UTC, datetime

    from geotweets_desktop.core.area.inside import post_inside
    from geotweets_desktop.core.post import LOCATION_KINDS, Location, Post

    def post(location: Location | None) -> Post:
        return Post("1", datetime(2026, 11, 30, tzinfo=UTC), "t", "A", "a", (), location, "{}")

    areas = [parse_bbox("-0.5,51.3,0.3,51.7"), parse_around("2.35,48.86,10")]
    for kind in LOCATION_KINDS:
        assert post_inside(post(Location(-0.1, 51.5, kind, 10.0)), areas)
        assert post_inside(post(Location(2.36, 48.87, kind, 10.0)), areas)
        assert not post_inside(post(Location(4.9, 52.37, kind, 10.0)), areas)
    assert not post_inside(post(None), areas)
