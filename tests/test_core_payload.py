"""Turning one X API v2 stream object into a Post."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fixtures_v2 import (
    AUTHOR_ID,
    CREATED_AT,
    PLACE_ID,
    POST_ID,
    SYDNEY_POINT,
    deep_copy,
    full_stream_object,
    place,
    stream_object,
    term_for_tag,
    user,
)

from geotweets_desktop.core.archive.v2_fast import fast_stream_post
from geotweets_desktop.core.gazetteer import locate_profile
from geotweets_desktop.core.payload import PayloadError, post_from_v2
from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.post_time import parse_iso_time, stored_time


def test_full_realistic_object() -> None:
    obj = full_stream_object()
    post = post_from_v2(obj, term_for_tag, locate_profile)
    assert post.id == POST_ID
    assert post.text == "Rain and wind at the beach 🌧️🌬️ #rain #wind"
    assert post.author_name == "Testy McTestface"
    assert post.author_handle == "testy_example"
    assert post.lang == "en"
    assert post.created_at == datetime(2026, 11, 28, 16, 49, 56, tzinfo=UTC)
    # Only our own session's tags name terms: the untagged rule, another tool's tag
    # and another GeoTweets session's tag are all ignored.
    assert post.terms == ("rain", "#wind")
    # The exact point wins and keeps the name of the place the post also named.
    assert post.location == Location(
        lon=151.2, lat=-33.87, kind="exact", radius_m=0.0, label="Sydney, New South Wales"
    )
    assert post.synthetic is False
    assert post.url == f"https://x.com/testy_example/status/{POST_ID}"


def test_place_post() -> None:
    obj = stream_object(place_id=PLACE_ID, places=[place()])
    post = post_from_v2(obj, term_for_tag, locate_profile)
    assert post.location is not None
    assert post.location.kind == "place"
    assert post.location.label == "Melbourne, Victoria"
    assert post.location.lon == pytest.approx(145.0)
    assert post.location.lat == pytest.approx(-37.8)


def test_profile_post_uses_the_authors_location_text() -> None:
    obj = stream_object(author=user(location="Berlin | Germany"))
    post = post_from_v2(obj, term_for_tag, locate_profile)
    assert post.location is not None
    assert post.location.kind == "profile"
    assert post.location.label == "Berlin, Germany"
    assert post.location.lon == pytest.approx(13.41, abs=0.05)
    assert post.location.lat == pytest.approx(52.52, abs=0.05)


def test_without_a_profile_matcher_profile_text_is_not_used() -> None:
    obj = stream_object(author=user(location="Berlin | Germany"))
    assert post_from_v2(obj, term_for_tag).location is None


def test_unlocated_post() -> None:
    obj = stream_object(author=user(location="somewhere over the rainbow"))
    post = post_from_v2(obj, term_for_tag, locate_profile)
    assert post.location is None


def test_point_order_through_the_whole_parser() -> None:
    obj = stream_object(point=list(SYDNEY_POINT))
    loc = post_from_v2(obj, term_for_tag).location
    assert loc is not None
    assert (loc.lon, loc.lat) == (151.2, -33.87)


@pytest.mark.parametrize(
    "rules",
    [
        [{"id": "1"}],
        [{"id": "1", "tag": None}],
        [{"id": "1", "tag": 17}],
        [{"id": "1", "tag": ""}],
        ["not-a-rule"],
        [None],
        [],
        None,
    ],
)
def test_rules_without_a_usable_tag_are_ignored(rules: Any) -> None:
    obj = stream_object(terms=())
    obj["matching_rules"] = rules
    post = post_from_v2(obj, term_for_tag)
    assert post.terms == ()


def test_missing_matching_rules_key() -> None:
    obj = stream_object()
    del obj["matching_rules"]
    assert post_from_v2(obj, term_for_tag).terms == ()


def test_the_same_term_matched_twice_is_listed_once() -> None:
    obj = stream_object(terms=("rain", "rain", "snow"))
    assert post_from_v2(obj, term_for_tag).terms == ("rain", "snow")


def test_term_for_tag_receives_the_tag_strings() -> None:
    seen: list[str] = []

    def spy(tag: str) -> str | None:
        seen.append(tag)
        return term_for_tag(tag)

    post_from_v2(full_stream_object(), spy)
    assert seen == [
        "geotweets:s42:rain",
        "geotweets:s42:#wind",
        "other-tool:weather",
        "geotweets:another-session:hail",
    ]


def test_unknown_extra_fields_are_ignored() -> None:
    obj = stream_object(point=list(SYDNEY_POINT))
    obj["data"]["future_field"] = {"nested": [1, 2, 3]}
    obj["data"]["note_tweet"] = {"text": "longer text"}
    obj["includes"]["media"] = [{"media_key": "3_1", "type": "photo"}]
    obj["includes"]["tweets"] = [{"id": "1", "text": "quoted"}]
    obj["errors"] = [{"title": "Not Found Error", "detail": "a referenced post is gone"}]
    obj["something_new"] = True
    post = post_from_v2(obj, term_for_tag)
    assert post.id == POST_ID
    assert post.terms == ("rain",)
    assert post.location is not None


@pytest.mark.parametrize("includes", [None, [], "x", {}])
def test_missing_or_broken_includes_give_an_anonymous_post(includes: Any) -> None:
    obj = stream_object()
    obj["includes"] = includes
    post = post_from_v2(obj, term_for_tag, locate_profile)
    assert post.author_name == ""
    assert post.author_handle == ""
    assert post.location is None


def test_author_fields_that_are_not_strings_do_not_crash() -> None:
    author = user()
    author["name"] = None
    obj = stream_object(author=author)
    assert post_from_v2(obj, term_for_tag).author_name == ""


# --- errors -------------------------------------------------------------------


def _payload_error(obj: dict[str, Any]) -> str:
    with pytest.raises(PayloadError) as info:
        post_from_v2(obj, term_for_tag)
    return str(info.value)


def test_payload_error_is_a_value_error() -> None:
    assert issubclass(PayloadError, ValueError)


@pytest.mark.parametrize(
    "obj",
    [
        {},
        {"includes": {}, "matching_rules": []},
        {"data": None},
        {"data": []},
        {"data": "post"},
        {"errors": [{"title": "operational-disconnect"}]},
    ],
)
def test_missing_data_raises(obj: dict[str, Any]) -> None:
    assert _payload_error(obj) == "no 'data' object"


@pytest.mark.parametrize("post_id", [None, "", 1862000000000000001])
def test_missing_or_non_string_id_raises(post_id: Any) -> None:
    obj = stream_object()
    if post_id is None:
        del obj["data"]["id"]
    else:
        obj["data"]["id"] = post_id
    assert _payload_error(obj) == "post without an id"


@pytest.mark.parametrize("text", [None, 42])
def test_missing_text_raises(text: Any) -> None:
    obj = stream_object()
    if text is None:
        del obj["data"]["text"]
    else:
        obj["data"]["text"] = text
    assert _payload_error(obj) == f"post {POST_ID} without text"


def test_empty_text_is_still_a_post() -> None:
    assert post_from_v2(stream_object(text=""), term_for_tag).text == ""


# --- time ---------------------------------------------------------------------


def test_created_at_is_parsed_as_utc() -> None:
    t = parse_iso_time(CREATED_AT)
    assert t == datetime(2026, 11, 28, 16, 49, 56, tzinfo=UTC)
    assert t.utcoffset() == timedelta(0)


def test_created_at_with_milliseconds_and_offset() -> None:
    assert parse_iso_time("2026-11-28T18:49:56.250+02:00") == datetime(
        2026, 11, 28, 16, 49, 56, 250000, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "yesterday",
        "2026-13-45T99:00:00Z",
        "2026-13-45T99:00:00.000Z",  # X's form, impossible numbers
        "2026-1a-28T16:49:56.250Z",
        "\u0662\u0660\u0662\u0666-11-28T16:49:56.250Z",  # digits, but not ASCII ones
        1764348596,
    ],
)
def test_absent_or_broken_created_at_is_no_time(value: Any) -> None:
    assert parse_iso_time(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-28T16:49:56.000Z",
        "2026-11-28T16:49:56.250Z",
        "0001-01-01T00:00:00.001Z",
        "2026-11-28T16:49:56Z",
        "2026-11-28 16:49:56.250Z",
        "2026-W48-6T16:49:56.250Z",
        "2026-11-28T18:49:56.250+02:00",
        "2026-11-28T16:49:56.123456Z",
    ],
)
def test_a_time_is_stored_as_isoformat_writes_it(value: str) -> None:
    parsed = parse_iso_time(value)
    other = parse_iso_time("2025-01-01T00:00:00.500Z")  # parsed last, not asked about
    assert parsed is not None and other is not None
    assert stored_time(parsed) == parsed.isoformat()
    assert stored_time(other) == other.isoformat() == "2025-01-01T00:00:00.500000+00:00"
    assert stored_time(None) == ""


def test_post_without_created_at_takes_its_time_from_its_id() -> None:
    # (1862000000000000001 >> 22) + 1288834974657 ms after the Unix epoch.
    post = post_from_v2(stream_object(created_at=None), term_for_tag)
    assert post.created_at == datetime(2024, 11, 28, 5, 6, 8, 944000, tzinfo=UTC)
    assert post.time_from_id
    assert not post_from_v2(stream_object(), term_for_tag).time_from_id


# --- text and raw are kept exactly --------------------------------------------

HOSTILE_TEXTS = [
    "Emoji 🌧️👩🏽‍🚒🏳️‍🌈 and a ZWJ family 👨‍👩‍👧",
    "مطر غزير في القاهرة اليوم",
    "גשם חזק בתל אביב",
    "Mixed RTL: rain \u202eevil\u202c and مطر and גשם",
    "<img src=x onerror=alert(1)></script><script>alert('x')</script>",
    "quotes \" and ' and `backticks` and \\ backslash",
    "line\u2028separator\u2029paragraph\nnewline\ttab\r\n",
    "NUL-free but odd: \ufeff\u200b\u00a0",
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_text_is_preserved_exactly(text: str) -> None:
    obj = stream_object(text=text)
    post = post_from_v2(obj, term_for_tag)
    assert post.text == text
    assert json.loads(post.raw)["data"]["text"] == text


def test_raw_is_the_object_as_json_with_unicode_unescaped() -> None:
    obj = full_stream_object()
    original = deep_copy(obj)
    post = post_from_v2(obj, term_for_tag)
    assert json.loads(post.raw) == original
    assert "🌧️" in post.raw  # ensure_ascii=False: readable, not \\ud83c escapes
    assert obj == original  # the input is not modified


def test_raw_given_by_the_caller_is_kept_verbatim() -> None:
    line = json.dumps(full_stream_object(), indent=None, separators=(",", ":"))
    post = post_from_v2(json.loads(line), term_for_tag, raw=line)
    assert post.raw == line


def test_synthetic_flag_and_url() -> None:
    post = post_from_v2(stream_object(), term_for_tag, synthetic=True)
    assert post.synthetic is True
    assert post.url == ""


def test_url_without_a_handle_uses_the_i_route() -> None:
    obj = stream_object()
    obj["includes"]["users"] = []
    post = post_from_v2(obj, term_for_tag)
    assert post.url == f"https://x.com/i/status/{POST_ID}"


def test_url_is_empty_for_a_non_numeric_id() -> None:
    post = Post(
        id="abc",
        created_at=datetime.now(UTC),
        text="",
        author_name="",
        author_handle="h",
        terms=(),
        location=None,
        raw="{}",
    )
    assert post.url == ""


def test_author_id_links_to_the_right_user() -> None:
    obj = stream_object(author=user(AUTHOR_ID, name="Right Person", username="right"))
    obj["includes"]["users"].insert(0, user("5", name="Wrong Person", username="wrong"))
    post = post_from_v2(obj, term_for_tag)
    assert (post.author_name, post.author_handle) == ("Right Person", "right")


@pytest.mark.parametrize(
    "obj",
    [
        full_stream_object(),
        stream_object(terms=("rain", "rain", "snow")),
        stream_object(point=list(SYDNEY_POINT)),
        stream_object(place_id=PLACE_ID, places=[place()]),
        stream_object(author=user(location="Lisbon, Portugal")),
        stream_object(terms=(), extra_rules=[{"id": "1", "tag": ""}, {"id": "2"}]),
        stream_object(created_at=None, lang=""),
    ],
    ids=["full", "twice", "point", "place", "profile", "untagged", "bare"],
)
def test_the_streams_fast_decoder_makes_the_same_post_as_the_general_path(
    obj: dict[str, Any],
) -> None:
    """The live stream reads lines with the typed decoder first; whatever it
    makes must be what the general path makes of the same line."""
    line = json.dumps(obj, ensure_ascii=False).encode()
    fast = fast_stream_post(line, locate_profile, term_for_tag)
    general = post_from_v2(json.loads(line), term_for_tag, locate_profile, raw=line.decode())
    assert fast is not None
    assert fast.raw == line
    if obj["data"].get("created_at") is None:  # both stamp "now", a moment apart
        assert abs(fast.created_at - general.created_at) < timedelta(seconds=5)
        fast = replace(fast, created_at=general.created_at)
    assert replace(fast, raw=general.raw) == general


@pytest.mark.parametrize(
    "line",
    [
        b'{"errors": [{"title": "operational-disconnect"}]}',
        b'{"data": {"id": 5, "text": "an id that is a number"}}',
        b'{"data": {"id": "5", "text": "x"}, "matching_rules": ["not-a-rule"]}',
        b'{"data": {"id": "5", "text": "bad \xff bytes"}}',
        b"not json",
    ],
)
def test_the_fast_decoder_leaves_anything_unusual_to_the_general_path(line: bytes) -> None:
    assert fast_stream_post(line, locate_profile, term_for_tag) is None
