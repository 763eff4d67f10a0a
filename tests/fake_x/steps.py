"""Scripted stream behaviour: the steps a stream connection runs, in order.

`FakeX.script_next_connection(...)` gives the next connection its steps;
`FakeX.inject(...)` / `FakeX.push(...)` queue them for the open one (or the next).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from .errors import OPERATIONAL_DISCONNECT


class Step:
    """One scripted thing a stream connection does, in order."""


@dataclass
class Respond(Step):
    """Answer the connection attempt with this HTTP status instead of streaming.

    Only meaningful as the first step of `script_next_connection`. With no body,
    X's body for that status is sent (401, 403, 409, 429, 503 ...).
    """

    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class SendPost(Step):
    """Send one post. `matches` are rule values or tags; the fake fills
    `matching_rules` with the *current* rules they name and drops the post if
    none is current (unless `matching_rules` is given outright)."""

    post: dict[str, Any]
    matches: tuple[str, ...] = ()
    matching_rules: list[dict[str, Any]] | None = None
    #: Split the line across two chunks at this byte offset (None: one chunk).
    split_at: int | None = None
    split_delay: float = 0.1
    #: Send the matching rules without their `tag`.
    untagged: bool = False
    #: Match the post against the rules' values as X would (geo_match.py).
    by_query: bool = False


@dataclass
class SendRaw(Step):
    """Send these bytes as one chunk (with `\\r\\n` appended when `line`)."""

    data: bytes
    line: bool = True


@dataclass
class SendLines(Step):
    """Send ready-made post lines (see `FakeX.prepare_posts`) as one chunk, as
    a busy stream's lines share TCP segments. Cheap for the fake, so a
    benchmark's feeder leaves the CPU to the app it measures."""

    lines: list[bytes]
    post_ids: list[str]


@dataclass
class KeepAlive(Step):
    """Send a bare `\\r\\n` now."""


@dataclass
class Silence(Step):
    """Send nothing at all, not even keep-alives, for this long."""

    seconds: float


@dataclass
class OperationalDisconnect(Step):
    """Send X's operational-disconnect error line, end the response, close."""

    body: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(OPERATIONAL_DISCONNECT))


@dataclass
class EndStream(Step):
    """End the response cleanly (the terminating zero-length chunk) and close."""


@dataclass
class Cut(Step):
    """Drop the connection mid-stream: no terminating chunk, just a closed socket."""


def malformed_line(text: str = '{"data": {"id": "1871', *, line: bool = True) -> SendRaw:
    """A line that is not JSON (a truncated object by default)."""
    return SendRaw(text.encode(), line=line)


def split_post(post: dict[str, Any], *matches: str, delay: float = 0.1) -> SendPost:
    """One post's line split across two chunks, `delay` seconds apart."""
    line = json.dumps(post, separators=(",", ":")).encode()
    return SendPost(post, tuple(matches), split_at=len(line) // 2, split_delay=delay)
