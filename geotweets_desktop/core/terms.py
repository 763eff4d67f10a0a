"""Parsing what the user types into the search box into a list of terms.

Several terms are separated by commas; a comma inside double quotes belongs to
a quoted phrase (`"rain, heavy"`). Terms keep the syntax X understands: a
word, a `#hashtag`, an `@mention`, or a `"quoted phrase"`; several words in
one term (`rain wind`) must all be in a post, as X reads a space (AND).

Other X query syntax is refused with a sentence saying what to type instead,
rather than sent on: the window, the demo and replays match terms themselves
(`core.term_match`) and would not treat `OR`, `-rain` or `from:nasa` the way
X does, so the same search would show different posts from different sources.
"""

from __future__ import annotations

import re

MAX_TERMS = 10
# X's filtered-stream limit for one rule is 1,024 characters; the rule adds
# operators around the term, so the term itself must leave room for them.
MAX_TERM_LENGTH = 200


SUPPORTED = 'Each term is a word, #hashtag, @mention or "quoted phrase"'
_OPERATOR = re.compile(r"(?:^|\s)([A-Za-z_]+):\S")


class TermError(ValueError):
    """The text cannot be turned into terms; the message is shown to the user."""


def split_terms(text: str) -> list[str]:
    """Split on commas that are outside double quotes; keep quotes in the term."""
    parts: list[str] = []
    current: list[str] = []
    in_quotes = False
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        if char == "," and not in_quotes:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if in_quotes:
        raise TermError('A quoted phrase is missing its closing quote (").')
    parts.append("".join(current))
    return [" ".join(part.split()) for part in parts]


def parse_terms(texts: str | list[str]) -> list[str]:
    """Turn box text (or several `--term` values) into distinct, valid terms.

    Duplicates are dropped case-insensitively (X matching is case-insensitive),
    keeping the first spelling the user typed.
    """
    raw = [texts] if isinstance(texts, str) else list(texts)
    terms: list[str] = []
    seen: set[str] = set()
    for text in raw:
        for term in split_terms(text):
            if not term:
                continue
            _validate(term)
            key = term.casefold()
            if key not in seen:
                seen.add(key)
                terms.append(term)
    if not terms:
        raise TermError('Type a word, #hashtag or "quoted phrase" to search for.')
    if len(terms) > MAX_TERMS:
        raise TermError(f"At most {MAX_TERMS} terms at once ({len(terms)} given).")
    return terms


def _validate(term: str) -> None:
    if len(term) > MAX_TERM_LENGTH:
        raise TermError(f"A term is at most {MAX_TERM_LENGTH} characters long.")
    body = term.strip('"')
    if term.startswith('"') and (len(term) < 2 or not term.endswith('"')):
        raise TermError(f"Quotes must wrap a whole phrase: {term}")
    if '"' in body:
        raise TermError(f"Quotes must wrap a whole phrase: {term}")
    if body in {"", "#", "@"} or not any(ch.isalnum() for ch in body):
        raise TermError(f"{term!r} has no letters or digits to search for.")
    if not term.startswith('"'):
        _refuse_query_syntax(term)


def _refuse_query_syntax(term: str) -> None:
    """X operators the app cannot honour everywhere get a sentence, not a search."""
    words = term.split()
    if "OR" in words:
        alternatives = ", ".join(w for w in words if w != "OR")
        raise TermError(
            f"Terms separated by commas already match any of them: type {alternatives} "
            "instead of OR."
        )
    if any(w.startswith("-") and len(w) > 1 for w in words):
        raise TermError(
            f"Leaving words out (-word) is not supported. {SUPPORTED}; words in one "
            "term must all be in a post."
        )
    operator = _OPERATOR.search(term)
    if operator is not None:
        raise TermError(f"X operators such as {operator.group(1)}: are not supported. {SUPPORTED}.")
    if any(ch in term for ch in "()"):
        raise TermError(f"Brackets are not supported. {SUPPORTED}, separated by commas.")
