"""Areas as X rules and queries: within X's length limits, terms in every one."""

from __future__ import annotations

import pytest

from geotweets_desktop.core.area.cover import cover
from geotweets_desktop.core.area.model import AreaError, CircleArea, make_box, make_circle
from geotweets_desktop.core.area.rules import (
    SEARCH_QUERY_LENGTH,
    STREAM_RULE_LENGTH,
    area_clauses,
    pack,
    search_queries,
    stream_rules,
)

BIG = make_box(-1.8, 50.2, 1.8, 53.8)  # about 250 x 400 km


def test_a_small_area_alone_is_one_rule_of_one_shape() -> None:
    query = stream_rules([], [make_box(-0.1, 51.4, 0.1, 51.6)])
    assert query.texts == ["bounding_box:[-0.1 51.4 0.1 51.6]"]
    assert query.shapes == 1
    assert query.labels == ["box -0.1,51.4,0.1,51.6"]


def test_terms_lead_every_rule_and_every_rule_fits() -> None:
    query = stream_rules(["flood", '"heavy rain"'], [BIG])
    shapes = [s.operator() for s in cover(BIG)]
    assert len(query.texts) > 2
    for text, label in zip(query.texts, query.labels, strict=True):
        assert len(text) <= STREAM_RULE_LENGTH
        assert text.startswith(f"{label} (")
    for term in ("flood", '"heavy rain"'):
        mine = " ".join(
            t for t, label in zip(query.texts, query.labels, strict=True) if label == term
        )
        assert all(shape in mine for shape in shapes)


def test_search_queries_or_the_terms_and_fit_512() -> None:
    query = search_queries(["flood", "#storm"], [BIG])
    assert len(query.texts) > 1
    for text in query.texts:
        assert len(text) <= SEARCH_QUERY_LENGTH
        assert text.startswith("(flood OR #storm) (point_radius:[")
        assert "has:geo" not in text


def test_with_no_terms_each_area_has_its_own_rules() -> None:
    london, paris = make_circle(-0.12, 51.5, 10), make_circle(2.35, 48.86, 10)
    query = stream_rules([], [london, paris])
    assert query.texts == [
        "point_radius:[-0.12 51.5 10km]",
        "point_radius:[2.35 48.86 10km]",
    ]
    assert query.labels == [london.label, paris.label]


def test_also_tagged_adds_the_place_or_the_country() -> None:
    city = CircleArea(2.35, 48.86, 10.0, place="Paris", country_code="FR", also_tagged=True)
    assert area_clauses(city)[-1] == 'place:"Paris"'
    country = CircleArea(2.35, 46.0, 10.0, place="France", country_code="FR",
                         also_tagged=True, is_country=True)  # fmt: skip
    assert area_clauses(country)[-1] == "place_country:FR"


def test_an_area_no_account_can_hold_is_refused_with_its_size_before_covering() -> None:
    with pytest.raises(AreaError, match=r"needs about [\d,]+ X shapes \(about [\d,]+ rules\)"):
        area_clauses(make_box(-180, -80, 180, 80))


def test_terms_too_long_for_any_shape_are_an_error() -> None:
    with pytest.raises(AreaError, match="no room for the area within 512"):
        pack(["point_radius:[0 0 1km]"], "x" * 500 + " ", 512)
