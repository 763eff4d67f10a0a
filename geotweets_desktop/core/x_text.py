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
