"""Does a post's text match the user's terms, the way X's filtered stream would?

Used where we filter posts ourselves (replaying an archive) instead of X.
X matches a keyword against the *tokenized* text, case-insensitively: the
text is split at spaces, punctuation and symbols, and a keyword must equal a
whole token. So, for each kind of term:

- `rain` matches "Rain!", "heavy rain." and the word inside "#rain" or
  "@rain" (`#` and `@` split tokens), but not "rainy" or "brain".
- `#rain` matches only the hashtag `#rain` (any case), not `#rainy` nor the
  bare word "rain".
- `@weather_desk` matches only that mention, not `@weather_desk2`.
- `"heavy rain"` matches the words in that order with only spaces or
  punctuation between them ("heavy rain", "Heavy, rain"), never
  "heavy rainfall".
- `heavy rain` (no quotes) matches a post that has both words, anywhere and
  in any order: X reads a space between keywords as AND.

Scripts written without spaces between words (Chinese, Japanese, Thai, ...)
have no word edges to find, so a term edge that is such a character matches
anywhere: `雨` matches "東京で雨。" as it does on X. Accents are not folded:
`café` and `cafe` are different terms (but text and terms are compared in
Unicode NFC form, so a composed and a decomposed "é" are equal). Matching
looks at the post text only (not the author, not expanded links).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

# A character that continues a word: `\w` (letters, digits, `_`) plus the
# combining marks `\w` leaves out (accents, Hebrew and Arabic points, Indic
# vowel signs) and the zero-width joiners, so "cafe" + U+0301 is one word.
_WORD_CHAR = (
    r"[\w\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f"
    r"\u0670\u0900-\u0dff\u200c\u200d]"
)
_NOT_BEFORE = rf"(?<!{_WORD_CHAR})"
_NOT_AFTER = rf"(?!{_WORD_CHAR})"


def _spaceless(char: str) -> bool:
    """True for characters of scripts written without spaces between words."""
    name = unicodedata.name(char, "")
    return name.startswith(
        (
            "CJK ",
            "HIRAGANA",
            "KATAKANA",
            "HALFWIDTH KATAKANA",
            "THAI",
            "LAO",
            "KHMER",
            "MYANMAR",
            "TIBETAN",
        )
    )


@lru_cache(maxsize=256)
def term_pattern(term: str) -> re.Pattern[str]:
    """The compiled pattern for one term (cached: terms repeat across calls)."""
    if len(term) >= 2 and term.startswith('"') and term.endswith('"'):
        words = re.findall(r"\w+", term[1:-1])
        body = r"\W+".join(re.escape(w) for w in words) if words else re.escape(term[1:-1])
        core = " ".join(words) or term[1:-1]
        before, after = core[:1], core[-1:]
    else:
        body = re.escape(term)
        before, after = term[:1], term[-1:]
    # A hashtag or mention must not be preceded by a word character, and
    # `#rain` must not match the tail of `##rain` or `a#rain`; a bare word must
    # not be glued to a word on either side.
    lead = "" if before and _spaceless(before) else _NOT_BEFORE
    if term[:1] in "#@":
        lead = r"(?<![\w#@])"
    tail = "" if after and _spaceless(after) else _NOT_AFTER
    return re.compile(lead + body + tail, re.IGNORECASE)


def _keywords(term: str) -> list[str]:
    """The keywords that must all match: one, or each word of an unquoted term."""
    if term.startswith('"'):
        return [term]
    return term.split() or [term]


class TermMatcher:
    """Matches texts against a fixed list of terms; build once, call per post."""

    def __init__(self, terms: Sequence[str]) -> None:
        self.terms: tuple[str, ...] = tuple(terms)
        self._patterns = [
            (term, [term_pattern(k).search for k in _keywords(unicodedata.normalize("NFC", term))])
            for term in self.terms
        ]

    def matching(self, text: str) -> tuple[str, ...]:
        """The terms `text` matches, in the order the terms were given."""
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        return tuple(
            term
            for term, searches in self._patterns
            if all(search(text) is not None for search in searches)
        )

    def __call__(self, text: str) -> bool:
        return bool(self.matching(text))


def matching_terms(text: str, terms: Iterable[str]) -> tuple[str, ...]:
    """The terms (of `terms`) that `text` matches as X would."""
    return TermMatcher(list(terms)).matching(text)


def matches(text: str, terms: Iterable[str]) -> bool:
    """True when `text` matches at least one of `terms` as X would."""
    return TermMatcher(list(terms))(text)
