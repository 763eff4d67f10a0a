"""What the user types into the search box, turned into search terms."""

from __future__ import annotations

import re

import pytest

from geotweets_desktop.core.terms import (
    MAX_TERM_LENGTH,
    MAX_TERMS,
    TermError,
    parse_terms,
    split_terms,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("rain", ["rain"]),
        ("rain, snow", ["rain", "snow"]),
        ("rain,snow,hail", ["rain", "snow", "hail"]),
        ("  rain  ,\tsnow \n", ["rain", "snow"]),
        ("rain,, snow,", ["rain", "snow"]),
        ("#rain, @weather_desk", ["#rain", "@weather_desk"]),
        ('"heavy rain"', ['"heavy rain"']),
        ('"rain, heavy", snow', ['"rain, heavy"', "snow"]),
        ('snow, "rain, heavy, cold", #storm', ["snow", '"rain, heavy, cold"', "#storm"]),
        ("Regen, 雨, مطر, גשם", ["Regen", "雨", "مطر", "גשם"]),
        ("#Überschwemmung", ["#Überschwemmung"]),
    ],
)
def test_parse_terms_splits_on_commas_outside_quotes(typed: str, expected: list[str]) -> None:
    assert parse_terms(typed) == expected


def test_whitespace_inside_a_term_folds_to_single_spaces() -> None:
    assert parse_terms('  heavy   rain ,  "flash \t  flood"  ') == ["heavy rain", '"flash flood"']


def test_split_terms_keeps_empty_parts_and_quotes() -> None:
    assert split_terms('a, , "b, c"') == ["a", "", '"b, c"']


def test_duplicates_dropped_case_insensitively_keeping_first_spelling() -> None:
    assert parse_terms("Rain, rain, RAIN, #Storm, #storm, snow") == ["Rain", "#Storm", "snow"]


def test_duplicates_across_several_term_values_are_dropped_too() -> None:
    # `--term` given several times on the command line.
    assert parse_terms(["Rain", "snow, rain", "SNOW", "hail"]) == ["Rain", "snow", "hail"]


def test_a_hashtag_and_the_bare_word_are_different_terms() -> None:
    assert parse_terms("rain, #rain, @rain") == ["rain", "#rain", "@rain"]


def test_exactly_the_maximum_number_of_terms_is_accepted() -> None:
    terms = [f"term{i}" for i in range(MAX_TERMS)]
    assert parse_terms(", ".join(terms)) == terms


def test_duplicates_do_not_count_towards_the_limit() -> None:
    terms = [f"term{i}" for i in range(MAX_TERMS)]
    assert parse_terms(", ".join(terms + [t.upper() for t in terms])) == terms


def test_a_term_of_exactly_the_maximum_length_is_accepted() -> None:
    term = "a" * MAX_TERM_LENGTH
    assert parse_terms(term) == [term]


# --- errors, with the message the user sees -------------------------------


def _error(texts: str | list[str]) -> str:
    with pytest.raises(TermError) as info:
        parse_terms(texts)
    return str(info.value)


def test_term_error_is_a_value_error() -> None:
    assert issubclass(TermError, ValueError)


@pytest.mark.parametrize("typed", ['"heavy rain', 'rain, "snow', 'a, "b, c', '"', 'rain"'])
def test_unclosed_quote(typed: str) -> None:
    assert _error(typed) == 'A quoted phrase is missing its closing quote (").'


@pytest.mark.parametrize("typed", ["", "   ", ",", " , ,\t, ", "\n"])
def test_empty_input(typed: str) -> None:
    assert _error(typed) == 'Type a word, #hashtag or "quoted phrase" to search for.'


def test_empty_list_of_term_values() -> None:
    assert _error([]) == 'Type a word, #hashtag or "quoted phrase" to search for.'
    assert _error(["", "  "]) == 'Type a word, #hashtag or "quoted phrase" to search for.'


def test_too_many_terms() -> None:
    typed = ", ".join(f"term{i}" for i in range(MAX_TERMS + 2))
    assert _error(typed) == f"At most {MAX_TERMS} terms at once ({MAX_TERMS + 2} given)."


def test_too_long_term() -> None:
    assert _error("a" * (MAX_TERM_LENGTH + 1)) == (
        f"A term is at most {MAX_TERM_LENGTH} characters long."
    )


def test_too_long_quoted_phrase_counts_its_quotes() -> None:
    phrase = '"' + "a" * (MAX_TERM_LENGTH - 1) + '"'
    assert _error(phrase) == f"A term is at most {MAX_TERM_LENGTH} characters long."


@pytest.mark.parametrize("term", ["!!!", "#", "@", "...", "#!", '""', '"  "', "—", "🌧️"])
def test_term_without_letters_or_digits(term: str) -> None:
    message = _error(term)
    assert message.endswith("has no letters or digits to search for.")
    assert message.startswith(repr(" ".join(term.split())))


@pytest.mark.parametrize("term", ['rain "heavy"', '"heavy" rain', '"a" "b"'])
def test_quotes_must_wrap_the_whole_phrase(term: str) -> None:
    assert _error(term) == f"Quotes must wrap a whole phrase: {term}"


def test_one_bad_term_rejects_the_whole_input() -> None:
    assert "has no letters or digits" in _error("rain, !!!, snow")


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("rain OR snow", "type rain, snow instead of OR"),
        ("-rain", "Leaving words out (-word) is not supported"),
        ("storm -rain", "Leaving words out (-word) is not supported"),
        ("from:nasa", "X operators such as from: are not supported"),
        ("rain lang:en", "X operators such as lang: are not supported"),
        ("(rain snow)", "Brackets are not supported"),
    ],
)
def test_x_query_syntax_is_refused_with_a_sentence_saying_what_works(typed: str, says: str) -> None:
    with pytest.raises(TermError, match=re.escape(says)):
        parse_terms(typed)


@pytest.mark.parametrize(
    "typed",
    ['"rain OR snow"', '"time: now"', "well-known", "12:30", "rain wind", "Oregon, ORcas"],
)
def test_text_that_only_looks_like_query_syntax_is_a_term(typed: str) -> None:
    assert parse_terms(typed)
