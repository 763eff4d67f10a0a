"""Areas as X query text: shapes OR-ed into rules or queries, with the terms.

A filtered-stream rule is at most 1,024 characters and a recent-search query
512, so an area that needs many shapes is spread over several rules (or
queries), each `term (shape OR shape ...)`. With no terms the shapes stand
alone: X allows that, and delivers every post made there (up to 250 a
second for a big city, each one billed).

`has:geo` is left out beside an area: every post a geo operator matches is
located anyway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geotweets_desktop.core.area.cover import cover
from geotweets_desktop.core.area.model import Area, AreaError, CircleArea

STREAM_RULE_LENGTH = 1024
SEARCH_QUERY_LENGTH = 512
# X's documented ceiling for an area with no terms: the whole sample of a
# busy place.
AREA_ALONE_POSTS_PER_S = 250
# Beyond this, no account's rule budget (1,000 rules of about 25 shapes)
# holds the area; checked before covering, which would take seconds.
MAX_SHAPES = 30_000


@dataclass(frozen=True, slots=True)
class AreaQuery:
    """The X query text for some terms and areas, and what it took."""

    texts: list[str]  # one per rule (stream) or per query (recent search)
    shapes: int
    # Which term (or, with no terms, which area's label) each text is for.
    labels: list[str]


def area_clauses(area: Area) -> list[str]:
    """The area's shapes as operators, and its tagged place if asked for."""
    estimate = estimated_shapes(area)
    if estimate > MAX_SHAPES:
        raise AreaError(
            f"{area.label} needs about {estimate:,} X shapes (about "
            f"{math.ceil(estimate / 25):,} rules): more than any X account may have."
        )
    clauses = [shape.operator() for shape in cover(area)]
    if isinstance(area, CircleArea) and area.also_tagged and area.place:
        if area.is_country:
            clauses.append(f"place_country:{area.country_code}")
        else:
            clauses.append(f'place:"{area.place}"')
    return clauses


def estimated_shapes(area: Area) -> int:
    """Roughly how many shapes the area needs (a circle holds 2 x 38.5 squared km)."""
    ground_km2 = 0.0
    for west, south, east, north in area.lon_lat_boxes():
        width_rad = math.radians(east - west)
        band = abs(math.sin(math.radians(north)) - math.sin(math.radians(south)))
        ground_km2 += width_rad * band * 6371.0088**2
    if isinstance(area, CircleArea):
        ground_km2 = min(ground_km2, math.pi * area.radius_km**2 * 1.01)
    return max(1, math.ceil(ground_km2 / (2 * 38.5**2)))


def stream_rules(terms: list[str], areas: list[Area]) -> AreaQuery:
    """Filtered-stream rules: per term, the areas' clauses packed after it; with
    no terms, each area's clauses on their own (so a post says which area)."""
    clauses_by_area = [area_clauses(area) for area in areas]
    shapes = sum(len(clauses) for clauses in clauses_by_area)
    texts: list[str] = []
    labels: list[str] = []
    if terms:
        everything = [clause for clauses in clauses_by_area for clause in clauses]
        for term in terms:
            packed = pack(everything, f"{term} ", STREAM_RULE_LENGTH)
            texts += packed
            labels += [term] * len(packed)
    else:
        for area, clauses in zip(areas, clauses_by_area, strict=True):
            packed = pack(clauses, "", STREAM_RULE_LENGTH)
            texts += packed
            labels += [area.label] * len(packed)
    return AreaQuery(texts, shapes, labels)


def search_queries(terms: list[str], areas: list[Area]) -> AreaQuery:
    """Recent-search queries: the terms OR-ed, then as many clauses as fit."""
    clauses = [clause for area in areas for clause in area_clauses(area)]
    prefix = ""
    if terms:
        joined = " OR ".join(terms)
        prefix = f"({joined}) " if len(terms) > 1 else f"{joined} "
    texts = pack(clauses, prefix, SEARCH_QUERY_LENGTH)
    return AreaQuery(texts, len(clauses), [prefix.strip()] * len(texts))


def following_summary(
    areas: int, texts: int, shapes: int, *, stream: bool, rule_budget: int, terms: bool
) -> str:
    """What following the areas takes and the limits in force, for the user."""
    things = "areas" if areas != 1 else "area"
    if stream:
        text = (
            f"Following {areas} {things}: {texts:,} stream rule{'s' if texts != 1 else ''} "
            f"holding {shapes:,} X shape{'s' if shapes != 1 else ''} (X's limits: "
            f"{STREAM_RULE_LENGTH:,} characters a rule, {rule_budget:,} rules for the account)."
        )
    else:
        text = (
            f"Following {areas} {things}: {texts:,} search quer{'ies' if texts != 1 else 'y'} "
            f"holding {shapes:,} X shape{'s' if shapes != 1 else ''}, asked in turn "
            f"(X's limit: {SEARCH_QUERY_LENGTH} characters a query)."
        )
    if not terms:
        text += (
            f" With no terms X sends every post made there: up to "
            f"{AREA_ALONE_POSTS_PER_S} a second, each one billed."
        )
    return text


def pack(clauses: list[str], prefix: str, limit: int) -> list[str]:
    """`prefix` + clauses OR-ed in parentheses, in as few texts of at most
    `limit` characters as a greedy fill gives (clauses are near one length)."""
    texts: list[str] = []
    group: list[str] = []
    for clause in clauses:
        if len(_text(prefix, [clause])) > limit:
            raise AreaError(f"The terms leave no room for the area within {limit} characters.")
        if group and len(_text(prefix, [*group, clause])) > limit:
            texts.append(_text(prefix, group))
            group = []
        group.append(clause)
    if group:
        texts.append(_text(prefix, group))
    return texts


def _text(prefix: str, group: list[str]) -> str:
    if len(group) == 1:
        return prefix + group[0]
    return f"{prefix}({' OR '.join(group)})"
