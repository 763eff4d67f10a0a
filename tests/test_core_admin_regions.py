"""Naming every country's states and provinces from the pinned GeoNames extract."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

from geotweets_desktop.core.admin_regions import (
    ExtractPlace,
    admin1_names,
    data_path,
    localities,
    read_places,
)


@dataclass(frozen=True)
class FakeCity:
    name: str
    lat: float
    lon: float
    country_code: str
    admin1: str


def _place(city: str, lat: float, lon: float, state: str, population: int = 50_000) -> ExtractPlace:
    return ExtractPlace("XX", city, lat, lon, population, state)


def test_a_region_takes_the_name_most_of_its_cities_carry() -> None:
    cities = [
        FakeCity("Alpha", 10.0, 20.0, "XX", "01"),
        FakeCity("Beta", 11.0, 20.0, "XX", "01"),
        FakeCity("Gamma", 12.0, 20.0, "XX", "01"),
    ]
    places = [
        _place("Alpha", 10.01, 20.0, "North Province"),
        _place("Beta", 11.0, 20.01, "North Province"),
        _place("Gamma", 12.0, 20.0, "Misfiled"),
    ]
    assert admin1_names(cities, places) == {("XX", "01"): "North Province"}


def test_a_namesake_far_away_or_in_another_country_does_not_vote() -> None:
    cities = [FakeCity("Alpha", 10.0, 20.0, "XX", "01")]
    places = [
        _place("Alpha", 40.0, 20.0, "Far Province"),  # 3,000 km away
        ExtractPlace("YY", "Alpha", 10.0, 20.0, 50_000, "Other Country"),
    ]
    assert admin1_names(cities, places) == {}


def test_small_places_are_localities() -> None:
    places = [_place("Hamlet", 1.0, 1.0, "", 900), _place("Town", 2.0, 2.0, "", 40_000)]
    assert [p.city for p in localities(places)] == ["Hamlet"]


def test_the_extract_is_read_from_its_file(tmp_path: Path) -> None:
    path = tmp_path / "geocode.gz"
    path.write_bytes(
        gzip.compress(
            b'[{"country_code":"ES","city":"Lugo","latitude":43.0,"longitude":-7.55,'
            b'"population":98000,"state":"Galicia"},'
            b'{"country_code":"AD","city":"Vila","latitude":42.5,"longitude":1.56,"population":1418}]'
        )
    )
    assert read_places(path) == [
        ExtractPlace("ES", "Lugo", 43.0, -7.55, 98000, "Galicia"),
        ExtractPlace("AD", "Vila", 42.5, 1.56, 1418, ""),
    ]


def test_the_installed_package_ships_the_extract() -> None:
    assert data_path().is_file()
