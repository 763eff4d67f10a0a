"""The live X stream source end to end: real tweepy, real HTTP, the loopback fake.

No Qt here: a recording sink stands where the window's worker would.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fake_x import (
    DEFAULT_TOKEN,
    Cut,
    FakeX,
    KeepAlive,
    OperationalDisconnect,
    Respond,
    SendPost,
    Silence,
    malformed_line,
    payloads,
    split_post,
)
from helpers import STOP_WITHIN_S, RecordingSink, wait_for

from geotweets_desktop.core.backoff import Backoff
from geotweets_desktop.core.rules import is_ours
from geotweets_desktop.sources.x_stream import XStreamSource

# Short waits so the tests run in seconds; the real values are X's (5 s, 60 s, ...).
FAST = {
    "network_step": 0.05,
    "network_max": 0.2,
    "http_start": 0.1,
    "http_max": 0.4,
    "rate_limit_start": 0.2,
}


class Running:
    """A source running on a thread, as the app runs it."""

    def __init__(self, source: XStreamSource) -> None:
        self.source = source
        self.sink = RecordingSink()
        self.thread = threading.Thread(target=source.run, args=(self.sink,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.source.stop()
        self.thread.join(STOP_WITHIN_S)
        assert not self.thread.is_alive(), f"the source did not stop within {STOP_WITHIN_S} s"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeX]:
    with FakeX(keepalive_interval=0.2) as server:
        monkeypatch.setenv("GEOTWEETS_X_API_URL", server.base_url)
        yield server
        assert server.server_errors == []


@pytest.fixture
def start(fake: FakeX) -> Iterator[Any]:
    running: list[Running] = []

    def start_source(terms: list[str], token: str = DEFAULT_TOKEN, **kwargs: Any) -> Running:
        kwargs.setdefault("backoff", Backoff(**FAST))
        run = Running(XStreamSource(terms, token, **kwargs))
        running.append(run)
        return run

    yield start_source
    for run in running:
        run.stop()


def live(run: Running, fake: FakeX) -> None:
    wait_for(lambda: "live" in run.sink.states and fake.open_streams == 1)


def test_posts_with_a_point_a_place_a_profile_and_nothing_are_located_correctly(
    fake: FakeX, start: Any
) -> None:
    run = start(["rain"])
    live(run, fake)
    point = payloads.point_post(151.2093, -33.8688, text="rain in Sydney")
    place = payloads.place_post(text="rain in Nairobi")
    profile = payloads.profile_location_post("Lagos, Nigeria", text="rain, says my profile")
    bare = payloads.bare_post(text="rain somewhere")
    for obj in (point, place, profile, bare):
        fake.push(obj, matches="rain has:geo")
    wait_for(lambda: len(run.sink.received) == 4)
    by_text = {p.text: p for p in run.sink.received}
    sydney = by_text["rain in Sydney"].location
    assert sydney is not None and sydney.kind == "exact"
    assert (sydney.lon, sydney.lat) == (151.2093, -33.8688)  # [lon, lat], never swapped
    nairobi = by_text["rain in Nairobi"].location
    assert nairobi is not None and nairobi.kind == "place"
    assert 36 < nairobi.lon < 37.5 and -1.6 < nairobi.lat < -1.0
    lagos = by_text["rain, says my profile"].location
    assert lagos is not None and lagos.kind == "profile" and "Lagos" in lagos.label
    assert by_text["rain somewhere"].location is None
    assert all(p.terms == ("rain",) for p in run.sink.received)
    assert by_text["rain in Sydney"].author_handle == payloads.ADA["username"]


def test_asks_x_for_the_fields_that_carry_location(fake: FakeX, start: Any) -> None:
    live(start(["rain"]), fake)
    query = fake.stream_requests[-1]
    assert {"geo", "created_at", "author_id"} <= set(query["tweet.fields"].split(","))
    assert {"geo.place_id", "author_id"} <= set(query["expansions"].split(","))
    # The whole text: a long post's note, a repost's original.
    assert {"note_tweet", "referenced_tweets"} <= set(query["tweet.fields"].split(","))
    assert "referenced_tweets.id" in query["expansions"].split(",")
    assert {"geo", "full_name"} <= set(query["place.fields"].split(","))
    assert "location" in query["user.fields"].split(",")


def test_long_posts_and_reposts_arrive_whole_and_unescaped(fake: FakeX, start: Any) -> None:
    run = start(["rain"])
    live(run, fake)
    long_text = "rain &amp; more rain " * 20
    long_post = payloads.bare_post(text=long_text[:270] + "…")
    long_post["data"]["note_tweet"] = {"text": long_text}
    repost = payloads.bare_post(text="RT @someone_else: rain &lt;3 cut sh…")
    repost["data"]["referenced_tweets"] = [{"type": "retweeted", "id": "1862000000000000777"}]
    repost["includes"]["tweets"] = [
        {"id": "1862000000000000777", "text": "rain &lt;3 cut short no more, the original"}
    ]
    for obj in (long_post, repost):
        fake.push(obj, matches="rain has:geo")
    wait_for(lambda: len(run.sink.received) == 2)
    whole, reposted = run.sink.received
    assert whole.text == long_text.replace("&amp;", "&") and len(whole.text) > 280
    assert reposted.text == "RT @someone_else: rain <3 cut short no more, the original"


def test_rules_are_ours_only_and_other_tools_rules_survive(fake: FakeX, start: Any) -> None:
    foreign_tagged = fake.add_existing_rule("cats -is:retweet", tag="someone-else")
    foreign_untagged = fake.add_existing_rule("dogs lang:en")
    stale = fake.add_existing_rule("old has:geo", tag="geotweets:deadbeef:old")
    run = start(["rain", "#flood"])
    live(run, fake)
    rules = {r["id"]: r for r in fake.rules}
    assert foreign_tagged in rules and foreign_untagged in rules
    assert stale not in rules
    ours = sorted(r["value"] for r in rules.values() if is_ours(r.get("tag")))
    assert ours == ["#flood has:geo", "rain has:geo"]
    tags = {r["tag"] for r in rules.values() if is_ours(r.get("tag"))}
    assert tags == {
        f"geotweets:{run.source.session_key}:rain",
        f"geotweets:{run.source.session_key}:#flood",
    }


def test_all_posts_mode_drops_has_geo(fake: FakeX, start: Any) -> None:
    live(start(["rain"], located_only=False), fake)
    assert [r["value"] for r in fake.rules if is_ours(r.get("tag"))] == ["rain"]


def test_each_post_is_coloured_by_the_terms_that_matched_it(fake: FakeX, start: Any) -> None:
    run = start(["rain", "sun"])
    live(run, fake)
    fake.push(payloads.point_post(text="rain and sun"), matches=["rain has:geo", "sun has:geo"])
    fake.push(payloads.point_post(text="sun only"), matches="sun has:geo")
    wait_for(lambda: len(run.sink.received) == 2)
    terms = {p.text: p.terms for p in run.sink.received}
    assert terms == {"rain and sun": ("rain", "sun"), "sun only": ("sun",)}


@pytest.mark.parametrize(
    ("status", "words"),
    [(401, "rejected the token"), (403, "no filtered-stream access"), (409, "no rules")],
)
def test_errors_that_retrying_cannot_fix_end_the_stream_with_a_reason(
    fake: FakeX, start: Any, status: int, words: str
) -> None:
    fake.fail_next_connection(status)
    run = start(["rain"])
    wait_for(lambda: "error" in run.sink.states)
    assert words in run.sink.last.message
    run.thread.join(2)
    assert not run.thread.is_alive()
    assert fake.stream_attempts == 1  # no retry storm


def test_a_wrong_token_is_reported_before_connecting(fake: FakeX, start: Any) -> None:
    run = start(["rain"], token="not-the-right-token")
    wait_for(lambda: "error" in run.sink.states)
    assert "rejected the token" in run.sink.last.message
    assert fake.stream_attempts == 0
    assert not any(
        DEFAULT_TOKEN in str(e) or "not-the-right-token" in str(e) for e in run.sink.events
    )


def test_no_stream_access_is_explained(fake: FakeX, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeX(no_stream_access_tokens=("basic-plan",)) as basic:
        monkeypatch.setenv("GEOTWEETS_X_API_URL", basic.base_url)
        run = Running(XStreamSource(["rain"], "basic-plan", backoff=Backoff(**FAST)))
        wait_for(lambda: "error" in run.sink.states)
        assert "recent-search" in run.sink.last.message
        run.stop()


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Respond(429), "too many connections"),
        (Respond(503), "503"),
        (OperationalDisconnect(), "operational disconnect"),
        (Cut(), "connection"),
    ],
)
def test_the_stream_recovers_after_transient_trouble(
    fake: FakeX, start: Any, fault: Any, reason: str
) -> None:
    if isinstance(fault, Respond):
        fake.fail_next_connection(fault.status)
    else:
        fake.script_next_connection(KeepAlive(), fault)
    run = start(["rain"])
    wait_for(
        lambda: any(e.state == "reconnecting" and reason in e.message for e in run.sink.events)
    )
    wait_for(lambda: run.sink.states[-1] == "live" and fake.open_streams == 1)
    fake.push(payloads.point_post(text="rain after the trouble"), matches="rain has:geo")
    wait_for(lambda: [p.text for p in run.sink.received] == ["rain after the trouble"])
    waits = [e.retry_in for e in run.sink.events if e.state == "reconnecting"]
    assert all(w is not None and w > 0 for w in waits)


def test_too_many_connections_backs_off_from_a_minute_by_default() -> None:
    backoff = Backoff()
    assert [backoff.rate_limited() for _ in range(3)] == [60, 120, 240]
    assert [backoff.http_error() for _ in range(8)] == [5, 10, 20, 40, 80, 160, 320, 320]
    assert backoff.network_error() == 0.25


def test_odd_lines_never_end_the_stream(fake: FakeX, start: Any) -> None:
    run = start(["rain"])
    live(run, fake)
    one = payloads.point_post(text="split across two chunks")
    two = payloads.with_unknown_fields(payloads.point_post(text="with fields from the future"))
    three = payloads.point_post(text="matched by a rule without a tag")
    four = payloads.point_post(text="after the broken line")
    fake.inject(
        split_post(one, "rain has:geo", delay=0.1),
        SendPost(two, ("rain has:geo",)),
        SendPost(three, ("rain has:geo",), untagged=True),
        malformed_line(),
        SendPost(four, ("rain has:geo",)),
    )
    wait_for(lambda: len(run.sink.received) == 4)
    texts = [p.text for p in run.sink.received]
    assert texts == [
        "split across two chunks",
        "with fields from the future",
        "matched by a rule without a tag",
        "after the broken line",
    ]
    assert run.sink.received[2].terms == ()  # an untagged rule names none of our terms
    assert run.source.malformed_lines == 1
    # The window hears what was skipped, and what X said besides posts.
    live_messages = [e.message for e in run.sink.events if e.state == "live"]
    assert "Receiving posts · 1 bad line skipped" in live_messages


def test_an_error_line_that_does_not_end_the_stream_is_a_notice(fake: FakeX, start: Any) -> None:
    run = start(["rain"])
    live(run, fake)
    error = {"errors": [{"title": "made-up-problem", "detail": "a made-up error from X"}]}
    fake.inject(
        malformed_line(json.dumps(error)),
        SendPost(payloads.point_post(text="rain after the notice"), ("rain has:geo",)),
    )
    wait_for(lambda: len(run.sink.received) == 1)
    assert run.source.notices == {"errors": 1} and run.source.malformed_lines == 0
    assert run.sink.last.message == "Receiving posts · notices: 1 errors"
    assert fake.stream_connections == 1  # no reconnect was needed


def test_stop_is_prompt_between_keep_alives(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeX(keepalive_interval=20.0) as slow:  # X's real keep-alive gap
        monkeypatch.setenv("GEOTWEETS_X_API_URL", slow.base_url)
        run = Running(XStreamSource(["rain"], DEFAULT_TOKEN))
        live(run, slow)
        run.stop()
        wait_for(lambda: slow.open_streams == 0)
        assert run.sink.last.state == "stopped"


def test_stop_is_prompt_during_a_backoff_wait(fake: FakeX) -> None:
    fake.fail_next_connection(429, times=5)
    run = Running(XStreamSource(["rain"], DEFAULT_TOKEN))  # X's real waits: 60 s first
    wait_for(lambda: "reconnecting" in run.sink.states)
    assert run.sink.last.retry_in == 60
    run.stop()


def test_stop_is_prompt_while_the_server_is_silent(fake: FakeX) -> None:
    fake.script_next_connection(Silence(60))
    run = Running(XStreamSource(["rain"], DEFAULT_TOKEN))
    wait_for(lambda: fake.open_streams == 1)
    run.stop()


def test_stop_is_prompt_while_connecting_to_a_dead_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOTWEETS_X_API_URL", "http://127.0.0.1:9")  # discard port: refused
    slow_retries = Backoff(network_step=60.0, network_max=60.0)  # a minute between tries
    run = Running(XStreamSource(["rain"], DEFAULT_TOKEN, backoff=slow_retries))
    wait_for(lambda: "reconnecting" in run.sink.states)
    assert "network error" in run.sink.last.message
    assert run.sink.last.retry_in == 60
    run.stop()


def test_network_down_past_the_limit_ends_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOTWEETS_X_API_URL", "http://127.0.0.1:9")
    run = Running(
        XStreamSource(["rain"], DEFAULT_TOKEN, backoff=Backoff(**FAST), network_give_up_s=0.5)
    )
    wait_for(lambda: "error" in run.sink.states)
    assert "Could not reach X" in run.sink.last.message
    run.thread.join(2)
    assert not run.thread.is_alive()


def test_a_new_search_leaves_one_connection_and_only_its_own_rules(fake: FakeX, start: Any) -> None:
    foreign = fake.add_existing_rule("cats", tag="another-tool")
    first = start(["rain"])
    live(first, fake)
    first.stop()
    second = start(["sun"])
    live(second, fake)
    assert fake.open_streams == 1
    ours = [r for r in fake.rules if is_ours(r.get("tag"))]
    assert [r["value"] for r in ours] == ["sun has:geo"]
    assert any(r["id"] == foreign for r in fake.rules)
    fake.push(payloads.point_post(text="sun now"), matches="sun has:geo")
    wait_for(lambda: len(second.sink.received) == 1)
    assert first.sink.received == []
