"""Our tag namespace for X filtered-stream rules."""

from __future__ import annotations

import pytest

from geotweets_desktop.core.rules import TAG_PREFIX, is_ours, make_tag, term_from_tag


@pytest.mark.parametrize(
    "term", ["rain", "#rain", "@weather_desk", '"heavy rain"', "a:b:c", "雨", "مطر", ""]
)
def test_make_tag_round_trips_the_term(term: str) -> None:
    tag = make_tag("k7", term)
    assert tag == f"geotweets:k7:{term}"
    assert term_from_tag(tag, "k7") == term
    assert is_ours(tag)


def test_tag_prefix() -> None:
    assert TAG_PREFIX == "geotweets:"


def test_session_key_with_a_colon_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot contain ':'"):
        make_tag("a:b", "rain")


def test_another_sessions_tag_names_no_term_of_ours() -> None:
    tag = make_tag("other", "rain")
    assert term_from_tag(tag, "mine") is None
    assert is_ours(tag)  # still ours to clean up


def test_session_key_that_is_a_prefix_of_another_does_not_match() -> None:
    assert term_from_tag(make_tag("abc", "rain"), "ab") is None
    assert term_from_tag(make_tag("ab", "rain"), "abc") is None


@pytest.mark.parametrize(
    "tag",
    [
        "",
        None,
        "weather",
        "other-tool:rain",
        "GeoTweets:k:rain",  # case matters: not our exact prefix
        "my-geotweets:k:rain",
        " geotweets:k:rain",
        "geotweets",
    ],
)
def test_other_tools_tags_are_not_ours(tag: str | None) -> None:
    assert not is_ours(tag)
    if tag is not None:
        assert term_from_tag(tag, "k") is None
