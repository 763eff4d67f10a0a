"""Matching an author's profile location text to a city, state or country, offline."""

from __future__ import annotations

import pytest

from geotweets_desktop.core.gazetteer import Region, gazetteer, locate_profile, normalise
from geotweets_desktop.core.geolocate import PROFILE_RADIUS_M, haversine_m
from geotweets_desktop.core.post import COARSE_RADIUS_M
from geotweets_desktop.core.profile_text import coordinates

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


# --- countries and states ------------------------------------------------------

# (text, ISO country, admin1 or "" for the whole country)
REGIONS = [
    ("Nigeria", "NG", ""),
    ("España", "ES", ""),
    ("Deutschland", "DE", ""),
    ("USA", "US", ""),
    ("UK", "GB", ""),
    ("Texas", "US", "TX"),
    ("TX", "US", "TX"),
    ("California, USA", "US", "CA"),
    ("Georgia, USA", "US", "GA"),
    ("Ontario, Canada", "CA", "08"),
    ("Scotland", "GB", "SCT"),
    ("Mexico", "MX", ""),
    # every country's states and provinces, by their GeoNames names ...
    ("Galicia, España", "ES", "58"),
    ("Bavaria", "DE", "02"),
    ("Odisha", "IN", "21"),
    ("Gauteng", "ZA", "06"),
    ("Île-de-France", "FR", "11"),
    ("Hokkaido", "JP", "12"),
    ("Katsina State", "NG", "24"),
    # ... and by local or old names
    ("Bayern", "DE", "02"),
    ("Orissa", "IN", "21"),
    ("Lombardia", "IT", "09"),
]


@pytest.mark.parametrize(("text", "country", "admin1"), REGIONS)
def test_countries_and_states_are_coarse_places_inside_them(
    text: str, country: str, admin1: str
) -> None:
    place = gazetteer().place(text)
    assert isinstance(place, Region), text
    assert (place.country_code, place.admin1) == (country, admin1)
    assert gazetteer().match(text) is None  # match() is for cities only
    loc = locate_profile(text)
    assert loc is not None
    assert loc.kind == "profile"
    assert loc.coarse
    assert loc.radius_m == place.radius_m >= COARSE_RADIUS_M
    # The centre is one of the region's own cities: on land, inside the region.
    assert any(
        (c.lat, c.lon) == (place.lat, place.lon)
        and c.country_code == country
        and (not admin1 or c.admin1 == admin1)
        for c in gazetteer().cities
    )


def test_a_country_centre_is_its_population_centre() -> None:
    us = gazetteer().place("United States")
    assert isinstance(us, Region)
    # The US mean centre of population is in southern Missouri.
    assert _km((us.lon, us.lat), (-92.2, 37.4)) < 300
    assert us.label == "United States"
    texas = gazetteer().place("Texas")
    assert isinstance(texas, Region)
    assert texas.label == "Texas, United States"


@pytest.mark.parametrize(
    "text",
    [
        "Georgia",  # the country or the state
        "Washington",  # the state or the capital
        "CA",  # California or Canada
        "IN",  # Indiana or India
        "Punjab",  # in India or in Pakistan
    ],
)
def test_a_name_of_two_regions_gives_no_answer(text: str) -> None:
    assert gazetteer().place(text) is None
    assert locate_profile(text) is None


def test_a_region_is_labelled_by_its_english_name_and_covers_its_cities() -> None:
    galicia = locate_profile("Galicia, España")
    assert galicia is not None and galicia.label == "Galicia, Spain"
    # Its radius reaches its farthest city (Ferrol, in the north-west corner).
    ferrol = gazetteer().match("Ferrol, Spain")
    assert ferrol is not None
    assert galicia.radius_m >= haversine_m(galicia.lon, galicia.lat, ferrol.lon, ferrol.lat)


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Madrid", "Madrid", "ES"),  # also the Community of Madrid
        ("Buenos Aires", "Buenos Aires", "AR"),  # the province is elsewhere
        ("Katsina", "Katsina", "NG"),  # "Katsina State" without its last word
        ("Sofia", "Sofia", "BG"),  # two provinces of that name
    ],
)
def test_a_region_name_that_is_a_big_city_stays_the_city(
    text: str, name: str, country: str
) -> None:
    city = gazetteer().match(text)
    assert city is not None and (city.name, city.country_code) == (name, country)


@pytest.mark.parametrize(
    "text",
    ["Central", "Coast", "North West", "Capital Region", "Western", "Centre"],
)
def test_generic_region_names_are_no_answer(text: str) -> None:
    assert locate_profile(text) is None


@pytest.mark.parametrize(
    "text",
    ["london- earls court sw5", "Earls Court, London", "London SW5", "EARLS COURT, LONDON"],
)
def test_a_neighbourhood_or_postcode_beside_the_city_gives_the_city(text: str) -> None:
    city = gazetteer().match(text)
    assert city is not None and (city.name, city.country_code) == ("London", "GB")
    loc = locate_profile(text)
    assert loc is not None and loc.radius_m == PROFILE_RADIUS_M


@pytest.mark.parametrize(
    "text",
    [
        "Earls Court",  # a neighbourhood alone: of which city?
        "Earls Court, Manchester",  # not that city's
        "Earls Court, England",  # a region is no city to be part of
    ],
)
def test_a_neighbourhood_needs_its_own_city_beside_it(text: str) -> None:
    assert locate_profile(text) is None


def test_a_region_hint_reads_a_code_the_way_that_fits() -> None:
    tbilisi = gazetteer().match("Tbilisi, Georgia")
    assert tbilisi is not None
    assert tbilisi.country_code == "GE"
    perth = gazetteer().match("Perth, WA")  # Western Australia, not Washington
    assert perth is not None
    assert perth.country_code == "AU"


# --- positions written as text ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lat", "lon"),
    [
        ("40.7128,-74.0060", 40.7128, -74.006),
        ("40.7128, -74.0060", 40.7128, -74.006),
        ("ÜT: 40.71,-74.00", 40.71, -74.0),
        ("ÜT: 51.507351,-0.127758", 51.507351, -0.127758),
        ("iPhone: -33.868820,151.209296", -33.86882, 151.209296),
        ("40.7128° N, 74.0060° W", 40.7128, -74.006),
    ],
)
def test_coordinates_are_read_as_lat_then_lon(text: str, lat: float, lon: float) -> None:
    loc = locate_profile(text)
    assert loc is not None
    assert loc.kind == "profile"
    assert (loc.lat, loc.lon) == pytest.approx((lat, lon))
    assert loc.radius_m == PROFILE_RADIUS_M
    assert gazetteer().place(text) is None  # a position is not a place name


@pytest.mark.parametrize(
    "text",
    [
        "91.5, 45.0",  # latitude out of range
        "12.5, 200.25",  # longitude out of range
        "0.0, 0.0",  # "Null Island"
        "12, 34",  # no decimals, no tag: a street number?
        "127.0.0.1",
    ],
)
def test_impossible_or_doubtful_coordinates_give_nothing(text: str) -> None:
    assert coordinates(text) is None
    assert locate_profile(text) is None


# --- what people write around a place ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("london uk 🇬🇧", "London", "GB"),
        ("LA", "Los Angeles", "US"),
        ("SF", "San Francisco", "US"),
        ("CDMX", "Mexico City", "MX"),
        ("KL", "Kuala Lumpur", "MY"),
        ("Brooklyn, NY 11201", "Brooklyn", "US"),
        ("based in London", "London", "GB"),
        ("LIVING IN LONDON", "London", "GB"),
        ("London | she/her", "London", "GB"),
        ("Toronto, ON", "Toronto", "CA"),
        ("Sydney NSW", "Sydney", "AU"),
        ("Manchester, England", "Manchester", "GB"),
        ("Ciudad de México", "Mexico City", "MX"),
        ("Zürich", "Zürich", "CH"),
        ("東京", "Tokyo", "JP"),
        ("Москва", "Moscow", "RU"),
        ("القاهرة", "Cairo", "EG"),
        ("서울", "Seoul", "KR"),
        ("日本・東京", "Tokyo", "JP"),
        ("USA, New York", "New York City", "US"),  # the wider place first
        ("East London, UK", "London", "GB"),  # not East London, South Africa
        ("East London, South Africa", "East London", "ZA"),
        ("North Las Vegas", "North Las Vegas", "US"),
        ("Lagos 🇵🇹", "Lagos", "PT"),  # a flag settles a namesake
        ("Houston 🇳🇬", "Houston", "US"),  # a flag that fits nothing is ignored
        ("Of, Turkey", "Of", "TR"),
    ],
)
def test_places_as_people_write_them(text: str, name: str, country: str) -> None:
    city = gazetteer().match(text)
    assert city is not None, text
    assert (city.name, city.country_code) == (name, country)


@pytest.mark.parametrize(
    "text",
    [
        "Texas & Paris",  # two places
        "London and Paris",
        "NYC → LA",
        "Lisbon / Berlin",
        "Hogwarts, Scotland",  # a made-up place beside a real one
        "East London",  # the east of London, or the city in South Africa
        "Europe",  # too wide
        "North America",  # not "north" + America
        "#NYC",  # a hashtag
        "🇺🇸",  # a flag alone
        "https://example.com/london",
        "@london",
    ],
)
def test_texts_that_name_no_single_place(text: str) -> None:
    assert gazetteer().place(text) is None
    assert locate_profile(text) is None


# --- common words and alternate names ------------------------------------------------


@pytest.mark.parametrize("text", ["Nice", "Reading", "Mobile", "Bath", "Split", "Cork"])
def test_a_well_known_common_word_city_alone_in_capitals(text: str) -> None:
    city = gazetteer().match(text)
    assert city is not None
    assert city.name == text


@pytest.mark.parametrize(
    "text",
    [
        "nice",
        "reading",
        "mobile",
        "split",
        "Man",
        "Of",
        "Sale",
        "Hope",
        "Love",
        "Home",
        "Union",
        "Orange",
        "Atlantis",  # a town in South Africa, and a myth
        "Jupiter",  # a town in Florida, and a planet
    ],
)
def test_a_lone_common_word_is_not_a_city(text: str) -> None:
    assert gazetteer().place(text) is None


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("nice, france", "Nice", "FR"),
        ("Mobile, AL", "Mobile", "US"),
        ("Sale, UK", "Sale", "GB"),
        ("Man, Côte d'Ivoire", "Man", "CI"),
        ("Atlantis, South Africa", "Atlantis", "ZA"),
    ],
)
def test_a_common_word_city_with_a_hint(text: str, name: str, country: str) -> None:
    city = gazetteer().match(text)
    assert city is not None
    assert (city.name, city.country_code) == (name, country)


def test_noisy_alternate_names_are_not_indexed() -> None:
    g = gazetteer()
    assert g.place("Soul") is None  # an alternate name of Seoul: a word
    assert g.place("LHR") is None  # an airport code (capitals only)
    islamabad = g.match("Islamabad")  # also an old name of Chattogram
    assert islamabad is not None
    assert islamabad.country_code == "PK"
    manchester = g.match("Manchester")  # also an old name of places in the US
    assert manchester is not None
    assert manchester.country_code == "GB"


def test_useful_alternate_names_are_indexed() -> None:
    for text, name in [
        ("Cologne", "Köln"),
        ("Bombay", "Mumbai"),
        ("Den Haag", "The Hague"),
        ("München", "Munich"),
        ("St. Petersburg", "Saint Petersburg"),
    ]:
        city = gazetteer().match(text)
        assert city is not None, text
        assert city.name == name
