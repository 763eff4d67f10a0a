"""Turning a profile location text into words the gazetteer can look up.

Profile texts are free-form: `london uk 🇬🇧`, `Berlin | Germany`,
`Brooklyn, NY 11201`, `she/her • NYC`, `ÜT: 40.71,-74.00`. This module only
reads the text; deciding what place it names is the gazetteer's work.

- `coordinates(text)` finds a lone `lat,lon` pair (the old UberTwitter `ÜT:`
  format among others).
- `flag_hints(text)` reads flag emoji as (country, subdivision) hints.
- `segments(text)` strips URLs, handles, hashtags, pronouns and emoji, splits
  at separators (`,` `|` `/` ...) and gives each part as (folded, written)
  word pairs: the folded form is the lookup key, the written form keeps the
  capitals that tell the code `IN` from the word `in`.
"""

from __future__ import annotations

import re
import unicodedata

# Long texts are bios pasted in the wrong field; places are short.
MAX_CHARS = 160

Word = tuple[str, str]  # (folded key, as written)

_COORDS = re.compile(
    r"""^\s*
    (?:(?P<tag>ÜT|UT|iPhone|iPad|Pre|loc|location|gps|coords?)\s*:?\s*)?
    (?P<ns1>[NS])?\s*(?P<lat>[-+]?\d{1,2}(?:\.\d+)?)\s*°?\s*(?P<ns>[NS])?
    \s*[,;/\s]\s*
    (?P<ew1>[EW])?\s*(?P<lon>[-+]?\d{1,3}(?:\.\d+)?)\s*°?\s*(?P<ew>[EW])?
    \s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_FLAG = re.compile("[\U0001f1e6-\U0001f1ff]{2}")
# England, Scotland, Wales: a black flag, tag letters "gbeng", a cancel tag.
_TAG_FLAG = re.compile("\U0001f3f4([\U000e0061-\U000e007a]{4,6})\U000e007f")
_URL = re.compile(
    r"(?:https?://|www\.)\S*"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|me|ly|info|tv|app|dev|xyz|gg|link|bio|page|site)"
    r"(?:/\S*)?\b",
    re.IGNORECASE,
)
_HANDLE_OR_TAG = re.compile("[@#\uff03]\\w+")  # U+FF03: fullwidth #
_PRONOUNS = re.compile(
    r"\b(?:she|he|they|it|xe|ze|fae|any)\s*/\s*"
    r"(?:her|hers|him|his|they|them|theirs|its?|xem|xir|zir|hir|faer|all|she|he)"
    r"(?:\s*/\s*\w+)?\b",
    re.IGNORECASE,
)
# "U.S.A.", "D.C.", "U.K." -> "USA", "DC", "UK"; other dots separate words.
_DOTTED = re.compile(r"\b(?:\w\.){2,}")

# ASCII, then middle dot, bullet, dashes, double and broken bars, and the
# fullwidth and CJK forms of | , 、 。 ; : ( ).
_SEPARATORS = (
    ',|/;:()[]{}<>"!?+~*='
    "\u00b7\u2022\u2013\u2014\u2015\u2016\u00a6"
    "\uff5c\uff0c\u3001\u3002\uff1b\uff1a\uff08\uff09"
)
_SEP = ","
_ASCII: dict[int, str | None] = {}
for _code in range(128):
    _ch = chr(_code)
    if _ch.isalnum():
        continue
    if _ch in _SEPARATORS or _ch in "\n\r\t":
        _ASCII[_code] = _SEP
    elif _ch in "'`":
        _ASCII[_code] = None
    else:  # spaces, hyphens, dots, other punctuation
        _ASCII[_code] = " "
TRANSLATION: dict[int, str | None] = dict(_ASCII)
for _ch in _SEPARATORS:
    TRANSLATION[ord(_ch)] = _SEP
for _ch in "\u2019\u2018\u02bc\u00b4":  # apostrophes vanish: "Xi'an" meets "Xian"
    TRANSLATION[ord(_ch)] = None
TRANSLATION[ord("&")] = " and "
_DASHES = "-\u2013\u2014"  # hyphen, en dash, em dash
_SPACE_SEPARATOR = re.compile(f"\\s[{_DASHES}]+\\s")


def coordinates(text: str) -> tuple[float, float] | None:
    """A lone `lat,lon` pair as (lat, lon), or None.

    Without a tag such as `ÜT:` both numbers need decimals, so `12, 34` (a
    street number?) is not read as a position. (0, 0) is not a place anyone
    lives ("Null Island").
    """
    if not text or len(text) > 80:
        return None
    found = _COORDS.match(unicodedata.normalize("NFC", text))
    if found is None:
        return None
    raw_lat, raw_lon = found["lat"], found["lon"]
    if found["tag"] is None and ("." not in raw_lat or "." not in raw_lon):
        return None
    lat, lon = float(raw_lat), float(raw_lon)
    if (found["ns"] or found["ns1"] or "").upper() == "S":
        lat = -abs(lat)
    if (found["ew"] or found["ew1"] or "").upper() == "W":
        lon = -abs(lon)
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or (lat == 0.0 and lon == 0.0):
        return None
    return lat, lon


def flag_hints(text: str) -> list[tuple[str, str]]:
    """Flags as (ISO country code, subdivision or "") pairs, in order."""
    if text.isascii():
        return []
    hints = [
        ("".join(chr(ord(ch) - 0x1F1E6 + ord("A")) for ch in pair), "")
        for pair in _FLAG.findall(text)
    ]
    for tags in _TAG_FLAG.findall(text):
        letters = "".join(chr(ord(ch) - 0xE0000) for ch in tags).upper()
        hints.append((letters[:2], letters[2:]))
    return hints


def _combining_marks() -> re.Pattern[str]:
    """A character class of the combining marks (accents, dakuten...) in the BMP."""
    ranges: list[str] = []
    start = -1
    for code in range(0x300, 0x10001):
        marked = code < 0x10000 and unicodedata.combining(chr(code)) != 0
        if marked and start < 0:
            start = code
        elif not marked and start >= 0:
            ranges.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = -1
    return re.compile("[" + "".join(ranges) + "]")


_COMBINING = _combining_marks()


def fold(text: str) -> str:
    """Case-fold and strip accents (`São` -> `sao`, `ZÜRICH` -> `zurich`)."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))


def clean(text: str) -> str:
    """Punctuation to spaces, separators to commas, emoji and symbols gone."""
    if "." in text:
        text = _DOTTED.sub(lambda m: m.group().replace(".", ""), text)
    if any(f" {dash}" in text for dash in _DASHES):
        text = _SPACE_SEPARATOR.sub(_SEP, text)
    text = text.translate(TRANSLATION)
    if text.isascii():
        return text
    return "".join(
        ch
        if ch.isalnum()
        or ch in " ,"
        # Accents and the vowel signs of Indic scripts stay; emoji modifiers
        # and variation selectors (also marks) go.
        or (unicodedata.category(ch)[0] == "M" and not ("\ufe00" <= ch <= "\ufe0f"))
        else " "
        for ch in text
    )


def segments(text: str) -> list[list[Word]]:
    """The parts of a profile text between separators, as (folded, written) words."""
    text = text[:MAX_CHARS]
    if any(ch in text for ch in "/.@#\uff03"):
        text = _URL.sub(" ", text)
        text = _HANDLE_OR_TAG.sub(" ", text)
        text = _PRONOUNS.sub(_SEP, text)
    parts: list[list[Word]] = []
    for part in clean(text).split(_SEP):
        written = part.split()
        if written:
            parts.append([(fold(w), w) for w in written])
    return parts
