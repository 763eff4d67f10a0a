"""The loopback fake reads X's query language and its geo operators as X documents them."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from fake_x import DEFAULT_TOKEN, FakeX, geo_match, payloads

AUTH = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
LISBON_CIRCLE = "point_radius:[-9.14 38.72 10km]"
LISBON_BOX = "bounding_box:[-9.3 38.6 -9.0 38.85]"


def at(lon: float, lat: float, **kwargs: Any) -> dict[str, Any]:
    return payloads.post(point=(lon, lat), **kwargs)


@pytest.mark.parametrize(
    ("query", "post", "expected"),
    [
        (LISBON_CIRCLE, at(-9.14, 38.75), True),
        (LISBON_CIRCLE, at(-9.14, 38.85), False),  # 14 km north
        ("point_radius:[-9.14 38.72 6.3mi]", at(-9.14, 38.80), True),  # 8.9 km, 10.1 km radius
        (LISBON_BOX, at(-9.1, 38.7), True),
        (LISBON_BOX, at(-8.9, 38.7), False),
        # A place only: matched when its whole box is inside the shape.
        (LISBON_BOX, payloads.place_post(payloads.place(payloads.LISBON)), True),
        ("point_radius:[-9.16 38.745 9km]", payloads.place_post(payloads.place()), True),
        ("point_radius:[-9.16 38.745 5km]", payloads.place_post(payloads.place()), False),
        (LISBON_BOX, payloads.place_post(payloads.place(payloads.PORTUGAL)), False),
        ('place:"Lisbon, Portugal"', payloads.place_post(payloads.place()), True),
        ("place_country:PT", payloads.place_post(payloads.place(payloads.PORTUGAL)), True),
        ("place_country:KE", payloads.place_post(payloads.place()), False),
        # Words AND shapes, OR and negation.
        (f"rain ({LISBON_CIRCLE} OR {LISBON_BOX})", at(-9.14, 38.72, text="Rain here"), True),
        (f"snow ({LISBON_CIRCLE} OR {LISBON_BOX})", at(-9.14, 38.72, text="Rain here"), False),
        (f"rain -{LISBON_CIRCLE}", at(-9.14, 38.72, text="rain"), False),
        ('"heavy rain" OR hail', payloads.post(text="So much heavy rain today"), True),
        ('"heavy rain"', payloads.post(text="rain, heavy"), False),
        ("rain has:geo", payloads.post(text="rain"), False),
        ("rain has:geo", payloads.place_post(text="rain"), True),
        ("rain is:retweet", payloads.post(text="rain"), False),  # unknown to the fake: no match
    ],
)
def test_queries_match_as_x_documents(query: str, post: dict[str, Any], expected: bool) -> None:
    assert geo_match.matches(query, post) is expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("point_radius:[0 0 25mi]", "Radius must be less than 25 miles"),
        ("point_radius:[0 0 41km]", "Radius must be less than 25 miles"),
        ("point_radius:[0 0 10]", "number of mi or km"),
        ("bounding_box:[0 0 0.5 0.1]", "under 25 miles"),  # 56 km wide at the equator
        ("bounding_box:[1 0 0 0.1]", "west to east"),
        ("point_radius:[200 0 1km]", "out of range"),
        ("rain (snow", "Unbalanced parentheses"),
    ],
)
def test_rules_x_would_refuse_are_refused_in_xs_shape(value: str, message: str) -> None:
    with FakeX() as fake:
        response = requests.post(
            fake.rules_url,
            json={"add": [{"value": value}]},
            params={"dry_run": "true"},
            headers=AUTH,
        )
        body = response.json()
        assert response.status_code == 200
        (error,) = body["errors"]
        assert error["title"] == "UnprocessableEntity"
        assert error["type"] == "https://api.twitter.com/2/problems/invalid-rules"
        assert message in error["details"][0]
        assert body["meta"]["summary"]["invalid"] == 1
        assert fake.rules == []


def test_a_box_of_the_same_degrees_is_legal_far_north() -> None:
    assert geo_match.problem("bounding_box:[0 60 0.6 60.2]") is None
    assert geo_match.problem("bounding_box:[0 0 0.6 0.2]") is not None


def test_the_stream_delivers_posts_to_the_rules_they_match() -> None:
    with FakeX(keepalive_interval=0.1) as fake:
        fake.add_existing_rule(LISBON_CIRCLE, tag="lisbon")
        fake.add_existing_rule("point_radius:[36.82 -1.29 10km]", tag="nairobi")
        inside, outside = at(-9.14, 38.72), at(2.35, 48.86)
        fake.push(inside, matches=None)
        fake.push(outside, matches=None)
        with requests.get(fake.stream_url, headers=AUTH, stream=True, timeout=(3, 3)) as response:
            line = next(line for line in response.iter_lines() if line)
            dropped = [payloads.post_id_of(outside)]
            assert fake.wait_until(lambda: fake.dropped_post_ids == dropped, timeout=10)
        assert json.loads(line)["matching_rules"] == [{"id": fake.rules[0]["id"], "tag": "lisbon"}]
        assert fake.delivered_post_ids == [payloads.post_id_of(inside)]


def test_recent_search_can_answer_only_what_its_query_matches() -> None:
    with FakeX(match_queries=True) as fake:
        inside, outside = at(-9.14, 38.72, text="rain"), at(2.35, 48.86, text="rain")
        fake.add_search_posts(inside, outside)
        response = requests.get(
            fake.search_url, params={"query": f"rain {LISBON_CIRCLE}"}, headers=AUTH
        )
        assert [p["id"] for p in response.json()["data"]] == [payloads.post_id_of(inside)]
        too_long = requests.get(fake.search_url, params={"query": "rain " * 103}, headers=AUTH)
        assert too_long.status_code == 400
        assert "exceeds the maximum of 512" in too_long.json()["errors"][0]["message"]
