"""The loopback fake of X's API v2 speaks X's wire format, over real HTTP.

Plain `requests` against `fake.base_url` checks the wire itself (status codes,
bodies, chunked framing, keep-alives); tweepy 4.17, whose host is hard-coded,
reaches the fake through a session that rewrites `https://api.twitter.com`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
import tweepy
from fake_x import (
    CLIENT_FORBIDDEN,
    DEFAULT_TOKEN,
    NO_RULES,
    OPERATIONAL_DISCONNECT,
    SERVICE_UNAVAILABLE,
    TOO_MANY_CONNECTIONS,
    TOO_MANY_REQUESTS,
    UNAUTHORIZED,
    Cut,
    FakeX,
    KeepAlive,
    OperationalDisconnect,
    SendPost,
    Silence,
    malformed_line,
    payloads,
    split_post,
)
from helpers import WAIT_TIMEOUT_S

FREE_PLAN_TOKEN = "free-plan-token"
TWEEPY_HOST = "https://api.twitter.com"

# What the app asks the stream for (see geotweets_desktop/sources/x_api.py).
APP_FIELDS = {
    "tweet.fields": "geo,created_at,lang,author_id",
    "expansions": "geo.place_id,author_id",
    "place.fields": "full_name,geo,country_code,place_type",
    "user.fields": "username,name,location",
}


def auth(token: str = DEFAULT_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def fake() -> Iterator[FakeX]:
    before = set(threading.enumerate())
    server = FakeX(
        keepalive_interval=0.1,
        no_stream_access_tokens=(FREE_PLAN_TOKEN,),
        search_rate_limit=3,
    )
    try:
        yield server
    finally:
        server.close()
    assert server.server_errors == []
    lingering = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert lingering == []


def add_rules(fake: FakeX, *rules: dict[str, str], **params: str) -> requests.Response:
    return requests.post(fake.rules_url, json={"add": list(rules)}, params=params, headers=auth())


@contextmanager
def stream(
    fake: FakeX,
    params: dict[str, str] | None = None,
    *,
    read: float = 10,
    settle: bool = True,
) -> Iterator[requests.Response]:
    """A raw stream connection; on leaving, wait until the fake has seen it close
    (X, too, refuses a second connection while it still counts the first)."""
    with requests.get(
        fake.stream_url, params=params, headers=auth(), stream=True, timeout=(10, read)
    ) as response:
        yield response
    if settle:
        assert fake.wait_until(lambda: fake.open_streams == 0)


def first_post(lines: Iterator[bytes]) -> dict[str, Any]:
    """The next non-keep-alive line, parsed."""
    for line in lines:
        if line:
            return json.loads(line)
    raise AssertionError("the stream ended before a post arrived")


def first_post_raw(lines: Iterator[bytes]) -> bytes:
    return next(line for line in lines if line)


# --- auth ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["stream_url", "rules_url", "search_url"])
@pytest.mark.parametrize("headers", [auth("wrong-token"), {}, {"Authorization": "Basic abc"}])
def test_a_bad_or_missing_token_gets_xs_401(
    fake: FakeX, path: str, headers: dict[str, str]
) -> None:
    response = requests.get(getattr(fake, path), params={"query": "rain"}, headers=headers)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert fake.stream_connections == 0


def test_a_plan_without_stream_access_is_forbidden_the_stream_and_rules_but_may_search(
    fake: FakeX,
) -> None:
    for method, url in (
        ("GET", fake.stream_url),
        ("GET", fake.rules_url),
        ("POST", fake.rules_url),
    ):
        response = requests.request(
            method, url, json={"add": [{"value": "rain"}]}, headers=auth(FREE_PLAN_TOKEN)
        )
        assert response.status_code == 403
        assert response.json() == CLIENT_FORBIDDEN
        assert response.json()["reason"] == "client-not-enrolled"
    assert fake.rules == []
    search = requests.get(fake.search_url, params={"query": "rain"}, headers=auth(FREE_PLAN_TOKEN))
    assert search.status_code == 200
    assert search.json() == {"meta": {"result_count": 0}}


# --- rules -----------------------------------------------------------------------------


def test_rules_are_added_listed_and_deleted_and_outlive_a_connection(fake: FakeX) -> None:
    empty = requests.get(fake.rules_url, headers=auth()).json()
    assert "data" not in empty
    assert empty["meta"]["result_count"] == 0
    assert empty["meta"]["sent"].endswith("Z")

    created = add_rules(
        fake, {"value": "rain has:geo", "tag": "geotweets:s1:rain"}, {"value": "#snow"}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["meta"]["summary"] == {"created": 2, "not_created": 0, "valid": 2, "invalid": 0}
    assert "errors" not in body
    rain, snow = body["data"]
    assert rain["value"] == "rain has:geo"
    assert rain["tag"] == "geotweets:s1:rain"
    assert "tag" not in snow
    assert rain["id"].isdigit() and snow["id"].isdigit() and rain["id"] != snow["id"]

    # A new connection (new session) sees the same rules: they live on the server.
    with requests.Session() as other:
        listed = other.get(fake.rules_url, headers=auth()).json()
    assert listed["data"] == [rain, snow]
    assert listed["meta"]["result_count"] == 2
    only = requests.get(fake.rules_url, params={"ids": snow["id"]}, headers=auth()).json()
    assert only["data"] == [snow]

    deleted = requests.post(fake.rules_url, json={"delete": {"ids": [rain["id"]]}}, headers=auth())
    assert deleted.status_code == 200
    assert deleted.json()["meta"]["summary"] == {"deleted": 1, "not_deleted": 0}
    assert [rule["id"] for rule in fake.rules] == [snow["id"]]


def test_invalid_and_duplicate_rules_come_back_in_errors_and_are_not_created(
    fake: FakeX,
) -> None:
    fake.add_existing_rule("cats -is:retweet", tag="their-tool")
    response = add_rules(
        fake,
        {"value": "", "tag": "empty"},
        {"value": "x" * 1025, "tag": "long"},
        {"value": "has:geo", "tag": "geo only"},
        {"value": "has:geo -is:retweet", "tag": "still no standalone operator"},
        {"value": "cats -is:retweet", "tag": "duplicate of theirs"},
        {"value": "rain has:geo", "tag": "fine"},
        {"value": "rain has:geo", "tag": "duplicate within the batch"},
        {"value": "y" * 1024, "tag": "longest allowed"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["meta"]["summary"] == {"created": 2, "not_created": 6, "valid": 2, "invalid": 6}
    assert [rule["tag"] for rule in body["data"]] == ["fine", "longest allowed"]
    errors = body["errors"]
    assert [e["value"] for e in errors] == [
        "",
        "x" * 1025,
        "has:geo",
        "has:geo -is:retweet",
        "cats -is:retweet",
        "rain has:geo",
    ]
    for invalid in errors[:4]:
        assert invalid["title"] == "UnprocessableEntity"
        assert invalid["type"] == "https://api.twitter.com/2/problems/invalid-rules"
        assert invalid["details"] and all(isinstance(d, str) for d in invalid["details"])
    their_id = fake.rules[0]["id"]
    assert errors[4] == {
        "value": "cats -is:retweet",
        "id": their_id,
        "title": "DuplicateRule",
        "type": "https://api.twitter.com/2/problems/duplicate-rules",
    }
    assert errors[5]["id"] == body["data"][0]["id"]
    assert [rule["value"] for rule in fake.rules] == [
        "cats -is:retweet",
        "rain has:geo",
        "y" * 1024,
    ]


def test_nothing_valid_means_200_and_no_data(fake: FakeX) -> None:
    response = add_rules(fake, {"value": "has:geo"})
    assert response.status_code == 200
    assert "data" not in response.json()
    assert response.json()["meta"]["summary"]["not_created"] == 1
    assert fake.rules == []


def test_a_dry_run_validates_but_creates_nothing(fake: FakeX) -> None:
    response = add_rules(fake, {"value": "rain"}, {"value": "has:geo"}, dry_run="true")
    assert response.status_code == 200
    assert response.json()["meta"]["summary"] == {
        "created": 1,
        "not_created": 1,
        "valid": 1,
        "invalid": 1,
    }
    assert fake.rules == []


def test_atomic_batches_create_nothing_when_one_rule_is_invalid() -> None:
    with FakeX(atomic_rule_batches=True) as fake:
        response = add_rules(fake, {"value": "rain"}, {"value": "has:geo"})
        assert response.status_code == 200
        assert response.json()["meta"]["summary"]["created"] == 0
        assert fake.rules == []


def test_the_rule_cap_is_enforced() -> None:
    with FakeX(max_rules=3) as fake:
        fake.add_existing_rule("one")
        fake.add_existing_rule("two")
        response = add_rules(fake, {"value": "three"}, {"value": "four"})
        assert (
            response.json()["errors"][-1]["type"] == "https://api.twitter.com/2/problems/rule-cap"
        )
        assert response.json()["meta"]["summary"]["created"] == 0
        assert len(fake.rules) == 2
        assert add_rules(fake, {"value": "three"}).status_code == 201


def test_other_tools_rules_are_listed_as_x_lists_them_and_survive_our_deletes(
    fake: FakeX,
) -> None:
    untagged = fake.add_existing_rule("from:someone_made_up")
    tagged = fake.add_existing_rule("(cats OR dogs) lang:en", tag="another-tool")
    ours = add_rules(fake, {"value": "rain", "tag": "geotweets:s1:rain"}).json()["data"][0]
    listed = {
        rule["id"]: rule for rule in requests.get(fake.rules_url, headers=auth()).json()["data"]
    }
    assert listed[untagged] == {"id": untagged, "value": "from:someone_made_up"}
    assert listed[tagged]["tag"] == "another-tool"

    requests.post(fake.rules_url, json={"delete": {"ids": [ours["id"]]}}, headers=auth())
    assert [rule["id"] for rule in fake.rules] == [untagged, tagged]


def test_deleting_a_rule_that_does_not_exist_reports_it(fake: FakeX) -> None:
    body = requests.post(fake.rules_url, json={"delete": {"ids": ["1999"]}}, headers=auth()).json()
    assert body["meta"]["summary"] == {"deleted": 0, "not_deleted": 1}
    assert body["errors"][0]["errors"][0]["parameters"] == {"ids": ["1999"]}


def test_a_malformed_rules_request_is_a_400(fake: FakeX) -> None:
    for payload in ({}, {"add": []}, {"add": [{"value": "a"}], "delete": {"ids": ["1"]}}):
        response = requests.post(fake.rules_url, json=payload, headers=auth())
        assert response.status_code == 400
        assert response.json()["title"] == "Invalid Request"


# --- the stream ------------------------------------------------------------------------


def test_the_stream_is_chunked_json_lines_with_keepalives(fake: FakeX) -> None:
    rule = add_rules(fake, {"value": "rain has:geo", "tag": "geotweets:s1:rain"}).json()["data"][0]
    post = payloads.point_post(text="Rain over the Tagus #rain")
    fake.push(post, matches="rain has:geo")

    with stream(fake, APP_FIELDS) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["Transfer-Encoding"] == "chunked"
        assert "Content-Length" not in response.headers
        chunks = response.iter_content(chunk_size=None)
        line = next(chunks)
        assert line.endswith(b"}\r\n")
        assert next(chunks) == b"\r\n"  # a bare keep-alive
        assert next(chunks) == b"\r\n"

    obj = json.loads(line)
    assert obj["matching_rules"] == [{"id": rule["id"], "tag": "geotweets:s1:rain"}]
    assert obj["data"]["geo"] == {
        "coordinates": {"type": "Point", "coordinates": [-9.1393, 38.7223]},
        "place_id": payloads.LISBON["id"],
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", obj["data"]["created_at"])
    assert obj["includes"]["users"][0]["username"] == payloads.ADA["username"]
    place = obj["includes"]["places"][0]
    assert place["geo"] == {
        "type": "Feature",
        "bbox": [-9.23, 38.69, -9.09, 38.80],
        "properties": {},
    }
    assert fake.stream_requests == [APP_FIELDS]
    assert fake.delivered_post_ids == [post["data"]["id"]]
    assert fake.wait_until(lambda: fake.open_streams == 0)


def test_keepalives_read_as_empty_lines_like_tweepy_reads_them(fake: FakeX) -> None:
    add_rules(fake, {"value": "rain"})
    with stream(fake) as response:
        lines = response.iter_lines()
        assert [next(lines) for _ in range(3)] == [b"", b"", b""]


def test_posts_are_trimmed_to_the_fields_asked_for(fake: FakeX) -> None:
    add_rules(fake, {"value": "rain"})
    fake.push(payloads.point_post(), matches="rain")
    with stream(fake) as response:
        obj = first_post(response.iter_lines())
    assert set(obj["data"]) == {"id", "text", "edit_history_tweet_ids"}
    assert "includes" not in obj

    fake.push(payloads.profile_location_post(location="Nairobi, Kenya"), matches="rain")
    with stream(fake, {"expansions": "author_id", "user.fields": "location"}) as response:
        obj = first_post(response.iter_lines())
    assert obj["includes"] == {
        "users": [
            {
                "id": payloads.BRUNO["id"],
                "name": payloads.BRUNO["name"],
                "username": payloads.BRUNO["username"],
                "location": "Nairobi, Kenya",
            }
        ]
    }


def test_prepared_lines_go_out_shaped_for_the_open_stream_in_one_chunk(fake: FakeX) -> None:
    body = add_rules(fake, {"value": "rain", "tag": "t-rain"})
    (rain,) = body.json()["data"]
    posts = [payloads.point_post(text=f"rain {i}") for i in range(3)]
    with stream(fake, {"tweet.fields": "geo"}) as response:
        assert fake.wait_until(lambda: fake.open_streams == 1)
        fake.inject(fake.prepare_posts(posts, matches="rain"))
        lines = response.iter_lines()
        got = [first_post(lines) for _ in posts]
    assert [obj["data"]["text"] for obj in got] == ["rain 0", "rain 1", "rain 2"]
    assert all(set(obj["data"]) == {"id", "text", "geo", "edit_history_tweet_ids"} for obj in got)
    assert all(obj["matching_rules"] == [{"id": rain["id"], "tag": "t-rain"}] for obj in got)
    ids = [p["data"]["id"] for p in posts]
    assert fake.delivered_post_ids == ids and set(fake.delivered_at) == set(ids)


def test_an_unknown_field_name_in_the_request_is_a_400(fake: FakeX) -> None:
    add_rules(fake, {"value": "rain"})
    with stream(fake, {"tweet.fields": "geo,coordinates"}) as response:
        assert response.status_code == 400
        assert response.json()["errors"][0]["parameters"] == {"tweet.fields": ["coordinates"]}
    assert fake.stream_connections == 0


def test_posts_go_out_only_for_current_rules(fake: FakeX) -> None:
    body = add_rules(fake, {"value": "rain", "tag": "t-rain"}, {"value": "snow", "tag": "t-snow"})
    rain, snow = body.json()["data"]
    requests.post(fake.rules_url, json={"delete": {"ids": [snow["id"]]}}, headers=auth())
    stale = payloads.place_post(text="Snow on the hills")
    both = payloads.place_post(text="Rain turning to snow")
    fake.push(stale, matches="snow")
    fake.push(both, matches=["t-snow", "t-rain"])  # tags work as well as values
    with stream(fake) as response:
        obj = first_post(response.iter_lines())
    assert obj["data"]["id"] == both["data"]["id"]
    assert obj["matching_rules"] == [{"id": rain["id"], "tag": "t-rain"}]
    assert fake.dropped_post_ids == [stale["data"]["id"]]


def test_only_one_stream_connection_at_a_time(fake: FakeX) -> None:
    add_rules(fake, {"value": "rain"})
    with stream(fake, settle=False) as first:
        assert first.status_code == 200
        assert fake.wait_until(lambda: fake.open_streams == 1)
        with stream(fake, settle=False) as second:
            assert second.status_code == 429
            assert second.json() == TOO_MANY_CONNECTIONS
        assert fake.open_streams == 1
        assert fake.stream_connections == 1
        assert fake.stream_attempts == 2
    assert fake.wait_until(lambda: fake.open_streams == 0)
    with stream(fake) as again:
        assert again.status_code == 200
    assert fake.stream_connections == 2


def test_no_rules_at_all_is_a_409(fake: FakeX) -> None:
    with stream(fake) as response:
        assert response.status_code == 409
        assert response.json() == NO_RULES
        assert response.json()["connection_issue"] == "RuleConfigurationIssue"
    assert fake.stream_connections == 0


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (401, UNAUTHORIZED),
        (403, CLIENT_FORBIDDEN),
        (409, NO_RULES),
        (429, TOO_MANY_CONNECTIONS),
        (503, SERVICE_UNAVAILABLE),
    ],
)
def test_a_scripted_http_error_then_a_normal_connection(
    fake: FakeX, status: int, body: dict[str, Any]
) -> None:
    add_rules(fake, {"value": "rain"})
    fake.fail_next_connection(status)
    with stream(fake) as response:
        assert response.status_code == status
        assert response.json() == body
        assert response.headers["x-rate-limit-limit"] == "50"
    with stream(fake) as response:
        assert response.status_code == 200
    assert (fake.stream_attempts, fake.stream_connections) == (2, 1)


def test_an_operational_disconnect_is_an_error_line_then_a_clean_end(fake: FakeX) -> None:
    add_rules(fake, {"value": "rain"})
    fake.script_next_connection(KeepAlive(), OperationalDisconnect())
    with stream(fake) as response:
        lines = list(response.iter_lines())  # ends without raising: a proper last chunk
    assert lines == [b"", json.dumps(OPERATIONAL_DISCONNECT, separators=(",", ":")).encode()]
    error = json.loads(lines[1])["errors"][0]
    assert error["disconnect_type"] == "OperationalDisconnect"
    assert fake.wait_until(lambda: fake.open_streams == 0)


def test_a_cut_mid_stream_ends_without_the_last_chunk(fake: FakeX) -> None:
    add_rules(fake, {"value": "rain"})
    fake.push(payloads.bare_post(), matches="rain")
    fake.inject(Cut())
    with stream(fake) as response:
        lines = response.iter_lines()
        assert json.loads(next(lines))["matching_rules"]
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            next(lines)
    assert fake.wait_until(lambda: fake.open_streams == 0)


def test_a_post_split_across_two_chunks_reads_as_one_line(fake: FakeX) -> None:
    add_rules(fake, {"value": "rain"})
    post = payloads.place_post()
    fake.script_next_connection(split_post(post, "rain", delay=0.15))
    asked = time.time()
    with stream(fake) as response:
        chunks = response.iter_content(chunk_size=None)
        first = next(chunks)
        second = next(chunks)
    # The second half went out after the delay (the fake notes when a post's
    # last byte left; when the client read each half depends on the machine).
    assert fake.delivered_at[post["data"]["id"]] - asked >= 0.15
    assert not first.endswith(b"\r\n")
    assert json.loads(first + second)["data"]["id"] == post["data"]["id"]

    fake.inject(split_post(post, "rain", delay=0.05))
    with stream(fake) as response:
        assert first_post(response.iter_lines())["data"]["id"] == post["data"]["id"]


def test_unknown_fields_in_a_post_pass_through(fake: FakeX) -> None:
    add_rules(fake, {"value": "rain"})
    fake.push(payloads.with_unknown_fields(payloads.point_post()), matches="rain")
    with stream(fake, APP_FIELDS) as response:
        obj = first_post(response.iter_lines())
    assert obj["data"]["x_future_field"] == {"kind": "made-up", "values": [1, 2, 3]}
    assert obj["includes"]["x_future_objects"] == [{"id": "9", "note": "made-up"}]
    assert obj["x_future_envelope_field"] == "made-up"


def test_a_matching_rule_can_come_without_a_tag(fake: FakeX) -> None:
    theirs = fake.add_existing_rule("rain")  # another tool's rule: no tag
    add_rules(fake, {"value": "snow", "tag": "geotweets:s1:snow"})
    fake.push(payloads.bare_post(), matches="rain")
    fake.inject(SendPost(payloads.bare_post(), ("snow",), untagged=True))
    with stream(fake) as response:
        lines = response.iter_lines()
        assert first_post(lines)["matching_rules"] == [{"id": theirs}]
        (rule,) = first_post(lines)["matching_rules"]
    assert set(rule) == {"id"}


def test_a_malformed_line_then_the_stream_goes_on(fake: FakeX) -> None:
    add_rules(fake, {"value": "rain"})
    fake.inject(malformed_line())
    fake.push(payloads.bare_post(), matches="rain")
    with stream(fake) as response:
        lines = response.iter_lines()
        bad = first_post_raw(lines)
        with pytest.raises(json.JSONDecodeError):
            json.loads(bad)
        assert first_post(lines)["matching_rules"]


def test_silence_means_no_keepalives_so_a_read_timeout_fires(fake: FakeX) -> None:
    add_rules(fake, {"value": "rain"})
    fake.script_next_connection(KeepAlive(), Silence(60))  # ended early by fake.close()
    with stream(fake, read=0.3, settle=False) as response:
        chunks = response.iter_content(chunk_size=None)
        assert next(chunks) == b"\r\n"
        started = time.monotonic()
        with pytest.raises(requests.exceptions.ConnectionError):
            next(chunks)
        assert 0.25 <= time.monotonic() - started < 60


def test_close_ends_open_streams_and_idle_connections_promptly() -> None:
    before = set(threading.enumerate())
    fake = FakeX(keepalive_interval=20)
    add_rules(fake, {"value": "rain"})
    with requests.Session() as idle, stream(fake) as response:
        idle.get(fake.rules_url, headers=auth())  # leaves a kept-alive connection
        assert fake.wait_until(lambda: fake.open_streams == 1)
        started = time.monotonic()
        fake.close()
        # Well before the next keep-alive would have ended the stream.
        assert time.monotonic() - started < 10
        assert list(response.iter_lines()) == []  # the stream ended with its last chunk
    assert [t for t in threading.enumerate() if t not in before] == []
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(fake.rules_url, headers=auth(), timeout=1)


# --- recent search ---------------------------------------------------------------------


def test_recent_search_returns_newer_posts_newest_first_with_rate_limit_headers(
    fake: FakeX,
) -> None:
    old, middle, new = payloads.point_post(), payloads.place_post(), payloads.bare_post()
    fake.add_search_posts(old, new, middle)
    params = {
        "query": "rain has:geo -is:retweet",
        "since_id": old["data"]["id"],
        "max_results": "100",
        "tweet.fields": "geo,created_at,lang,author_id",
        "expansions": "geo.place_id,author_id",
        "place.fields": "geo,country_code",
    }
    response = requests.get(fake.search_url, params=params, headers=auth())
    assert response.status_code == 200
    body = response.json()
    assert [post["id"] for post in body["data"]] == [new["data"]["id"], middle["data"]["id"]]
    assert body["meta"] == {
        "newest_id": new["data"]["id"],
        "oldest_id": middle["data"]["id"],
        "result_count": 2,
    }
    assert {user["id"] for user in body["includes"]["users"]} == {
        payloads.ADA["id"],
        payloads.CHIDI["id"],
    }
    assert body["includes"]["places"] == [
        {
            "id": payloads.NAIROBI["id"],
            "full_name": "Nairobi, Kenya",
            "country_code": "KE",
            "geo": {"type": "Feature", "bbox": [36.66, -1.44, 37.10, -1.16], "properties": {}},
        }
    ]
    assert response.headers["x-rate-limit-limit"] == "3"
    assert response.headers["x-rate-limit-remaining"] == "2"
    assert int(response.headers["x-rate-limit-reset"]) > time.time()
    assert fake.search_requests == [params]

    nothing = requests.get(
        fake.search_url, params={"query": "rain", "since_id": new["data"]["id"]}, headers=auth()
    )
    assert nothing.json() == {"meta": {"result_count": 0}}


def test_recent_search_pages_with_next_token(fake: FakeX) -> None:
    posts = [payloads.bare_post() for _ in range(12)]
    fake.add_search_posts(*posts)
    first = requests.get(
        fake.search_url, params={"query": "rain", "max_results": "10"}, headers=auth()
    ).json()
    assert first["meta"]["result_count"] == 10
    second = requests.get(
        fake.search_url,
        params={"query": "rain", "max_results": "10", "next_token": first["meta"]["next_token"]},
        headers=auth(),
    ).json()
    assert [p["id"] for p in second["data"]] == [posts[1]["data"]["id"], posts[0]["data"]["id"]]
    assert "next_token" not in second["meta"]


def test_recent_search_over_the_limit_is_a_429(fake: FakeX) -> None:
    for _ in range(3):
        assert requests.get(fake.search_url, params={"query": "a"}, headers=auth()).ok
    response = requests.get(fake.search_url, params={"query": "a"}, headers=auth())
    assert response.status_code == 429
    assert response.json() == TOO_MANY_REQUESTS
    assert response.headers["x-rate-limit-remaining"] == "0"
    fake.reset_rate_limits()
    assert requests.get(fake.search_url, params={"query": "a"}, headers=auth()).ok


def test_recent_search_checks_its_parameters(fake: FakeX) -> None:
    for params in ({}, {"query": "a", "max_results": "5"}, {"query": "a", "since_id": "abc"}):
        response = requests.get(fake.search_url, params=params, headers=auth())
        assert response.status_code == 400
        assert response.json()["type"] == "https://api.twitter.com/2/problems/invalid-request"


# --- tweepy, pointed at the fake -------------------------------------------------------


class RewritingSession(requests.Session):
    """What the app does: send tweepy's hard-coded host to our base URL."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if isinstance(url, str) and url.startswith(TWEEPY_HOST):
            url = self.base_url + url[len(TWEEPY_HOST) :]
        return super().request(method, url, *args, **kwargs)


def test_tweepy_manages_rules_through_a_rewriting_session(fake: FakeX) -> None:
    theirs = fake.add_existing_rule("from:someone_made_up")
    client = tweepy.StreamingClient(DEFAULT_TOKEN)
    client.session.close()
    client.session = RewritingSession(fake.base_url)
    try:
        listed = client.get_rules()
        assert [(rule.value, rule.tag, rule.id) for rule in listed.data] == [
            ("from:someone_made_up", None, theirs)
        ]
        added = client.add_rules(
            [
                tweepy.StreamRule("rain has:geo", tag="geotweets:s1:rain"),
                tweepy.StreamRule("has:geo", tag="geotweets:s1:bad"),
            ]
        )
        assert [rule.tag for rule in added.data] == ["geotweets:s1:rain"]
        assert added.errors[0]["value"] == "has:geo"
        assert added.meta["summary"]["created"] == 1
        ours = added.data[0].id
        assert {rule.id for rule in client.get_rules().data} == {theirs, ours}
        deleted = client.delete_rules([ours])
        assert deleted.meta["summary"] == {"deleted": 1, "not_deleted": 0}
        assert [rule["id"] for rule in fake.rules] == [theirs]
    finally:
        client.session.close()
    assert all(r.headers["Authorization"] == f"Bearer {DEFAULT_TOKEN}" for r in fake.requests)


def test_tweepy_streams_from_the_fake(fake: FakeX) -> None:
    received: list[tweepy.StreamResponse] = []

    class Listener(tweepy.StreamingClient):
        def on_response(self, response: tweepy.StreamResponse) -> None:
            received.append(response)

    client = Listener(DEFAULT_TOKEN, max_retries=0)
    client.session.close()
    client.session = RewritingSession(fake.base_url)
    client.add_rules(tweepy.StreamRule("rain has:geo", tag="geotweets:s1:rain"))
    fake.push(payloads.point_post(), matches="geotweets:s1:rain")
    thread = client.filter(
        threaded=True,
        tweet_fields=["geo", "created_at", "lang", "author_id"],
        expansions=["geo.place_id", "author_id"],
        place_fields=["full_name", "geo", "country_code", "place_type"],
        user_fields=["username", "name", "location"],
    )
    try:
        assert fake.wait_until(lambda: bool(received))
    finally:
        client.disconnect()
        thread.join(timeout=WAIT_TIMEOUT_S)
    assert not thread.is_alive()
    (response,) = received
    assert response.data.geo["coordinates"]["coordinates"] == [-9.1393, 38.7223]
    assert response.includes["places"][0].country_code == "PT"
    assert response.matching_rules[0].tag == "geotweets:s1:rain"
    assert fake.stream_connections == 1
    assert fake.stream_requests[0]["expansions"] == "geo.place_id,author_id"
    assert fake.wait_until(lambda: fake.open_streams == 0)


def test_tweepy_searches_and_sees_the_429(fake: FakeX) -> None:
    post = payloads.place_post()
    fake.add_search_posts(post)
    client = tweepy.Client(DEFAULT_TOKEN)
    client.session.close()
    client.session = RewritingSession(fake.base_url)
    try:
        found = client.search_recent_tweets(
            "rain has:geo", since_id="1", tweet_fields=["geo"], expansions=["geo.place_id"]
        )
        assert found.data[0].id == int(post["data"]["id"])
        assert found.includes["places"][0].full_name == "Nairobi, Kenya"
        client.search_recent_tweets("rain")
        client.search_recent_tweets("rain")
        with pytest.raises(tweepy.TooManyRequests) as raised:
            client.search_recent_tweets("rain")
        assert raised.value.reset_time is not None and raised.value.reset_time > time.time()
    finally:
        client.session.close()
