"""Tell what one decoded archive record is, and turn it into Posts.

The shapes, by the keys that tell them apart:
- `data` is an object: an X API v2 stream line.
- `data` is a list: a twarc2 page (one API response).
- `id_str` or a `user` object: an X API v1.1 status.
- `id` and `text` (or `author` / `author_id`) without `data`: a twarc2
  flattened post.
- v1.1 notices (`delete`, `limit`, `scrub_geo`, ...) and v2 `errors` lines
  are messages from X, not posts: NotAPost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from geotweets_desktop.core.archive.v1 import RecordError, post_from_v1
from geotweets_desktop.core.archive.v2 import post_from_flat, post_from_stream_line, posts_from_page
from geotweets_desktop.core.geolocate import ProfileMatcher
from geotweets_desktop.core.post import Post

__all__ = ["NotAPost", "RecordError", "convert", "kind_of"]

_V1_NOTICES = frozenset(
    {
        "delete",
        "limit",
        "scrub_geo",
        "status_withheld",
        "user_withheld",
        "disconnect",
        "warning",
        "event",
        "friends",
    }
)


class NotAPost(Exception):
    """An operational message kept in the archive (a deletion, a rate-limit note)."""


def kind_of(obj: Any) -> str:
    """The record's shape (see the module docstring); raises for anything else."""
    if not isinstance(obj, dict):
        raise RecordError(f"not a JSON object but a {type(obj).__name__}")
    data = obj.get("data")
    if isinstance(data, dict):
        return "v2-stream"
    if isinstance(data, list):
        return "twarc2-pages"
    if "id_str" in obj or isinstance(obj.get("user"), dict):
        return "v1.1"
    if "text" in obj or "author" in obj or "author_id" in obj or "edit_history_tweet_ids" in obj:
        return "twarc2-flat"
    if "errors" in obj or "meta" in obj or not _V1_NOTICES.isdisjoint(obj):
        raise NotAPost
    if "full_text" in obj or "extended_tweet" in obj:
        return "v1.1"
    raise RecordError("not a post in any format this app reads")


def convert(
    obj: Any,
    raw: bytes | None,
    profile_matcher: ProfileMatcher | None,
    problems: list[str],
) -> tuple[str, list[Post]]:
    """(kind, posts) for one record; `raw` is its line as read, None inside an array.

    A record that is one post raises RecordError when it is unusable. A
    twarc2 page keeps its good posts and appends a reason to `problems` for
    each one it skipped.
    """
    kind = kind_of(obj)
    if kind == "twarc2-pages":
        return kind, posts_from_page(obj, profile_matcher, problems)
    text = _raw_text(obj, raw)
    if kind == "v2-stream":
        return kind, [post_from_stream_line(obj, text, profile_matcher)]
    if kind == "v1.1":
        return kind, [post_from_v1(obj, text, profile_matcher)]
    return kind, [post_from_flat(obj, text, profile_matcher)]


def _raw_text(obj: Mapping[str, Any], raw: bytes | None) -> str:
    """The record as text for the store: the line as it was, or re-serialised."""
    if raw is None:
        return orjson.dumps(obj).decode()
    return raw.decode("utf-8").rstrip("\r\n")
