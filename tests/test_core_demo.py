"""The offline demo source, run for real on a thread."""

from __future__ import annotations

import json
import math
import threading
from collections import Counter
from dataclasses import dataclass

import pytest
from helpers import WAIT_TIMEOUT_S, RecordingSink, wait_for

from geotweets_desktop.core.gazetteer import City, gazetteer
from geotweets_desktop.core.geolocate import haversine_m
from geotweets_desktop.core.payload import post_from_v2
from geotweets_desktop.core.rules import is_ours, term_from_tag
from geotweets_desktop.sources.demo import DemoSource

TERMS = ["rain", "#sun", '"heavy rain"']
RUN_POSTS = 300


@dataclass
class DemoRun:
    sink: RecordingSink
    thread_alive_after_join: bool


class CityIndex:
    """Real cities bucketed by whole degrees, to find the nearest quickly."""

    def __init__(self, cities: list[City]) -> None:
        self._cells: dict[tuple[int, int], list[City]] = {}
        for c in cities:
            self._cells.setdefault((math.floor(c.lon), math.floor(c.lat)), []).append(c)

    def nearest_km(self, lon: float, lat: float) -> float:
        best = math.inf
        cx, cy = math.floor(lon), math.floor(lat)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                x = (cx + dx + 180) % 360 - 180
                for c in self._cells.get((x, cy + dy), ()):
                    best = min(best, haversine_m(lon, lat, c.lon, c.lat) / 1000)
        return best


@pytest.fixture(scope="module")
def demo_run() -> DemoRun:
    """About a second of the demo at a high rate, counted in posts rather than
    seconds so a busy machine sees as much (shared: the test runs it once)."""
    source = DemoSource(TERMS, session_key="t1", seed=1234, rate=300.0)
    sink = RecordingSink()
    thread = threading.Thread(target=source.run, args=(sink,), daemon=True)
    thread.start()
    wait_for(lambda: len(sink.received) >= RUN_POSTS, what=f"{RUN_POSTS} demo posts")
    source.stop()
    thread.join(WAIT_TIMEOUT_S)
    return DemoRun(sink=sink, thread_alive_after_join=thread.is_alive())


def test_stop_makes_run_return(demo_run: DemoRun) -> None:
    assert not demo_run.thread_alive_after_join


def test_status_events_connecting_live_stopped(demo_run: DemoRun) -> None:
    states = [e.state for e in demo_run.sink.events]
    assert states == ["connecting", "live", "stopped"]
    assert all(e.message for e in demo_run.sink.events)


def test_many_posts_arrive(demo_run: DemoRun) -> None:
    assert len(demo_run.sink.received) >= 100


def test_posts_are_for_the_given_terms_only(demo_run: DemoRun) -> None:
    for post in demo_run.sink.received:
        assert post.terms, post
        assert set(post.terms) <= set(TERMS)
        assert len(set(post.terms)) == len(post.terms)
        assert any(t.strip('"') in post.text for t in post.terms)
    used = Counter(t for p in demo_run.sink.received for t in p.terms)
    assert set(used) == set(TERMS)


def test_every_location_kind_and_some_unlocated(demo_run: DemoRun) -> None:
    kinds = Counter(p.location.kind if p.location else None for p in demo_run.sink.received)
    assert kinds["exact"] > 0
    assert kinds["place"] > 0
    assert kinds["profile"] > 0
    assert kinds[None] > 0
    # Most posts are located, as the demo promises (about nine in ten).
    assert kinds[None] < len(demo_run.sink.received) / 2


def test_located_posts_are_valid_and_near_a_real_city(demo_run: DemoRun) -> None:
    index = CityIndex(gazetteer().cities)
    for post in demo_run.sink.received:
        loc = post.location
        if loc is None:
            continue
        assert math.isfinite(loc.lon)
        assert math.isfinite(loc.lat)
        assert -180 <= loc.lon <= 180
        assert -90 <= loc.lat <= 90
        assert loc.radius_m >= 0
        limit_km = {"exact": 30, "place": 1, "profile": 1}[loc.kind]
        assert index.nearest_km(loc.lon, loc.lat) < limit_km, (post.text, loc)


def test_post_ids_are_unique_numeric_strings(demo_run: DemoRun) -> None:
    ids = [p.id for p in demo_run.sink.received]
    assert len(ids) == len(set(ids))
    assert all(i.isdigit() for i in ids)


def test_posts_are_marked_synthetic(demo_run: DemoRun) -> None:
    for post in demo_run.sink.received:
        assert post.synthetic is True
        assert post.url == ""  # synthetic posts link nowhere
        assert "(demo)" in post.author_name


def test_raw_is_a_v2_object_tagged_for_the_session(demo_run: DemoRun) -> None:
    for post in demo_run.sink.received[:50]:
        obj = json.loads(post.raw)
        assert obj["data"]["id"] == post.id
        assert obj["data"]["text"] == post.text
        for rule in obj["matching_rules"]:
            assert is_ours(rule["tag"])
            assert term_from_tag(rule["tag"], "t1") in TERMS


def test_stop_before_run_returns_at_once() -> None:
    source = DemoSource(["rain"], seed=1)
    source.stop()
    sink = RecordingSink()
    # run() blocks only to load the (shared, cached) gazetteer: seconds on a busy machine.
    thread = threading.Thread(target=source.run, args=(sink,), daemon=True)
    thread.start()
    thread.join(WAIT_TIMEOUT_S)
    assert not thread.is_alive()
    assert sink.states == ["connecting", "live", "stopped"]
    assert len(sink.received) <= 1


def test_stop_ends_a_long_wait_between_posts() -> None:
    # One post every ~1000 s: with this seed the source waits 95 s after its
    # first post, far longer than the join below, so only Stop can end the run.
    source = DemoSource(["rain"], seed=7, rate=0.001)
    sink = RecordingSink()
    thread = threading.Thread(target=source.run, args=(sink,), daemon=True)
    thread.start()
    wait_for(sink.first_batch.is_set, what="the first demo post")
    source.stop()
    thread.join(WAIT_TIMEOUT_S)
    assert not thread.is_alive()
    assert sink.states == ["connecting", "live", "stopped"]


def test_same_seed_gives_the_same_stream() -> None:
    city = next(c for c in gazetteer().cities if c.name == "Lagos")

    def payloads(seed: int) -> list[dict[str, object]]:
        source = DemoSource(TERMS, seed=seed)
        out = []
        for _ in range(20):
            obj = source.make_payload(city)
            del obj["data"]["created_at"]  # type: ignore[attr-defined]
            out.append(obj)
        return out

    assert payloads(5) == payloads(5)
    assert payloads(5) != payloads(6)


def test_made_up_payloads_parse_with_the_real_parser() -> None:
    city = next(c for c in gazetteer().cities if c.name == "Sydney")
    source = DemoSource(["rain"], session_key="abc", seed=3)
    for _ in range(50):
        post = post_from_v2(source.make_payload(city), lambda t: term_from_tag(t, "abc"))
        assert post.terms == ("rain",)
