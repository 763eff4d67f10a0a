"""Turn one X API v2 post object (`data` + `includes` + `matching_rules`) into a Post.

The same function reads live stream lines, and the demo source builds its
synthetic posts in this wire format too, so every source shares one path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from geotweets_desktop.core.coordinates import short
from geotweets_desktop.core.geolocate import (
    ProfileMatcher,
    expansion,
    find_author,
    locate_v2,
    text_field,
)
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.post_time import parse_iso_time, post_time
from geotweets_desktop.core.x_text import shown_text, storable


class PayloadError(ValueError):
    """The object is not a post we can use; the message says why."""


def terms_for_tags(
    tags: Iterable[object], term_for_tag: Callable[[str], str | None]
) -> tuple[str, ...]:
    """Our terms named by a post's matching-rule tags, each once, in order.
    Rules without a tag exist (made by other tools); they name no term of ours."""
    terms: list[str] = []
    for tag in tags:
        term = term_for_tag(tag) if isinstance(tag, str) else None
        if term is not None and term not in terms:
            terms.append(term)
    return tuple(terms)


def post_id_of(value: object) -> str | None:
    """A post id as X sends it in v2: a string (a number may have been rounded)."""
    return storable(value) if isinstance(value, str) and value else None


def post_from_v2(
    obj: Mapping[str, Any],
    term_for_tag: Callable[[str], str | None],
    profile_matcher: ProfileMatcher | None = None,
    *,
    raw: str | None = None,
    synthetic: bool = False,
    faults: list[str] | None = None,
) -> Post:
    """Build a Post from a v2 object; `term_for_tag` maps a rule tag to our term.

    Only a missing `data` object, id or text make it no post (PayloadError).
    Any other odd part (a number where users belong, a broken point) is
    passed over, the post keeps the rest, and why is appended to `faults`.
    """
    data = obj.get("data")
    if not isinstance(data, Mapping):
        raise PayloadError("no 'data' object")
    post_id = post_id_of(data.get("id"))
    if post_id is None:
        raise PayloadError("post without an id")
    includes = obj.get("includes")
    if not isinstance(includes, Mapping):
        includes = {}
    text = whole_text(data, includes)
    if text is None:
        raise PayloadError(f"post {post_id} without text")
    if faults is not None:
        faults.extend(_odd_parts(obj, includes))
    rules = obj.get("matching_rules")
    terms = terms_for_tags(
        (rule.get("tag") for rule in rules if isinstance(rule, Mapping))
        if isinstance(rules, list)
        else (),
        term_for_tag,
    )
    author = find_author(data, includes) or {}
    created_at, from_id = post_time(parse_iso_time(data.get("created_at")), post_id)
    return Post(
        id=post_id,
        created_at=created_at,
        text=text,
        author_name=text_field(author, "name"),
        author_handle=text_field(author, "username"),
        terms=terms,
        location=locate_v2(data, includes, profile_matcher, faults),
        raw=raw if raw is not None else storable(json.dumps(obj, ensure_ascii=False)),
        lang=text_field(data, "lang"),
        synthetic=synthetic,
        time_from_id=from_id,
    )


def whole_text(data: Mapping[str, Any], includes: Mapping[str, Any]) -> str | None:
    """The text X's clients show for a v2 post (see x_text.py); None without text."""
    own = _text_of(data)
    if own is None:
        return None
    original = _reposted(data, includes)
    return shown_text(own, _text_of(original) if original is not None else None)


def _text_of(post: Mapping[str, Any]) -> str | None:
    """A post's whole text: its note (a long post) or its text."""
    note = post.get("note_tweet")
    if isinstance(note, Mapping) and isinstance(note.get("text"), str):
        return storable(note["text"])
    text = post.get("text")
    return storable(text) if isinstance(text, str) else None


def _reposted(data: Mapping[str, Any], includes: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The original of a repost: in `includes.tweets`, or inline in the
    reference itself (as twarc2's flatten writes it)."""
    references = data.get("referenced_tweets")
    if not isinstance(references, list):
        return None
    for reference in references:
        if isinstance(reference, Mapping) and reference.get("type") == "retweeted":
            wanted = reference.get("id")
            for tweet in expansion(includes, "tweets"):
                if isinstance(tweet, Mapping) and tweet.get("id") == wanted:
                    return tweet
            return reference if "text" in reference else None
    return None


def _odd_parts(obj: Mapping[str, Any], includes: Mapping[str, Any]) -> list[str]:
    """Parts of a post object that are there but not of the type X sends."""
    odd = []
    if "includes" in obj and not isinstance(obj["includes"], Mapping):
        odd.append(f"includes ignored (not an object: {short(obj['includes'])})")
    for key in ("users", "places", "tweets"):
        if key in includes and not isinstance(includes[key], list):
            odd.append(f"includes.{key} ignored (not a list: {short(includes[key])})")
    rules = obj.get("matching_rules")
    if rules is not None and not isinstance(rules, list):
        odd.append(f"matching_rules ignored (not a list: {short(rules)})")
    return odd
