"""Tell what one decoded archive record is, and turn it into Posts.

The shapes, by the keys that tell them apart:
- `data` is an object: an X API v2 stream line.
- `data` is a list: an X API v2 response (a twarc2 page, or a response
  saved whole); `meta` alone (X leaves `data` out when nothing matched) is
  an empty one.
- `statuses` is a list: an X API v1.1 search response saved whole
  (`{"statuses": [...], "search_metadata": {...}}`, as tweepy's and
  python-twitter's raw results are saved).
- `id_str` or a `user` object: an X API v1.1 status.
- `id` and `text` (or `author` / `author_id`) without `data`: a twarc2
  flattened post.
- Notices are messages from X, not posts: the v1.1 stream's `delete`,
  `scrub_geo`, `limit`, `status_withheld`, `user_withheld`, `warning`,
  `disconnect` (and the user stream's `event`, `friends`), and v2 lines
  holding only `errors`. Each is counted by its kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from geotweets_desktop.core.archive.v1 import RecordError, post_from_v1
from geotweets_desktop.core.archive.v2 import (
    json_text,
    post_from_flat,
    post_from_stream_line,
    posts_from_page,
)
from geotweets_desktop.core.geolocate import ProfileMatcher
from geotweets_desktop.core.post import Post

__all__ = ["NOTICE_KINDS", "Converted", "RecordError", "convert", "kind_of"]

V1_NOTICE_KINDS = (
    "delete",
    "scrub_geo",
    "limit",
    "status_withheld",
    "user_withheld",
    "warning",
    "disconnect",
    "event",
    "friends",
)
V2_NOTICE_KIND = "errors"
NOTICE_KINDS = (*V1_NOTICE_KINDS, V2_NOTICE_KIND)
_V1_NOTICES = frozenset(V1_NOTICE_KINDS)
# What a record that is neither a post nor a notice is: an empty v2 response.
EMPTY = "empty"


@dataclass(slots=True)
class Converted:
    """What one record held: its shape, its posts, and what was wrong."""

    kind: str
    posts: list[Post] = field(default_factory=list)
    # Posts of a response that could not be read (each skipped; why).
    skipped: list[str] = field(default_factory=list)
    # Parts of kept posts that were passed over (why).
    faults: list[str] = field(default_factory=list)


def kind_of(obj: Any) -> str:
    """The record's shape (see the module docstring), a notice kind, or
    EMPTY; raises RecordError for anything else."""
    if not isinstance(obj, dict):
        raise RecordError(f"not a JSON object but {_json_type(obj)}")
    data = obj.get("data")
    if isinstance(data, dict):
        return "v2-stream"
    if isinstance(data, list):
        return "twarc2-pages"
    if isinstance(obj.get("statuses"), list):
        return "v1.1-search"
    if "id_str" in obj or isinstance(obj.get("user"), dict):
        return "v1.1"
    if "text" in obj or "author" in obj or "author_id" in obj or "edit_history_tweet_ids" in obj:
        return "twarc2-flat"
    if "errors" in obj:
        return V2_NOTICE_KIND
    for key in obj:
        if key in _V1_NOTICES:
            return str(key)
    if "meta" in obj or "search_metadata" in obj:
        return EMPTY
    if "full_text" in obj or "extended_tweet" in obj:
        return "v1.1"
    raise RecordError("not a post in any format this app reads")


def convert(obj: Any, raw: bytes | None, profile_matcher: ProfileMatcher | None) -> Converted:
    """The posts of one record; `raw` is its line as read, None otherwise.

    A record that is one post raises RecordError when it is unusable. A
    response keeps its good posts and says why it skipped the others.
    """
    kind = kind_of(obj)
    result = Converted(kind)
    if kind in NOTICE_KINDS or kind == EMPTY:
        return result
    if kind == "twarc2-pages":
        result.posts = posts_from_page(obj, profile_matcher, result.skipped, result.faults)
    elif kind == "v1.1-search":
        _statuses(obj["statuses"], profile_matcher, result)
    else:
        text = _raw_text(obj, raw)
        if kind == "v2-stream":
            post = post_from_stream_line(obj, text, profile_matcher, result.faults)
        elif kind == "v1.1":
            post = post_from_v1(obj, text, profile_matcher, result.faults)
        else:
            post = post_from_flat(obj, text, profile_matcher, result.faults)
        result.posts = [post]
    return result


def _statuses(statuses: list[Any], profile_matcher: ProfileMatcher | None, out: Converted) -> None:
    for index, status in enumerate(statuses, 1):
        if not isinstance(status, dict):
            out.skipped.append(f"status {index} of the response is not a JSON object")
            continue
        faults: list[str] = []
        try:
            out.posts.append(post_from_v1(status, json_text(status), profile_matcher, faults))
        except RecordError as exc:
            out.skipped.append(f"status {index} of the response: {exc}")
            continue
        out.faults.extend(f"status {index} of the response: {fault}" for fault in faults)


def _raw_text(obj: Mapping[str, Any], raw: bytes | None) -> str:
    """The record as text for the store: the line as it was, or re-serialised."""
    if raw is None:
        return json_text(obj)
    return raw.decode("utf-8").rstrip("\r\n")


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number")
