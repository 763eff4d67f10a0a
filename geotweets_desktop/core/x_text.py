"""A post's text as X's own clients show it: whole, unescaped, repost expanded.

- X sends `&`, `<` and `>` in post text as `&amp;`, `&lt;` and `&gt;` (and
  only those three; a literal "&quot;" in a post stays as typed). They are
  decoded in one pass, so `&amp;lt;` becomes the `&lt;` someone wrote.
- Long posts: v2 puts the whole text in `note_tweet.text` and up to 280
  characters in `text`; v1.1 streams put it in `extended_tweet.full_text`,
  v1.1 REST with `tweet_mode=extended` in `full_text`.
- A repost's own text is `RT @handle: ` and the original cut short; X's
  clients show the original's whole text, so that is what a repost shows,
  after the same `RT @handle: ` (which still says whose post it was).

Text from a file read with the stdlib parser can hold lone UTF-16
surrogates (`"\\ud800"` is valid JSON); SQLite and UTF-8 exports cannot
store them, so `storable` turns each into U+FFFD.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ESCAPED = re.compile(r"&(amp|lt|gt);")
_UNESCAPED = {"amp": "&", "lt": "<", "gt": ">"}
_REPOST_PREFIX = re.compile(r"RT @\w{1,50}: ")


def unescape(text: str) -> str:
    """`text` with X's three entities decoded (see the module docstring)."""
    if "&" not in text:
        return text
    return _ESCAPED.sub(lambda m: _UNESCAPED[m.group(1)], text)


def storable(text: str) -> str:
    """`text` with any lone surrogate replaced, so it encodes as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def shown_text(own_whole_text: str, original_whole_text: str | None) -> str:
    """What X's clients show for a post (its whole text, or for a repost the
    original's), unescaped."""
    return unescape(repost_text(own_whole_text, original_whole_text))


def repost_text(own_text: str, original_whole_text: str | None) -> str:
    """What a repost shows: its `RT @handle: ` and the original's whole text.

    `own_text` is returned as it is when it is not a repost's (no prefix) or
    the original is not at hand."""
    if original_whole_text is None:
        return own_text
    prefix = _REPOST_PREFIX.match(own_text)
    return prefix.group(0) + original_whole_text if prefix else own_text


# X's hashtag rules (twitter-text's extractor): `#` or the full-width one (U+FF03),
# not right after a letter, digit, `_` or `&` (so "a#b" and "&#39;" hold
# none), then letters, marks, digits, `_` and a few joiners, with at least
# one letter or mark ("#16" is no hashtag); a tag followed by another `#`
# or by "://" is none either. Possessive, so that check sees the whole tag.
_TAG_CHAR = (
    r"[\w\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    r"\u0900-\u0dff\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c"
    r"\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7]"
)
_DIGITS_AND_UNDERSCORE = "0123456789_"
_HASHTAG = re.compile(
    rf"(?<![&\w\u0300-\u036f])[#\uff03](?![\ufe0f\u20e3])({_TAG_CHAR}++)(?![#\uff03]|://)"
)


def hashtags(text: str) -> tuple[str, ...]:
    """The hashtags of a post's (unescaped) text as X finds them, lower-cased
    (in NFC form, so a composed and a decomposed "é" are one tag), without
    `#`, each once, in order of first use."""
    if "\uff03" in text:
        tags = _HASHTAG.findall(text)
    else:
        # Tried at each "#" alone (the look-behind still sees the character
        # before it) rather than searched for through the whole text.
        tags = []
        match = _HASHTAG.match
        at = text.find("#")
        while at >= 0:
            found_at = match(text, at)
            if found_at is not None:
                tags.append(found_at.group(1))
            at = text.find("#", at + 1)
    found: dict[str, None] = {}
    for tag in tags:
        kept = _kept_tag(tag)
        if kept:
            found[kept] = None
    return tuple(found)


@lru_cache(maxsize=8192)
def _kept_tag(tag: str) -> str:
    """A tag as kept (NFC, lower-cased), or "" when it holds no letter or
    mark. Cached: a session's tags repeat post after post."""
    if tag.isascii():  # letters, digits and "_": a letter is what strip leaves
        return tag.lower() if tag.strip(_DIGITS_AND_UNDERSCORE) else ""
    if any(c.isalpha() or unicodedata.category(c)[0] == "M" for c in tag):
        return unicodedata.normalize("NFC", tag).lower()
    return ""
