"""The fake's reading of X's query language, enough to match posts by place.

X's rules and search queries are words, `"phrases"`, `#hashtags` and
operators, ANDed by spaces, with `OR`, parentheses and `-` for not (AND
binds tighter than OR). This module parses them and decides whether a post
matches, as X documents it for the geo operators:

- `point_radius:[lon lat radius]` (radius in `mi` or `km`, under 25 miles)
  and `bounding_box:[west south east north]` (width and height under 25
  miles) match a post whose exact point is inside, or whose tagged place's
  box lies wholly inside;
- `place:"name"` (or an id) and `place_country:CC` match the tagged place;
- `has:geo` matches a post with a point or a place; `lang:xx` its language.

Words match whole words of the text, case-insensitively; a phrase matches
its words in order. Operators the fake does not know match nothing, so a
test that relies on one fails instead of passing by accident. Written
apart from the app's own geometry on purpose: the fake is the referee.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

EARTH_RADIUS_KM = 6371.0088
LIMIT_MILES = 25.0
KM_PER_MILE = 1.609344


class QuerySyntaxError(ValueError):
    """The query cannot be read; the message is X-like."""


@dataclass(frozen=True)
class _Term:
    text: str


@dataclass(frozen=True)
class _Not:
    inner: _Node


@dataclass(frozen=True)
class _All:
    parts: tuple[_Node, ...]


@dataclass(frozen=True)
class _Any:
    parts: tuple[_Node, ...]


_Node = _Term | _Not | _All | _Any


# --- parsing ---------------------------------------------------------------------------


def tokens(query: str) -> list[str]:
    """Split into `(`, `)`, `-`, and terms (a bracketed or quoted value stays whole)."""
    out: list[str] = []
    i = 0
    while i < len(query):
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            out.append(char)
            i += 1
        elif char == "-" and i + 1 < len(query) and not query[i + 1].isspace():
            out.append("-")
            i += 1
        else:
            start = i
            while i < len(query) and not query[i].isspace() and query[i] not in "()":
                closer = {"[": "]", '"': '"'}.get(query[i])
                if closer:
                    end = query.find(closer, i + 1)
                    if end < 0:
                        raise QuerySyntaxError(f"Unclosed {query[i]} (at position {i + 1})")
                    i = end
                i += 1
            out.append(query[start:i])
    return out


def parse(query: str) -> _Node:
    items = tokens(query)
    node, rest = _parse_or(items)
    if rest:
        raise QuerySyntaxError(f"Unexpected {rest[0]!r} in the query")
    return node


def _parse_or(items: list[str]) -> tuple[_Node, list[str]]:
    parts = []
    node, items = _parse_and(items)
    parts.append(node)
    while items and items[0] == "OR":
        node, items = _parse_and(items[1:])
        parts.append(node)
    return (parts[0] if len(parts) == 1 else _Any(tuple(parts))), items


def _parse_and(items: list[str]) -> tuple[_Node, list[str]]:
    parts: list[_Node] = []
    while items and items[0] not in (")", "OR"):
        node, items = _parse_unary(items)
        parts.append(node)
    if not parts:
        raise QuerySyntaxError("An empty group or a dangling OR in the query")
    return (parts[0] if len(parts) == 1 else _All(tuple(parts))), items


def _parse_unary(items: list[str]) -> tuple[_Node, list[str]]:
    if items[0] == "-":
        if len(items) < 2:
            raise QuerySyntaxError("A '-' with nothing after it")
        node, rest = _parse_unary(items[1:])
        return _Not(node), rest
    if items[0] == "(":
        node, rest = _parse_or(items[1:])
        if not rest or rest[0] != ")":
            raise QuerySyntaxError("Unbalanced parentheses in the query")
        return node, rest[1:]
    return _Term(items[0]), items[1:]


def _terms(node: _Node) -> Iterable[str]:
    if isinstance(node, _Term):
        yield node.text
    elif isinstance(node, _Not):
        yield from _terms(node.inner)
    else:
        for part in node.parts:
            yield from _terms(part)


# --- the geo operators' shapes -----------------------------------------------------------


@dataclass(frozen=True)
class _Circle:
    lon: float
    lat: float
    radius_km: float

    def holds(self, lon: float, lat: float) -> bool:
        return _distance_km(self.lon, self.lat, lon, lat) <= self.radius_km


@dataclass(frozen=True)
class _Box:
    west: float
    south: float
    east: float
    north: float

    def holds(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


def _shape(term: str) -> _Circle | _Box | None:
    """The shape of a geo operator; None for any other term. X-like errors."""
    name, _, value = term.partition(":")
    if name not in ("point_radius", "bounding_box"):
        return None
    if not (value.startswith("[") and value.endswith("]")):
        raise QuerySyntaxError(f"{name} needs its values in square brackets: {term}")
    values = value[1:-1].split()
    try:
        if name == "point_radius":
            if len(values) != 3:
                raise QuerySyntaxError(f"point_radius takes [longitude latitude radius]: {term}")
            match = re.fullmatch(r"(\d+(?:\.\d+)?)(mi|km)", values[2])
            if not match:
                raise QuerySyntaxError(f"The radius must be a number of mi or km: {term}")
            radius_km = float(match[1]) * (KM_PER_MILE if match[2] == "mi" else 1.0)
            circle = _Circle(float(values[0]), float(values[1]), radius_km)
            _check_point(circle.lon, circle.lat, term)
            if radius_km >= LIMIT_MILES * KM_PER_MILE:
                raise QuerySyntaxError(f"Radius must be less than 25 miles: {term}")
            return circle
        if len(values) != 4:
            raise QuerySyntaxError(f"bounding_box takes [west south east north]: {term}")
        box = _Box(*(float(v) for v in values))
    except ValueError as exc:
        if isinstance(exc, QuerySyntaxError):
            raise
        raise QuerySyntaxError(f"Not a number in {term}") from None
    _check_point(box.west, box.south, term)
    _check_point(box.east, box.north, term)
    if box.west >= box.east or box.south >= box.north:
        raise QuerySyntaxError(f"The box must run west to east and south to north: {term}")
    widest_lat = 0.0 if box.south <= 0 <= box.north else min(abs(box.south), abs(box.north))
    width = _distance_km(box.west, widest_lat, box.east, widest_lat)
    height = _distance_km(box.west, box.south, box.west, box.north)
    if max(width, height) >= LIMIT_MILES * KM_PER_MILE:
        raise QuerySyntaxError(
            f"Width and height of the bounding box must be under 25 miles: {term}"
        )
    return box


def _check_point(lon: float, lat: float, term: str) -> None:
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise QuerySyntaxError(f"Coordinates out of range in {term}")


def _distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def problem(query: str) -> str | None:
    """Why X would refuse this rule or query, or None when it reads."""
    try:
        for term in _terms(parse(query)):
            _shape(term)
    except QuerySyntaxError as exc:
        return str(exc)
    return None


# --- matching ----------------------------------------------------------------------------


def matches(query: str, post: dict[str, Any]) -> bool:
    """Whether X would deliver `post` (a v2 object with `data` and `includes`)."""
    return _evaluate(parse(query), _Facts(post))


def matching_rules(rules: Iterable[dict[str, str]], post: dict[str, Any]) -> list[dict[str, str]]:
    """The `matching_rules` entries X would send with `post`, for these rules."""
    return [
        {"id": rule["id"], **({"tag": rule["tag"]} if "tag" in rule else {})}
        for rule in rules
        if matches(rule["value"], post)
    ]


class _Facts:
    def __init__(self, post: dict[str, Any]) -> None:
        data = post.get("data") or {}
        self.text = str(data.get("text") or "")
        self.words = re.findall(r"[#@$]?\w+", self.text.casefold())
        self.lang = str(data.get("lang") or "")
        geo = data.get("geo") or {}
        coordinates = (geo.get("coordinates") or {}).get("coordinates")
        self.point = tuple(coordinates) if isinstance(coordinates, list) else None
        places = (post.get("includes") or {}).get("places") or []
        self.place = next((p for p in places if p.get("id") == geo.get("place_id")), None)
        self.has_geo = bool(self.point or geo.get("place_id"))

    def place_box(self) -> list[float] | None:
        if self.place is None:
            return None
        bbox = (self.place.get("geo") or {}).get("bbox")
        return list(bbox) if isinstance(bbox, list) and len(bbox) == 4 else None


def _evaluate(node: _Node, facts: _Facts) -> bool:
    if isinstance(node, _Not):
        return not _evaluate(node.inner, facts)
    if isinstance(node, _All):
        return all(_evaluate(part, facts) for part in node.parts)
    if isinstance(node, _Any):
        return any(_evaluate(part, facts) for part in node.parts)
    return _term_matches(node.text, facts)


def _term_matches(term: str, facts: _Facts) -> bool:
    shape = _shape(term)
    if shape is not None:
        if facts.point is not None and shape.holds(*facts.point):
            return True
        box = facts.place_box()
        return box is not None and all(
            shape.holds(lon, lat) for lon in (box[0], box[2]) for lat in (box[1], box[3])
        )
    name, colon, value = term.partition(":")
    value = value.strip('"')
    if colon and name == "place":
        place = facts.place or {}
        return value.casefold() in {
            str(place.get(key, "")).casefold() for key in ("id", "name", "full_name")
        }
    if colon and name == "place_country":
        return facts.place is not None and facts.place.get("country_code") == value.upper()
    if colon and name == "has":
        return value == "geo" and facts.has_geo
    if colon and name == "lang":
        return facts.lang == value
    if colon and not term.startswith('"'):
        return False
    words = re.findall(r"[#@$]?\w+", term.casefold())
    if not words:
        return False
    length = len(words)
    return any(facts.words[i : i + length] == words for i in range(len(facts.words) - length + 1))
