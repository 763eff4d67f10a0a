"""The offline demo: a synthetic stream of made-up posts for any terms.

Posts are built in X API v2's wire format and go through the same parser and
locator as real ones. They are placed at real cities (GeoNames, weighted by
population) and mix every location kind: an exact point near the city, a
place box around it, or only the author's profile text naming it; about one
post in ten cannot be located at all, as on X. Pace: a few posts a second
with an occasional burst.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from datetime import UTC, datetime
from typing import Any

from geotweets_desktop.core.gazetteer import City, gazetteer, locate_profile
from geotweets_desktop.core.payload import post_from_v2
from geotweets_desktop.core.rules import make_tag, term_from_tag
from geotweets_desktop.sources.base import Sink, StatusEvent

BASE_RATE = 5.0  # posts a second between bursts
BURST_RATE = 30.0
BURST_SECONDS = 3.0
BURST_EVERY = (12.0, 25.0)  # seconds between bursts, drawn uniformly

_TEMPLATES = (
    "{term} again today in {city} ☔",
    "Anyone else seeing {term} right now? #{city_tag}",
    "Can't believe the {term} here. Stay safe everyone 🙏",
    "{term} all morning, coffee helps ☕",
    "Photo from downtown {city}: {term} everywhere 📷",
    "{term} في {city} اليوم",
    "{city}で{term}。すごい!",
    "Hoy {term} en {city}, increíble 😮",
    "Encore du {term} à {city}…",
    "{term} 🌍 “quoted” & <not html>",
)
_VAGUE_PROFILES = ("somewhere over the rainbow", "in your heart", "Earth", "she/her")
_FIRST = ("Alex", "Sam", "Noor", "Kenji", "Lucía", "Amara", "Jonas", "Priya", "Mateo", "Yara")
_LAST = ("Rivera", "Okafor", "Haddad", "Sato", "Novak", "Silva", "Berg", "Kaur", "Dubois")


class DemoSource:
    label = "Demo (synthetic)"
    synthetic = True

    def __init__(
        self,
        terms: list[str],
        *,
        session_key: str = "demo",
        seed: int | None = None,
        rate: float = BASE_RATE,
    ) -> None:
        self.terms = list(terms)
        self._key = session_key
        self._rng = random.Random(seed)
        self._rate = rate
        self._stop = threading.Event()
        self._ids = itertools.count(1_900_000_000_000_000_000 + self._rng.randrange(10**15))

    def stop(self) -> None:
        self._stop.set()

    def run(self, sink: Sink) -> None:
        sink.status(StatusEvent("connecting", "Preparing the synthetic stream"))
        cities = gazetteer().cities
        weights = list(itertools.accumulate(c.population for c in cities))
        sink.status(StatusEvent("live", "Synthetic posts, made up on this computer"))
        next_burst = time.monotonic() + self._rng.uniform(*BURST_EVERY)
        burst_end = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_burst:
                burst_end = now + BURST_SECONDS
                next_burst = burst_end + self._rng.uniform(*BURST_EVERY)
            rate = BURST_RATE if now < burst_end else self._rate
            city = self._rng.choices(cities, cum_weights=weights)[0]
            obj = self.make_payload(city)
            post = post_from_v2(obj, self._term_for_tag, locate_profile, synthetic=True)
            sink.posts([post])
            self._stop.wait(self._rng.expovariate(rate))
        sink.status(StatusEvent("stopped", "Demo stopped"))

    def _term_for_tag(self, tag: str) -> str | None:
        return term_from_tag(tag, self._key)

    def make_payload(self, city: City) -> dict[str, Any]:
        """One synthetic post about `city`, in X API v2 stream format."""
        rng = self._rng
        post_id = str(next(self._ids))
        user_id = str(rng.randrange(10**9, 10**10))
        matched = [rng.choice(self.terms)]
        if len(self.terms) > 1 and rng.random() < 0.08:
            matched = rng.sample(self.terms, 2)
        text = rng.choice(_TEMPLATES).format(
            term=matched[0].strip('"'), city=city.name, city_tag=city.name.replace(" ", "")
        )
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        user = {
            "id": user_id,
            "name": f"{first} {last} (demo)",
            "username": f"demo_{first.lower()}{rng.randrange(100, 999)}",
            "location": "",
        }
        data: dict[str, Any] = {
            "id": post_id,
            "text": text,
            "created_at": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "author_id": user_id,
            "lang": "und",
        }
        includes: dict[str, Any] = {"users": [user]}
        roll = rng.random()
        if roll < 0.2:  # an exact point within a few km of the centre
            lon = city.lon + rng.gauss(0, 0.03)
            lat = city.lat + rng.gauss(0, 0.03)
            data["geo"] = {"coordinates": {"type": "Point", "coordinates": [lon, lat]}}
        elif roll < 0.65:  # a place: the city's box
            place_id = f"{rng.getrandbits(64):016x}"
            half_lon, half_lat = rng.uniform(0.05, 0.3), rng.uniform(0.05, 0.2)
            bbox = [
                city.lon - half_lon,
                city.lat - half_lat,
                city.lon + half_lon,
                city.lat + half_lat,
            ]
            data["geo"] = {"place_id": place_id}
            includes["places"] = [
                {
                    "id": place_id,
                    "full_name": f"{city.name}, {city.country_name}",
                    "country_code": city.country_code,
                    "place_type": "city",
                    "geo": {"type": "Feature", "bbox": bbox, "properties": {}},
                }
            ]
        elif roll < 0.9:  # only the profile names the city
            user["location"] = f"{city.name}, {city.country_name}"
        else:  # nothing to go on
            user["location"] = rng.choice(_VAGUE_PROFILES)
        rules = [
            {"id": str(1000 + self.terms.index(t)), "tag": make_tag(self._key, t)} for t in matched
        ]
        return {"data": data, "includes": includes, "matching_rules": rules}
