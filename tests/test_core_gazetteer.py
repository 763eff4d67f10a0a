"""Matching an author's profile location text to a city, offline."""

from __future__ import annotations

import pytest

from geotweets_desktop.core.gazetteer import gazetteer, locate_profile, normalise
from geotweets_desktop.core.geolocate import PROFILE_RADIUS_M, haversine_m

# (text, city name, ISO country, (lon, lat) of the real city)
KNOWN = [
    ("London", "London", "GB", (-0.13, 51.51)),
    ("London, UK", "London", "GB", (-0.13, 51.51)),
    ("london,   england", "London", "GB", (-0.13, 51.51)),
    ("Paris, France", "Paris", "FR", (2.35, 48.86)),
    ("Paris, TX", "Paris", "US", (-95.56, 33.66)),
    ("Paris, Texas", "Paris", "US", (-95.56, 33.66)),
    ("São Paulo, Brasil", "São Paulo", "BR", (-46.63, -23.55)),
    ("sao paulo", "São Paulo", "BR", (-46.63, -23.55)),
    ("Berlin | Germany", "Berlin", "DE", (13.41, 52.52)),
    ("Berlin, Deutschland", "Berlin", "DE", (13.41, 52.52)),
    ("NYC", "New York City", "US", (-74.01, 40.71)),
    ("Tokyo", "Tokyo", "JP", (139.69, 35.69)),
    ("Sydney, Australia", "Sydney", "AU", (151.21, -33.87)),
    ("Austin, TX", "Austin", "US", (-97.74, 30.27)),
    ("Seattle, WA", "Seattle", "US", (-122.33, 47.61)),
]

VAGUE = [
    "Earth",
    "in your heart",
    "she/her",
    "somewhere over the rainbow",
    "",
    "   ",
    ",,,",
    "🌍",
    "Paris, Narnia",  # a hint that names nothing is no licence to guess
    "London, France",  # a hint that contradicts the city
]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return haversine_m(a[0], a[1], b[0], b[1]) / 1000


@pytest.mark.parametrize(("text", "name", "country", "where"), KNOWN)
def test_match_known_places(text: str, name: str, country: str, where: tuple[float, float]) -> None:
    city = gazetteer().match(text)
    assert city is not None, text
    assert city.name == name
    assert city.country_code == country
    assert _km((city.lon, city.lat), where) < 5


def test_paris_france_and_paris_texas_are_an_ocean_apart() -> None:
    fr = gazetteer().match("Paris, France")
    tx = gazetteer().match("Paris, TX")
    assert fr is not None
    assert tx is not None
    assert tx.admin1 == "TX"
    assert _km((fr.lon, fr.lat), (tx.lon, tx.lat)) > 7000


@pytest.mark.parametrize("text", VAGUE)
def test_vague_profile_texts_match_nothing(text: str) -> None:
    assert gazetteer().match(text) is None
    assert locate_profile(text) is None


@pytest.mark.parametrize(("text", "name", "country", "where"), KNOWN)
def test_locate_profile_gives_a_profile_location(
    text: str, name: str, country: str, where: tuple[float, float]
) -> None:
    loc = locate_profile(text)
    assert loc is not None
    assert loc.kind == "profile"
    assert loc.radius_m == PROFILE_RADIUS_M
    assert -180 <= loc.lon <= 180
    assert -90 <= loc.lat <= 90
    assert _km((loc.lon, loc.lat), where) < 5
    assert loc.label.startswith(name + ", ")


def test_locate_profile_label_names_the_country() -> None:
    london = locate_profile("London, UK")
    assert london is not None
    assert london.label == "London, United Kingdom"
    sp = locate_profile("sao paulo")
    assert sp is not None
    assert sp.label == "São Paulo, Brazil"


def test_locate_profile_never_swaps_lon_and_lat() -> None:
    loc = locate_profile("Sydney, Australia")
    assert loc is not None
    assert loc.lon == pytest.approx(151.2, abs=0.1)
    assert loc.lat == pytest.approx(-33.87, abs=0.1)


def test_gazetteer_is_shared_and_built_once() -> None:
    assert gazetteer() is gazetteer()
    assert len(gazetteer().cities) > 20_000


def test_every_city_has_valid_coordinates() -> None:
    for city in gazetteer().cities:
        assert -180 <= city.lon <= 180
        assert -90 <= city.lat <= 90
        assert city.name


@pytest.mark.parametrize(
    ("text", "expected"),
    [("São Paulo", "sao paulo"), ("  ZÜRICH\t ", "zurich"), ("Kraków", "krakow")],
)
def test_normalise_folds_case_accents_and_spaces(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("Los Angeles, CA", "CA"),
        ("Chicago, IL", "IL"),
        ("Atlanta, GA", "GA"),
        ("Philadelphia, PA", "PA"),
        ("Boston, MA", "MA"),
        ("Denver, CO", "CO"),
        ("Phoenix, AZ", "AZ"),
        ("Nashville, TN", "TN"),
    ],
)
def test_us_city_with_a_state_code_that_is_also_a_country_code(text: str, state: str) -> None:
    city = gazetteer().match(text)
    assert city is not None
    assert city.country_code == "US"
    assert city.admin1 == state


def test_ambiguous_state_or_country_hint_does_not_pick_the_wrong_city() -> None:
    city = gazetteer().match("Richmond, CA")
    assert city is None or city.country_code == "US"
