"""Following areas on X, end to end against the loopback fake: the stream's rules
and the recent-search queries carry the areas' shapes, and only the posts X
would match arrive."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fake_x import DEFAULT_TOKEN, FakeX, payloads
from helpers import RecordingSink, wait_for

from geotweets_desktop.core.area.model import AreaError, parse_around, parse_bbox
from geotweets_desktop.core.rules import is_ours
from geotweets_desktop.sources.x_search import XRecentSearchSource
from geotweets_desktop.sources.x_stream import XStreamSource

LISBON = parse_around("-9.14,38.72,15")
NAIROBI_BOX = parse_bbox("36.65,-1.45,36.95,-1.15")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeX]:
    with FakeX(keepalive_interval=0.1, match_queries=True) as server:
        monkeypatch.setenv("GEOTWEETS_X_API_URL", server.base_url)
        yield server
        assert server.server_errors == []


@pytest.fixture
def run() -> Iterator[Any]:
    started: list[tuple[Any, threading.Thread]] = []

    def start(source: Any) -> RecordingSink:
        sink = RecordingSink()
        thread = threading.Thread(target=source.run, args=(sink,), daemon=True)
        thread.start()
        started.append((source, thread))
        return sink

    yield start
    for source, thread in started:
        source.stop()
        thread.join(5)
        assert not thread.is_alive()


def posts_around() -> dict[str, dict[str, Any]]:
    return {
        "inside": payloads.point_post(-9.15, 38.73, text="flood on the quay"),
        "outside": payloads.post(point=(2.35, 48.86), text="flood in Paris"),
        "place inside": payloads.place_post(payloads.place(payloads.LISBON), text="flood here"),
        "country only": payloads.place_post(payloads.place(payloads.PORTUGAL), text="flood PT"),
        "inside, other words": payloads.point_post(-9.14, 38.72, text="sunny on the quay"),
    }


def test_the_stream_follows_an_area_with_a_term(fake: FakeX, run: Any) -> None:
    sink = run(XStreamSource(["flood"], DEFAULT_TOKEN, areas=[LISBON]))
    wait_for(lambda: "live" in sink.states and fake.open_streams == 1)
    (rule,) = fake.rules
    assert rule["value"] == "flood point_radius:[-9.14 38.72 15km]"
    posts = posts_around()
    for post in posts.values():
        fake.push(post, matches=None)
    wait_for(lambda: len(fake.dropped_post_ids) == 3 and len(sink.received) == 2)
    assert [post.text for post in sink.received] == ["flood on the quay", "flood here"]
    assert all(post.terms == ("flood",) for post in sink.received)


def test_an_area_alone_labels_each_post_with_its_area(fake: FakeX, run: Any) -> None:
    source = XStreamSource([], DEFAULT_TOKEN, areas=[LISBON, NAIROBI_BOX])
    assert source.terms == ["-9.14,38.72 +15 km", "box 36.65,-1.45,36.95,-1.15"]
    sink = run(source)
    wait_for(lambda: "live" in sink.states and fake.open_streams == 1)
    assert [rule["value"] for rule in fake.rules] == [
        "point_radius:[-9.14 38.72 15km]",
        "bounding_box:[36.65 -1.45 36.95 -1.15]",
    ]
    fake.push(payloads.point_post(-9.15, 38.73, text="quay"), matches=None)
    fake.push(payloads.post(point=(36.82, -1.29), text="market"), matches=None)
    fake.push(payloads.post(point=(2.35, 48.86), text="Paris"), matches=None)
    wait_for(lambda: len(sink.received) == 2 and len(fake.dropped_post_ids) == 1)
    assert {post.text: post.terms for post in sink.received} == {
        "quay": ("-9.14,38.72 +15 km",),
        "market": ("box 36.65,-1.45,36.95,-1.15",),
    }


def test_an_area_beyond_the_rule_budget_is_refused_with_the_count(fake: FakeX, run: Any) -> None:
    fake.add_existing_rule("cats", tag="someone-else")
    big = parse_bbox("-4,50,4,56")
    source = XStreamSource(["flood"], DEFAULT_TOKEN, areas=[big], rule_budget=3)
    needed = len(source.plan.rules)
    assert needed > 2
    sink = run(source)
    wait_for(lambda: "error" in sink.states)
    message = sink.last.message
    assert f"needs {needed} rules; the account may have 3 (1 held by other tools)" in message
    assert f"so {needed - 2} too many" in message
    assert [rule["tag"] for rule in fake.rules] == ["someone-else"]


def test_xs_own_refusal_in_the_dry_run_is_shown_and_nothing_is_added(
    monkeypatch: pytest.MonkeyPatch, run: Any
) -> None:
    with FakeX(max_rules=1) as fake:
        monkeypatch.setenv("GEOTWEETS_X_API_URL", fake.base_url)
        source = XStreamSource(["flood", "storm"], DEFAULT_TOKEN, areas=[LISBON])
        sink = run(source)
        wait_for(lambda: "error" in sink.states)
        assert sink.last.message == (
            "X refused the rules: Rule creation would exceed the allowed rule cap of 1"
        )
        assert fake.rules == []
        assert not any(is_ours(r.get("tag")) for r in fake.rules)


def test_an_area_too_big_for_any_account_is_refused_before_starting() -> None:
    with pytest.raises(AreaError, match="needs about"):
        XStreamSource(["flood"], DEFAULT_TOKEN, areas=[parse_bbox("-170,-60,170,70")])


def test_recent_search_follows_an_area(fake: FakeX, run: Any) -> None:
    posts = posts_around()
    fake.add_search_posts(*posts.values())
    sink = run(XRecentSearchSource(["flood"], DEFAULT_TOKEN, areas=[LISBON], interval_s=0.1))
    wait_for(lambda: len(fake.search_requests) >= 2)
    assert fake.search_requests[0]["query"] == "flood point_radius:[-9.14 38.72 15km]"
    assert sorted([post.text for post in sink.received]) == ["flood here", "flood on the quay"]


def test_recent_search_spreads_a_big_area_over_queries_of_512(fake: FakeX, run: Any) -> None:
    big = parse_bbox("-10.5,37,-7.5,40")  # about 260 x 330 km around Lisbon
    source = XRecentSearchSource(["flood"], DEFAULT_TOKEN, areas=[big], interval_s=0.1)
    assert len(source.queries) > 1
    assert all(len(query) <= 512 for query in source.queries)
    fake.add_search_posts(*posts_around().values())
    sink = run(source)
    wait_for(lambda: len(fake.search_requests) >= 2 * len(source.queries))
    asked = [request["query"] for request in fake.search_requests[: len(source.queries)]]
    assert asked == source.queries
    assert sorted([post.text for post in sink.received]) == ["flood here", "flood on the quay"]
