"""Binary parts the map page fetches from `geotweets://app/points/<feed>/<n>`.

A reopened session's columns travel as a few large typed-array blobs
(core/point_batch.py) instead of JSON text through the web channel: the
bridge offers a feed (a function from part number to bytes), the page
fetches its parts one after another as ArrayBuffers, and the scheme handler
reads each from the store only when asked. Feeds are process-wide because
the scheme handler is (it belongs to the web profile every map view shares);
each has a token no other feed reuses.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

PartReader = Callable[[int], bytes]

_feeds: dict[str, tuple[int, PartReader]] = {}
_tokens = itertools.count(1)


def offer(parts: int, read_part: PartReader) -> str:
    """A new feed of `parts` parts; its token names it in URLs."""
    token = f"f{next(_tokens)}"
    _feeds[token] = (parts, read_part)
    return token


def withdraw(token: str) -> None:
    _feeds.pop(token, None)


def part(token: str, number: str) -> bytes | None:
    """Part `number` (as the URL says it) of a feed; None when there is none."""
    feed = _feeds.get(token)
    if feed is None or not (number.isascii() and number.isdigit()):
        return None
    parts, read_part = feed
    index = int(number)
    if index >= parts:
        return None
    return read_part(index)
