"""One location per post, and how it was found: exact point > place box > profile."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fixtures_v2 import (
    MELBOURNE_BBOX,
    PLACE_ID,
    SYDNEY_POINT,
    place,
    stream_object,
    user,
)

from geotweets_desktop.core.geolocate import (
    PROFILE_RADIUS_M,
    exact_from_point,
    haversine_m,
    locate_v2,
    place_from_bbox,
    valid_lon_lat,
)
from geotweets_desktop.core.post import Location


def reference_haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance written out independently (mean Earth radius, IUGG)."""
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (1 - math.cos(p2 - p1)) / 2 + math.cos(p1) * math.cos(p2) * (
        1 - math.cos(math.radians(lon2 - lon1))
    ) / 2
    return 2 * r * math.asin(math.sqrt(h))


# --- exact points: GeoJSON [lon, lat] ----------------------------------------


def test_point_in_sydney_keeps_geojson_order() -> None:
    loc = exact_from_point([151.2, -33.87])
    assert loc == Location(lon=151.2, lat=-33.87, kind="exact", radius_m=0.0)


def test_point_order_is_never_swapped_even_when_both_orders_are_valid() -> None:
    # [lon=10, lat=50] (Germany) and [lon=50, lat=10] (Gulf of Aden) are both valid.
    loc = exact_from_point([10.0, 50.0])
    assert loc is not None
    assert (loc.lon, loc.lat) == (10.0, 50.0)


def test_point_given_as_tuple_and_integers() -> None:
    loc = exact_from_point((2, 48))
    assert loc is not None
    assert (loc.lon, loc.lat) == (2.0, 48.0)
    assert isinstance(loc.lon, float)
    assert isinstance(loc.lat, float)


@pytest.mark.parametrize("point", [[180, 90], [-180, -90], [0, 0]])
def test_point_on_the_range_edges_is_valid(point: list[float]) -> None:
    assert exact_from_point(point) is not None


@pytest.mark.parametrize(
    "point",
    [
        [-33.87, 151.2],  # Sydney with lat/lon swapped: latitude 151 is impossible
        [180.0001, 0],
        [-180.5, 0],
        [0, 90.0001],
        [0, -91],
        [math.nan, 0],
        [0, math.nan],
        [math.inf, 0],
        [0, -math.inf],
        [True, 10],
        [10, False],
        ["151.2", "-33.87"],
        [None, None],
        [151.2],
        [151.2, -33.87, 10.0],
        [],
        "151.2,-33.87",
        None,
        {"lon": 151.2, "lat": -33.87},
    ],
)
def test_invalid_points_are_rejected(point: Any) -> None:
    assert exact_from_point(point) is None


@pytest.mark.parametrize(
    ("lon", "lat", "ok"),
    [
        (0, 0, True),
        (-180, 90, True),
        (179.999, -89.999, True),
        (181, 0, False),
        (0, 91, False),
        (math.nan, 0, False),
        (0, math.inf, False),
        (True, 0, False),
        (0, "1", False),
        (None, 0, False),
    ],
)
def test_valid_lon_lat(lon: object, lat: object, ok: bool) -> None:
    assert valid_lon_lat(lon, lat) is ok


# --- place boxes: [west, south, east, north] ----------------------------------


def test_bbox_centre_and_radius() -> None:
    west, south, east, north = MELBOURNE_BBOX
    loc = place_from_bbox(MELBOURNE_BBOX, "Melbourne, Victoria")
    assert loc is not None
    assert loc.kind == "place"
    assert loc.label == "Melbourne, Victoria"
    assert loc.lon == pytest.approx((west + east) / 2)
    assert loc.lat == pytest.approx((south + north) / 2)
    assert (loc.lon, loc.lat) == pytest.approx((145.0, -37.8))
    # The radius reaches the farthest corner (south of the equator: a northern one).
    corners = [(x, y) for x in (west, east) for y in (south, north)]
    assert loc.radius_m == pytest.approx(
        max(reference_haversine_m(loc.lon, loc.lat, x, y) for x, y in corners), rel=1e-9
    )
    # About 11 km from the centre of a 0.2° x 0.2° box to its corner at 38° S.
    assert 10_000 < loc.radius_m < 15_000


def test_bbox_radius_covers_every_corner_to_within_one_percent() -> None:
    for bbox in (MELBOURNE_BBOX, [-0.51, 51.28, 0.33, 51.69], [177, -19, -179, -16]):
        loc = place_from_bbox(bbox)
        assert loc is not None
        west, south, east, north = bbox
        farthest = max(
            reference_haversine_m(loc.lon, loc.lat, lon, lat)
            for lon in (west, east)
            for lat in (south, north)
        )
        assert loc.radius_m >= farthest * 0.99


@pytest.mark.parametrize(
    ("bbox", "centre_lon"),
    [
        ([177, -19, 181, -16], 179.0),  # east edge run past 180 instead of wrapping
        ([179, 0, 183, 2], -179.0),  # ... with the centre east of 180
        ([-183, 0, -179, 2], 179.0),  # west edge run past -180
        ([170, 0, 190, 2], 180.0),
    ],
)
def test_antimeridian_boxes_written_with_a_longitude_past_180(
    bbox: list[float], centre_lon: float
) -> None:
    loc = place_from_bbox(bbox)
    assert loc is not None
    assert loc.lon == pytest.approx(centre_lon)
    assert -180 <= loc.lon <= 180
    # As narrow as the box, not the width of the world.
    assert loc.radius_m < 1_200_000


def test_a_box_at_the_pole_and_points_beyond_web_mercator() -> None:
    loc = place_from_bbox([-180, 80, 180, 90])
    assert loc is not None and (loc.lon, loc.lat) == (0.0, 85.0)
    point = exact_from_point([15.6, 89.9])
    assert point is not None and point.lat == 89.9


def test_bbox_is_not_read_as_south_west_north_east() -> None:
    # London: [west, south, east, north]. Read in the wrong order the centre would
    # land at lat -0.09 (in the Gulf of Guinea) or the box would be rejected.
    loc = place_from_bbox([-0.51, 51.28, 0.33, 51.69])
    assert loc is not None
    assert loc.lon == pytest.approx(-0.09)
    assert loc.lat == pytest.approx(51.485)


def test_antimeridian_box_centre_is_on_the_antimeridian_side() -> None:
    # A Fiji-like box: west edge 177° E, east edge 179° W.
    bbox = [177, -19, -179, -16]
    loc = place_from_bbox(bbox, "Fiji-ish")
    assert loc is not None
    assert loc.lon == pytest.approx(179.0)  # not -1 (the far side of the world)
    assert loc.lat == pytest.approx(-17.5)
    assert -180 <= loc.lon <= 180
    corners = [(x, y) for x in (177, -179) for y in (-19, -16)]
    expected = max(reference_haversine_m(179.0, -17.5, x, y) for x, y in corners)
    assert loc.radius_m == pytest.approx(expected, rel=1e-9)
    # A box 4° wide and 3° tall: a few hundred km, not half the planet.
    assert 200_000 < loc.radius_m < 300_000


def test_antimeridian_box_whose_centre_falls_east_of_180_is_normalised() -> None:
    # West 179° E, east 177° W: the centre is 180 + 1 = 181° → -179°.
    loc = place_from_bbox([179, 0, -177, 2])
    assert loc is not None
    assert loc.lon == pytest.approx(-179.0)
    assert loc.lat == pytest.approx(1.0)
    assert loc.radius_m == pytest.approx(reference_haversine_m(-179, 1, 179, 0), rel=1e-9)


def test_degenerate_box_is_a_point_with_zero_radius() -> None:
    loc = place_from_bbox([13.4, 52.5, 13.4, 52.5])
    assert loc is not None
    assert (loc.lon, loc.lat, loc.radius_m) == (13.4, 52.5, 0.0)


@pytest.mark.parametrize(
    "bbox",
    [
        [0, 10, 1, 9],  # south above north
        [0, -91, 1, 0],
        [0, 0, 361, 1],  # past ±180 by more than one turn
        [-190, 0, 175, 1],  # wider than the world
        [0, 0, 200, 1, 2],
        [math.nan, 0, 1, 1],
        [0, 0, 1, math.inf],
        [True, 0, 1, 1],
        ["0", "0", "1", "1"],
        [0, 0, 1],
        [0, 0, 1, 1, 2],
        None,
        "0,0,1,1",
    ],
)
def test_invalid_boxes_are_rejected(bbox: Any) -> None:
    assert place_from_bbox(bbox) is None


def test_module_haversine_matches_reference() -> None:
    # London → Paris, about 344 km.
    d = haversine_m(-0.1276, 51.5072, 2.3522, 48.8566)
    assert d == pytest.approx(reference_haversine_m(-0.1276, 51.5072, 2.3522, 48.8566))
    assert 340_000 < d < 348_000
    assert haversine_m(10, 10, 10, 10) == 0.0
    # Across the antimeridian the short way round: 2° of longitude at the equator.
    assert haversine_m(179, 0, -179, 0) == pytest.approx(222_390, rel=1e-3)


# --- locate_v2: priority and lookups -----------------------------------------


class RecordingMatcher:
    """A stand-in for the gazetteer: records what it is asked, answers Paris."""

    def __init__(self, answer: Location | None = None) -> None:
        self.calls: list[str] = []
        self.answer = (
            Location(lon=2.35, lat=48.86, kind="profile", radius_m=PROFILE_RADIUS_M, label="Paris")
            if answer is None
            else answer
        )

    def __call__(self, text: str) -> Location | None:
        self.calls.append(text)
        return self.answer


def _locate(obj: dict[str, Any], matcher: RecordingMatcher | None = None) -> Location | None:
    return locate_v2(obj["data"], obj["includes"], matcher)


def test_exact_point_wins_over_place_and_profile() -> None:
    matcher = RecordingMatcher()
    obj = stream_object(
        point=list(SYDNEY_POINT),
        place_id=PLACE_ID,
        places=[place()],
        author=user(location="Paris, France"),
    )
    loc = _locate(obj, matcher)
    # The place box is not used, but the place's name is kept with the point.
    assert loc == Location(
        lon=151.2, lat=-33.87, kind="exact", radius_m=0.0, label="Melbourne, Victoria"
    )
    assert matcher.calls == []


def test_place_wins_over_profile() -> None:
    matcher = RecordingMatcher()
    obj = stream_object(place_id=PLACE_ID, places=[place()], author=user(location="Paris"))
    loc = _locate(obj, matcher)
    assert loc is not None
    assert loc.kind == "place"
    assert loc.label == "Melbourne, Victoria"
    assert (loc.lon, loc.lat) == pytest.approx((145.0, -37.8))
    assert matcher.calls == []


def test_profile_used_when_nothing_else_and_called_with_the_authors_location() -> None:
    matcher = RecordingMatcher()
    obj = stream_object(author=user(location="  Paris, France  "))
    loc = _locate(obj, matcher)
    assert loc is matcher.answer
    assert matcher.calls == ["  Paris, France  "]


def test_profile_matcher_gets_the_author_not_another_included_user() -> None:
    matcher = RecordingMatcher()
    obj = stream_object(author=user("111", location="Lagos, Nigeria"))
    # A quoted/mentioned user also appears in includes.users, listed first.
    obj["includes"]["users"].insert(0, user("222", username="other", location="Oslo"))
    _locate(obj, matcher)
    assert matcher.calls == ["Lagos, Nigeria"]


def test_invalid_point_falls_back_to_the_place() -> None:
    obj = stream_object(point=[-33.87, 151.2], place_id=PLACE_ID, places=[place()])
    loc = _locate(obj)
    assert loc is not None
    assert loc.kind == "place"


def test_place_id_not_in_includes_falls_back_to_profile() -> None:
    matcher = RecordingMatcher()
    obj = stream_object(
        place_id="feedfacefeedface", places=[place()], author=user(location="Paris")
    )
    loc = _locate(obj, matcher)
    assert loc is not None
    assert loc.kind == "profile"
    assert matcher.calls == ["Paris"]


def test_place_id_without_any_places_and_no_matcher_gives_none() -> None:
    obj = stream_object(place_id=PLACE_ID, author=user(location="Paris"))
    assert _locate(obj) is None


def test_place_with_a_broken_box_falls_back_to_profile() -> None:
    matcher = RecordingMatcher()
    obj = stream_object(
        place_id=PLACE_ID, places=[place(bbox=[0, 10, 1, 9])], author=user(location="Paris")
    )
    loc = _locate(obj, matcher)
    assert loc is not None
    assert loc.kind == "profile"


def test_the_place_matching_the_id_is_used_among_several() -> None:
    other = place("aaaaaaaaaaaaaaaa", bbox=[-0.51, 51.28, 0.33, 51.69], full_name="London")
    obj = stream_object(place_id=PLACE_ID, places=[other, place()])
    loc = _locate(obj)
    assert loc is not None
    assert loc.label == "Melbourne, Victoria"


@pytest.mark.parametrize("location", [None, "", "   ", 42])
def test_no_usable_profile_text_means_the_matcher_is_not_called(location: Any) -> None:
    matcher = RecordingMatcher()
    author = user()
    if location is not None:
        author["location"] = location
    assert _locate(stream_object(author=author), matcher) is None
    assert matcher.calls == []


def test_matcher_saying_no_gives_none() -> None:
    class No(RecordingMatcher):
        def __call__(self, text: str) -> Location | None:
            self.calls.append(text)
            return None

    matcher = No()
    assert _locate(stream_object(author=user(location="in your heart")), matcher) is None
    assert matcher.calls == ["in your heart"]


def test_author_missing_from_includes_gives_none() -> None:
    matcher = RecordingMatcher()
    obj = stream_object(author=user(location="Paris"))
    obj["includes"]["users"] = []
    assert _locate(obj, matcher) is None
    assert matcher.calls == []


def test_no_geo_no_matcher_gives_none() -> None:
    assert _locate(stream_object(author=user(location="Paris"))) is None


@pytest.mark.parametrize("geo", [None, "somewhere", [], {"coordinates": "151,-33"}])
def test_malformed_geo_is_tolerated(geo: Any) -> None:
    obj = stream_object()
    obj["data"]["geo"] = geo
    assert _locate(obj) is None
