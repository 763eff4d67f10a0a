"""Turn one X API v2 post object (`data` + `includes` + `matching_rules`) into a Post.

The same function reads live stream lines, and the demo source builds its
synthetic posts in this wire format too, so every source shares one path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from geotweets_desktop.core.geolocate import ProfileMatcher, find_author, locate_v2
from geotweets_desktop.core.post import Post


class PayloadError(ValueError):
    """The object is not a post we can use; the message says why."""


def parse_time(value: object) -> datetime:
    """X's `created_at` (`2026-11-28T16:49:56.000Z`); now when absent or broken."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            pass
    return datetime.now(UTC)


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


def post_from_v2(
    obj: Mapping[str, Any],
    term_for_tag: Callable[[str], str | None],
    profile_matcher: ProfileMatcher | None = None,
    *,
    raw: str | None = None,
    synthetic: bool = False,
) -> Post:
    """Build a Post from a v2 object; `term_for_tag` maps a rule tag to our term."""
    data = obj.get("data")
    if not isinstance(data, Mapping):
        raise PayloadError("no 'data' object")
    post_id = data.get("id")
    text = data.get("text")
    if not isinstance(post_id, str) or not post_id:
        raise PayloadError("post without an id")
    if not isinstance(text, str):
        raise PayloadError(f"post {post_id} without text")
    includes = obj.get("includes")
    if not isinstance(includes, Mapping):
        includes = {}
    rules = obj.get("matching_rules") or ()
    terms = terms_for_tags(
        (rule.get("tag") if isinstance(rule, Mapping) else None for rule in rules), term_for_tag
    )
    author = find_author(data, includes) or {}
    return Post(
        id=post_id,
        created_at=parse_time(data.get("created_at")),
        text=text,
        author_name=str(author.get("name") or ""),
        author_handle=str(author.get("username") or ""),
        terms=terms,
        location=locate_v2(data, includes, profile_matcher),
        raw=raw if raw is not None else json.dumps(obj, ensure_ascii=False),
        lang=str(data.get("lang") or ""),
        synthetic=synthetic,
    )
