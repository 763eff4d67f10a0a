"""A loopback fake of X's API v2: filtered stream, its rules, and recent search.

It speaks X's wire format over real HTTP/1.1 on 127.0.0.1 (an ephemeral port),
served by `http.server.ThreadingHTTPServer` in a background thread:

- `GET  /2/tweets/search/stream/rules`   list rules (`ids=` filter)
- `POST /2/tweets/search/stream/rules`   `{"add": [...]}` / `{"delete": {"ids"|"values": [...]}}`,
                                          `dry_run=true`, `delete_all=true`
- `GET  /2/tweets/search/stream`         the filtered stream: chunked transfer encoding,
                                          one JSON object per line ending in `\\r\\n`, and a
                                          bare `\\r\\n` keep-alive every `keepalive_interval` s
- `GET  /2/tweets/search/recent`         recent search with `since_id`, `max_results`,
                                          `next_token` and x-rate-limit-* headers

Everything a test sets up goes through `FakeX` (see its docstring). Scripted
stream behaviour is a list of *steps* (the small classes below) that a
connection runs in order: `fake.script_next_connection(...)` for the next
connection, `fake.inject(...)`/`fake.push(...)` for the open one (or the next).
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import select
import socket
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import geo_match

STREAM_PATH = "/2/tweets/search/stream"
RULES_PATH = "/2/tweets/search/stream/rules"
SEARCH_PATH = "/2/tweets/search/recent"

ROUTES = frozenset(
    {("GET", STREAM_PATH), ("GET", RULES_PATH), ("POST", RULES_PATH), ("GET", SEARCH_PATH)}
)

DEFAULT_TOKEN = "fake-bearer-token"

# --- X's error bodies ------------------------------------------------------------------

UNAUTHORIZED = {
    "title": "Unauthorized",
    "type": "about:blank",
    "status": 401,
    "detail": "Unauthorized",
}
CLIENT_FORBIDDEN = {
    "client_id": "27182818",
    "detail": (
        "When authenticating requests to the Twitter API v2 endpoints, you must use keys and "
        "tokens from a Twitter developer App that is attached to a Project. You can create a "
        "project via the developer portal."
    ),
    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
    "title": "Client Forbidden",
    "required_enrollment": "Appropriate Level of API Access",
    "reason": "client-not-enrolled",
    "type": "https://api.twitter.com/2/problems/client-forbidden",
}
NO_RULES = {
    "title": "ConnectionException",
    "detail": (
        "You must define rules using the POST /2/tweets/search/stream/rules endpoint before "
        "connecting to filtered stream."
    ),
    "connection_issue": "RuleConfigurationIssue",
    "type": "https://api.twitter.com/2/problems/streaming-connection",
}
TOO_MANY_CONNECTIONS = {
    "title": "ConnectionException",
    "detail": "This stream is currently at the maximum allowed connection limit.",
    "connection_issue": "TooManyConnections",
    "type": "https://api.twitter.com/2/problems/streaming-connection",
}
TOO_MANY_REQUESTS = {
    "title": "Too Many Requests",
    "detail": "Too Many Requests",
    "type": "about:blank",
    "status": 429,
}
SERVICE_UNAVAILABLE = {
    "title": "Service Unavailable",
    "detail": "Service Unavailable",
    "type": "about:blank",
    "status": 503,
}
NOT_FOUND = {
    "title": "Not Found Error",
    "detail": "Sorry, that page does not exist",
    "type": "about:blank",
    "status": 404,
}
OPERATIONAL_DISCONNECT = {
    "errors": [
        {
            "title": "operational-disconnect",
            "disconnect_type": "OperationalDisconnect",
            "detail": "This stream has been disconnected for operational reasons.",
            "type": "https://api.twitter.com/2/problems/operational-disconnect",
        }
    ]
}
METHOD_NOT_ALLOWED = {
    "title": "Method Not Allowed",
    "detail": "Method Not Allowed",
    "type": "about:blank",
    "status": 405,
}
#: The body `Respond(status)` sends when the test gives none.
DEFAULT_ERROR_BODIES: dict[int, dict[str, Any]] = {
    401: UNAUTHORIZED,
    403: CLIENT_FORBIDDEN,
    404: NOT_FOUND,
    409: NO_RULES,
    429: TOO_MANY_CONNECTIONS,
    503: SERVICE_UNAVAILABLE,
}


def invalid_request(parameter: str, values: list[str], message: str) -> dict[str, Any]:
    """X's 400 body for a bad query parameter or request body."""
    return {
        "errors": [{"parameters": {parameter: values}, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }


# --- fields X knows (a request naming anything else gets a 400) -------------------------


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


TWEET_FIELDS = _names(
    "article attachments author_id card_uri community_id context_annotations conversation_id "
    "created_at display_text_range edit_controls edit_history_tweet_ids entities geo id "
    "in_reply_to_user_id lang media_metadata non_public_metrics note_tweet organic_metrics "
    "possibly_sensitive promoted_metrics public_metrics referenced_tweets reply_settings "
    "scopes source text withheld"
)
USER_FIELDS = _names(
    "affiliation connection_status created_at description entities id is_identity_verified "
    "location most_recent_tweet_id name parody pinned_tweet_id profile_banner_url "
    "profile_image_url protected public_metrics receives_your_dm subscription "
    "subscription_type url username verified verified_followers_count verified_type "
    "withheld"
)
PLACE_FIELDS = _names("contained_within country country_code full_name geo id name place_type")
EXPANSIONS = _names(
    "article.cover_media article.media_entities attachments.media_keys "
    "attachments.media_source_tweet attachments.poll_ids author_id edit_history_tweet_ids "
    "entities.mentions.username geo.place_id in_reply_to_user_id entities.note.mentions.username "
    "referenced_tweets.id referenced_tweets.id.attachments.media_keys "
    "referenced_tweets.id.author_id"
)
# Returned whether asked for or not.
DEFAULT_TWEET_FIELDS = frozenset({"id", "text", "edit_history_tweet_ids"})
DEFAULT_USER_FIELDS = frozenset({"id", "name", "username"})
DEFAULT_PLACE_FIELDS = frozenset({"id", "full_name"})
FIELD_PARAMS = {
    "tweet.fields": TWEET_FIELDS,
    "user.fields": USER_FIELDS,
    "place.fields": PLACE_FIELDS,
    "expansions": EXPANSIONS,
}

# Operators that X refuses on their own ("conjunction-required").
CONJUNCTION_REQUIRED_PREFIXES = ("is:", "has:", "lang:", "sample:", "place_country:")


def now_iso() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def split_csv(value: str | None) -> list[str]:
    return [part for part in (value or "").split(",") if part]


# --- stream steps ----------------------------------------------------------------------


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


# --- recorded traffic ------------------------------------------------------------------


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int = 0


class _RateBucket:
    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.used = 0
        self.reset_at = time.time() + window

    def take(self) -> tuple[bool, dict[str, str]]:
        now = time.time()
        if now >= self.reset_at:
            self.used = 0
            self.reset_at = now + self.window
        allowed = self.used < self.limit
        if allowed:
            self.used += 1
        headers = {
            "x-rate-limit-limit": str(self.limit),
            "x-rate-limit-remaining": str(max(self.limit - self.used, 0)),
            "x-rate-limit-reset": str(int(self.reset_at)),
        }
        return allowed, headers


# --- the fake --------------------------------------------------------------------------


class FakeX:
    """X's API v2 on a loopback port, for tests.

    `FakeX(...)` starts serving at once; use it as a context manager or call
    `close()` (which ends open streams, closes every socket and joins every
    thread it started).

    Parameters
    ----------
    tokens: bearer tokens accepted everywhere.
    no_stream_access_tokens: tokens that work for recent search but get X's
        403 "Client Forbidden" on the stream and its rules (a Free/Basic plan).
    keepalive_interval: seconds between keep-alive `\\r\\n` on the stream (X: 20).
    search_rate_limit / search_rate_window: requests allowed per window on
        recent search (X app-only: 450 per 15 minutes) before a 429.
    rules_rate_limit / stream_rate_limit: the same for the rules endpoints and
        for stream connection attempts (X: 450 and 50 per 15 minutes).
    max_rules: how many rules the account may hold (1,000).
    max_rule_length: longest rule value accepted (1,024).
    max_stream_connections: concurrent stream connections allowed (1).
    atomic_rule_batches: if True, one invalid rule in an `add` keeps the whole
        batch from being created (by default the valid ones are created).
    honour_fields: trim posts to the requested `tweet.fields`, `user.fields`,
        `place.fields` and `expansions`, as X does. Fields X does not know pass
        through untouched.
    match_queries: recent search returns only the posts its query matches (as
        geo_match.py reads it) and refuses queries over `max_query_length`
        (512) or that X could not read; by default it returns every post.
    """

    def __init__(
        self,
        *,
        tokens: Iterable[str] = (DEFAULT_TOKEN,),
        no_stream_access_tokens: Iterable[str] = (),
        keepalive_interval: float = 20.0,
        search_rate_limit: int = 450,
        search_rate_window: float = 900.0,
        rules_rate_limit: int = 450,
        stream_rate_limit: int = 50,
        max_rules: int = 1000,
        max_rule_length: int = 1024,
        max_stream_connections: int = 1,
        atomic_rule_batches: bool = False,
        honour_fields: bool = True,
        match_queries: bool = False,
        max_query_length: int = 512,
    ) -> None:
        self.tokens = frozenset(tokens)
        self.no_stream_access_tokens = frozenset(no_stream_access_tokens)
        self.keepalive_interval = keepalive_interval
        self.max_rules = max_rules
        self.max_rule_length = max_rule_length
        self.max_stream_connections = max_stream_connections
        self.atomic_rule_batches = atomic_rule_batches
        self.honour_fields = honour_fields
        self.match_queries = match_queries
        self.max_query_length = max_query_length
        self._rate_settings = {
            "search": (search_rate_limit, search_rate_window),
            "rules": (rules_rate_limit, 900.0),
            "stream": (stream_rate_limit, 900.0),
        }
        self._buckets: dict[str, _RateBucket] = {}

        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._rules: dict[str, dict[str, str]] = {}
        self._rule_ids = itertools.count(1_880_000_000_000_000_001)
        self._events: deque[Step] = deque()
        self._scripts: deque[list[Step]] = deque()
        self._search_posts: list[dict[str, Any]] = []
        self._next_tokens: dict[str, int] = {}

        self._open_streams = 0
        self._stream_connections = 0
        self._stream_attempts = 0
        self._stream_requests: list[dict[str, str]] = []
        self._search_requests: list[dict[str, str]] = []
        self._requests: list[RecordedRequest] = []
        self._delivered: list[str] = []
        # When each post's last byte went out (time.time(), for latency benchmarks).
        self._delivered_at: dict[str, float] = {}
        self._dropped: list[str] = []
        self._server_errors: list[str] = []

        self._reset_buckets()
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        host, port = self._server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="FakeX-serve",
            daemon=True,
        )
        self._thread.start()
        self._closed = False

    # --- lifecycle --------------------------------------------------------------

    def __enter__(self) -> FakeX:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop promptly: end streams, close every socket, join every thread."""
        if self._closed:
            return
        self._closed = True
        with self._cond:
            self._stopping.set()
            self._cond.notify_all()
            # Let open streams send their last chunk before the sockets go.
            self._cond.wait_for(lambda: self._open_streams == 0, timeout=2.0)
        self._server.shutdown()  # serve_forever returns; no more accepts
        self._server.drop_connections()  # wakes handlers blocked reading a kept-alive socket
        self._server.server_close()  # closes the listening socket, joins handler threads
        self._thread.join(timeout=5)

    # --- urls -------------------------------------------------------------------

    @property
    def stream_url(self) -> str:
        return self.base_url + STREAM_PATH

    @property
    def rules_url(self) -> str:
        return self.base_url + RULES_PATH

    @property
    def search_url(self) -> str:
        return self.base_url + SEARCH_PATH

    # --- rules ------------------------------------------------------------------

    def add_existing_rule(self, value: str, tag: str | None = None) -> str:
        """A rule already on the account (made by another tool); returns its id.
        Not validated, so a test can plant anything."""
        with self._cond:
            rule_id = str(next(self._rule_ids))
            rule = {"id": rule_id, "value": value}
            if tag is not None:
                rule["tag"] = tag
            self._rules[rule_id] = rule
            return rule_id

    @property
    def rules(self) -> list[dict[str, str]]:
        """The account's rules now, oldest first (copies)."""
        with self._cond:
            return [dict(rule) for rule in self._rules.values()]

    # --- stream -----------------------------------------------------------------

    def push(self, post: dict[str, Any], *, matches: str | Iterable[str] | None) -> None:
        """Queue a post for the stream (the open connection, else the next one).

        `matches` names the rules it matches, by value or tag; at delivery the
        fake fills `matching_rules` with those rules' current ids and tags, and
        drops the post if none of them exists any more. `None`: the rules that
        match it as X reads them (words, phrases, the geo operators; geo_match.py).
        """
        if matches is None:
            self.inject(SendPost(copy.deepcopy(post), by_query=True))
            return
        names = (matches,) if isinstance(matches, str) else tuple(matches)
        self.inject(SendPost(copy.deepcopy(post), names))

    def prepare_posts(self, posts: Iterable[dict[str, Any]], *, matches: str) -> SendLines:
        """Shape and encode posts now, for the latest stream request's fields
        and the rules `matches` names now, so that sending them later costs
        the fake nothing but the write."""
        with self._cond:
            query = dict(self._stream_requests[-1]) if self._stream_requests else {}
            rules = self._resolve_rules((matches,))
        lines, post_ids = [], []
        for post in posts:
            obj = self._shape(post, query)
            obj["matching_rules"] = rules
            lines.append(json.dumps(obj, separators=(",", ":")).encode() + b"\r\n")
            post_ids.append(str(post["data"]["id"]))
        return SendLines(lines, post_ids)

    def inject(self, *steps: Step) -> None:
        """Queue steps for the open stream connection (else the next one), in
        order with pushed posts."""
        with self._cond:
            self._events.extend(steps)
            self._cond.notify_all()

    def script_next_connection(self, *steps: Step) -> None:
        """Steps the next stream connection runs first, before anything queued.
        Call again to script the connection after that, and so on. A script
        starting with `Respond(status)` answers that attempt with an error.
        Attempts with a bad token get their 401 without using up a script."""
        with self._cond:
            self._scripts.append(list(steps))

    def fail_next_connection(
        self, status: int, *, times: int = 1, body: dict[str, Any] | None = None
    ) -> None:
        """The next `times` stream connection attempts get `status` (X's body for it)."""
        for _ in range(times):
            self.script_next_connection(Respond(status, body))

    @property
    def open_streams(self) -> int:
        """Stream connections open right now."""
        with self._cond:
            return self._open_streams

    @property
    def stream_connections(self) -> int:
        """Stream connections that were accepted (HTTP 200) since start."""
        with self._cond:
            return self._stream_connections

    @property
    def stream_attempts(self) -> int:
        """Every GET of the stream, whatever the answer (a bad token included)."""
        with self._cond:
            return self._stream_attempts

    @property
    def stream_requests(self) -> list[dict[str, str]]:
        """The query parameters of every stream request, in order."""
        with self._cond:
            return [dict(params) for params in self._stream_requests]

    @property
    def pending(self) -> int:
        """Posts and steps queued for the stream, not yet run."""
        with self._cond:
            return len(self._events)

    @property
    def delivered_post_ids(self) -> list[str]:
        with self._cond:
            return list(self._delivered)

    @property
    def delivered_at(self) -> dict[str, float]:
        """Post id -> when its last byte was written to the socket (Unix time)."""
        with self._cond:
            return dict(self._delivered_at)

    @property
    def dropped_post_ids(self) -> list[str]:
        """Posts not sent because none of the rules they match exists."""
        with self._cond:
            return list(self._dropped)

    # --- recent search ----------------------------------------------------------

    def add_search_posts(self, *posts: dict[str, Any]) -> None:
        """Posts recent search can find (it returns those newer than `since_id`)."""
        with self._cond:
            self._search_posts.extend(copy.deepcopy(p) for p in posts)

    @property
    def search_requests(self) -> list[dict[str, str]]:
        with self._cond:
            return [dict(params) for params in self._search_requests]

    def reset_rate_limits(self) -> None:
        with self._cond:
            self._reset_buckets()

    # --- everything -------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request served, in order."""
        with self._cond:
            return list(self._requests)

    @property
    def server_errors(self) -> list[str]:
        """Exceptions raised while serving (should stay empty)."""
        with self._cond:
            return list(self._server_errors)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 3.0) -> bool:
        """Poll `predicate` until true or `timeout`; returns the last result."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    # --- internals used by the handler ------------------------------------------

    def _reset_buckets(self) -> None:
        self._buckets = {
            name: _RateBucket(limit, window)
            for name, (limit, window) in self._rate_settings.items()
        }

    def _take(self, bucket: str) -> tuple[bool, dict[str, str]]:
        with self._cond:
            return self._buckets[bucket].take()

    def _record(self, request: RecordedRequest) -> None:
        with self._cond:
            self._requests.append(request)

    def _record_error(self, text: str) -> None:
        with self._cond:
            self._server_errors.append(text)

    def _resolve_rules(self, names: Iterable[str]) -> list[dict[str, str]]:
        wanted = set(names)
        matched = []
        for rule in self._rules.values():
            if rule["value"] in wanted or rule.get("tag") in wanted:
                entry = {"id": rule["id"]}
                if "tag" in rule:
                    entry["tag"] = rule["tag"]
                matched.append(entry)
        return matched

    # rules -----------------------------------------------------------------------

    def _rule_problem(self, value: Any, seen: dict[str, str]) -> dict[str, Any] | None:
        if not isinstance(value, str) or not value.strip():
            return {
                "value": value if isinstance(value, str) else "",
                "details": ["Rules must contain a non-empty value"],
                "title": "UnprocessableEntity",
                "type": "https://api.twitter.com/2/problems/invalid-rules",
            }
        if len(value) > self.max_rule_length:
            return {
                "value": value,
                "details": [
                    f"Rule is too long: {len(value)} characters, "
                    f"at most {self.max_rule_length} are allowed"
                ],
                "title": "UnprocessableEntity",
                "type": "https://api.twitter.com/2/problems/invalid-rules",
            }
        geo_problem = geo_match.problem(value)
        if geo_problem is not None:
            return {
                "value": value,
                "details": [geo_problem],
                "title": "UnprocessableEntity",
                "type": "https://api.twitter.com/2/problems/invalid-rules",
            }
        if not _has_standalone_operator(value):
            return {
                "value": value,
                "details": [
                    "Rules must contain at least one positive, standalone operator: "
                    "is:, has:, lang: and sample: operators can only be combined with one "
                    "(at position 1)"
                ],
                "title": "UnprocessableEntity",
                "type": "https://api.twitter.com/2/problems/invalid-rules",
            }
        if value in seen:
            return {
                "value": value,
                "id": seen[value],
                "title": "DuplicateRule",
                "type": "https://api.twitter.com/2/problems/duplicate-rules",
            }
        return None

    def _post_rules(self, body: Any, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        dry_run = query.get("dry_run", "false").lower() == "true"
        delete_all = query.get("delete_all", "false").lower() == "true"
        if delete_all:
            body = {"delete": {"ids": [rule_id for rule_id in self._rules]}}
        if not isinstance(body, dict) or (("add" in body) == ("delete" in body)):
            return 400, invalid_request(
                "body", [], "Exactly one of `add` or `delete` must be present in the request body"
            )
        sent = now_iso()
        if "add" in body:
            additions = body["add"]
            if not isinstance(additions, list) or not additions:
                return 400, invalid_request("add", [], "`add` must be a non-empty array of rules")
            return self._add_rules(additions, dry_run, sent)
        return self._delete_rules(body["delete"], dry_run, sent)

    def _add_rules(
        self, additions: list[Any], dry_run: bool, sent: str
    ) -> tuple[int, dict[str, Any]]:
        seen = {rule["value"]: rule_id for rule_id, rule in self._rules.items()}
        created: list[dict[str, str]] = []
        errors: list[dict[str, Any]] = []
        for item in additions:
            value = item.get("value") if isinstance(item, dict) else None
            problem = self._rule_problem(value, seen)
            if problem is not None:
                errors.append(problem)
                continue
            rule = {"id": str(next(self._rule_ids)), "value": value}
            tag = item.get("tag")
            if isinstance(tag, str) and tag:
                rule["tag"] = tag
            seen[value] = rule["id"]
            created.append(rule)
        valid = len(created)
        if len(self._rules) + len(created) > self.max_rules:
            errors.append(
                {
                    "title": "RulesCapExceeded",
                    "detail": (
                        f"Rule creation would exceed the allowed rule cap of {self.max_rules}"
                    ),
                    "type": "https://api.twitter.com/2/problems/rule-cap",
                }
            )
            created = []
        if self.atomic_rule_batches and errors:
            created = []
        if not dry_run:
            for rule in created:
                self._rules[rule["id"]] = rule
        result: dict[str, Any] = {}
        if created:
            result["data"] = [
                {"value": r["value"], **({"tag": r["tag"]} if "tag" in r else {}), "id": r["id"]}
                for r in created
            ]
        result["meta"] = {
            "sent": sent,
            "summary": {
                "created": len(created),
                "not_created": len(additions) - len(created),
                "valid": valid,
                "invalid": len(additions) - valid,
            },
        }
        if errors:
            result["errors"] = errors
        status = 201 if created and not dry_run else 200
        return status, result

    def _delete_rules(self, spec: Any, dry_run: bool, sent: str) -> tuple[int, dict[str, Any]]:
        if not isinstance(spec, dict) or not (
            isinstance(spec.get("ids"), list) or isinstance(spec.get("values"), list)
        ):
            return 400, invalid_request("delete", [], "`delete` must hold `ids` or `values`")
        targets: list[str] = []
        missing: list[str] = []
        for rule_id in spec.get("ids") or []:
            (targets if str(rule_id) in self._rules else missing).append(str(rule_id))
        by_value = {rule["value"]: rule_id for rule_id, rule in self._rules.items()}
        for value in spec.get("values") or []:
            if value in by_value:
                targets.append(by_value[value])
            else:
                missing.append(str(value))
        if not dry_run:
            for rule_id in targets:
                self._rules.pop(rule_id, None)
        result: dict[str, Any] = {
            "meta": {
                "sent": sent,
                "summary": {"deleted": len(targets), "not_deleted": len(missing)},
            }
        }
        if missing:
            result["errors"] = [
                {
                    "errors": [{"parameters": {"ids": missing}, "message": "Rule does not exist"}],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                }
            ]
        return 200, result

    def _get_rules(self, query: dict[str, str]) -> dict[str, Any]:
        wanted = set(split_csv(query.get("ids")))
        rules = [dict(rule) for rule in self._rules.values() if not wanted or rule["id"] in wanted]
        result: dict[str, Any] = {}
        if rules:
            result["data"] = rules
        result["meta"] = {"sent": now_iso(), "result_count": len(rules)}
        return result

    # search ----------------------------------------------------------------------

    def _search(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if not query.get("query", "").strip():
            return 400, invalid_request(
                "query", [""], "The `query` query parameter can not be empty"
            )
        max_results = 10
        if "max_results" in query:
            try:
                max_results = int(query["max_results"])
            except ValueError:
                max_results = -1
            if not 10 <= max_results <= 100:
                return 400, invalid_request(
                    "max_results",
                    [query["max_results"]],
                    f"The `max_results` query parameter value [{query['max_results']}] "
                    "is not between 10 and 100",
                )
        for name in ("since_id", "until_id"):
            if name in query and not query[name].isdigit():
                return 400, invalid_request(
                    name, [query[name]], f"The `{name}` query parameter value is not valid"
                )
        posts = sorted(self._search_posts, key=lambda p: int(p["data"]["id"]), reverse=True)
        if self.match_queries:
            refused = self._query_problem(query["query"])
            if refused is not None:
                return 400, refused
            posts = [p for p in posts if geo_match.matches(query["query"], p)]
        if "since_id" in query:
            posts = [p for p in posts if int(p["data"]["id"]) > int(query["since_id"])]
        if "until_id" in query:
            posts = [p for p in posts if int(p["data"]["id"]) < int(query["until_id"])]
        start = 0
        if "next_token" in query or "pagination_token" in query:
            token = query.get("next_token") or query.get("pagination_token", "")
            if token not in self._next_tokens:
                return 400, invalid_request("next_token", [token], "Invalid next_token")
            start = self._next_tokens[token]
        page = posts[start : start + max_results]
        if not page:
            return 200, {"meta": {"result_count": 0}}
        shaped = [self._shape(p, query) for p in page]
        result: dict[str, Any] = {"data": [s["data"] for s in shaped]}
        includes: dict[str, list[dict[str, Any]]] = {}
        for s in shaped:
            for key, objects in s.get("includes", {}).items():
                bucket = includes.setdefault(key, [])
                for obj in objects:
                    if obj not in bucket:
                        bucket.append(obj)
        if includes:
            result["includes"] = includes
        meta: dict[str, Any] = {
            "newest_id": page[0]["data"]["id"],
            "oldest_id": page[-1]["data"]["id"],
            "result_count": len(page),
        }
        if start + max_results < len(posts):
            token = f"b26v89c19zqg8o3f{len(self._next_tokens) + 1:08d}"
            self._next_tokens[token] = start + max_results
            meta["next_token"] = token
        result["meta"] = meta
        return 200, result

    def _query_problem(self, text: str) -> dict[str, Any] | None:
        if len(text) > self.max_query_length:
            return invalid_request(
                "query",
                [text],
                f"There were errors processing your request: Query length {len(text)} "
                f"exceeds the maximum of {self.max_query_length} characters",
            )
        problem = geo_match.problem(text)
        return None if problem is None else invalid_request("query", [text], problem)

    # shaping ---------------------------------------------------------------------

    def _shape(self, post: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
        """The post as X would send it for these fields and expansions."""
        out = copy.deepcopy(post)
        if not self.honour_fields:
            return out
        tweet_fields = DEFAULT_TWEET_FIELDS | set(split_csv(query.get("tweet.fields")))
        user_fields = DEFAULT_USER_FIELDS | set(split_csv(query.get("user.fields")))
        place_fields = DEFAULT_PLACE_FIELDS | set(split_csv(query.get("place.fields")))
        expansions = set(split_csv(query.get("expansions")))
        data = out.get("data")
        if isinstance(data, dict):
            out["data"] = _keep(data, tweet_fields, TWEET_FIELDS)
        includes = out.get("includes")
        if isinstance(includes, dict):
            for key, expansion, wanted, known in (
                ("users", "author_id", user_fields, USER_FIELDS),
                ("places", "geo.place_id", place_fields, PLACE_FIELDS),
            ):
                if key not in includes:
                    continue
                if expansion not in expansions:
                    del includes[key]
                else:
                    includes[key] = [_keep(obj, wanted, known) for obj in includes[key]]
            if not includes:
                out.pop("includes")
        return out


def _keep(obj: dict[str, Any], wanted: set[str] | frozenset[str], known: frozenset[str]) -> dict:
    return {key: value for key, value in obj.items() if key in wanted or key not in known}


def _has_standalone_operator(value: str) -> bool:
    """False for a rule made only of conjunction-required or negated operators."""
    cleaned = value.replace("(", " ").replace(")", " ")
    for token in cleaned.split():
        if token == "OR" or token.startswith("-"):
            continue
        if token.lower().startswith(CONJUNCTION_REQUIRED_PREFIXES):
            continue
        return True
    return False


def _bad_field_param(query: dict[str, str]) -> dict[str, Any] | None:
    for name, known in FIELD_PARAMS.items():
        unknown = [value for value in split_csv(query.get(name)) if value not in known]
        if unknown:
            return invalid_request(
                name,
                unknown,
                f"The `{name}` query parameter value [{unknown[0]}] is not one of "
                f"[{','.join(sorted(known))}]",
            )
    return None


# --- HTTP plumbing -----------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins every handler thread
    block_on_close = True

    def __init__(self, address: tuple[str, int], handler: type, fake: FakeX) -> None:
        self.fake = fake
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)
            stopping = self.fake._stopping.is_set()
        if stopping:
            _shutdown(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def drop_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            _shutdown(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.fake._record_error(traceback.format_exc())


def _shutdown(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)


class _ClientGone(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeX/1.0"
    timeout = 30  # a socket timeout, so nothing can hang a test forever
    server: _Server

    def version_string(self) -> str:
        return self.server_version

    # BaseHTTPRequestHandler logs every request to stderr; keep tests quiet.
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    @property
    def fake(self) -> FakeX:
        return self.server.fake

    # --- request entry points ---------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        body: Any = None
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        self._recorded = RecordedRequest(
            method, parts.path, query, dict(self.headers.items()), body
        )
        self.fake._record(self._recorded)

        route = (method, parts.path.rstrip("/"))
        if route[1] not in (STREAM_PATH, RULES_PATH, SEARCH_PATH):
            self._send_json(404, NOT_FOUND)
            return
        if route not in ROUTES:
            self._send_json(405, METHOD_NOT_ALLOWED)
            return

        if route == ("GET", STREAM_PATH):
            with self.fake._cond:
                self.fake._stream_attempts += 1
                self.fake._stream_requests.append(dict(query))
        token = self._bearer()
        if token not in self.fake.tokens | self.fake.no_stream_access_tokens:
            self._send_json(401, UNAUTHORIZED)
            return
        if route[1] == SEARCH_PATH:
            self._serve_search(query)
            return
        if token in self.fake.no_stream_access_tokens:
            self._send_json(403, CLIENT_FORBIDDEN)
            return
        if route[1] == RULES_PATH:
            self._serve_rules(method, query, body, raw)
        else:
            self._serve_stream(query)

    def _bearer(self) -> str | None:
        header = self.headers.get("Authorization") or ""
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else None

    # --- rules and search ---------------------------------------------------------------

    def _serve_rules(self, method: str, query: dict[str, str], body: Any, raw: bytes) -> None:
        fake = self.fake
        allowed, headers = fake._take("rules")
        if not allowed:
            self._send_json(429, TOO_MANY_REQUESTS, headers)
            return
        with fake._cond:
            if method == "GET":
                status, result = 200, fake._get_rules(query)
            elif raw and not isinstance(body, (dict, list)):
                status, result = 400, invalid_request("body", [], "Request body is not valid JSON")
            else:
                status, result = fake._post_rules(body, query)
        self._send_json(status, result, headers)

    def _serve_search(self, query: dict[str, str]) -> None:
        fake = self.fake
        with fake._cond:
            fake._search_requests.append(dict(query))
        allowed, headers = fake._take("search")
        if not allowed:
            self._send_json(429, TOO_MANY_REQUESTS, headers)
            return
        problem = _bad_field_param(query)
        if problem is not None:
            self._send_json(400, problem, headers)
            return
        with fake._cond:
            status, result = fake._search(query)
        self._send_json(status, result, headers)

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body, separators=(",", ":")).encode()
        self._recorded.status = status
        self.send_response(status)
        is_problem = status >= 400 and isinstance(body, dict) and "errors" not in body
        self.send_header(
            "Content-Type",
            "application/problem+json" if is_problem else "application/json; charset=utf-8",
        )
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        try:
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client left before reading the answer
            self.close_connection = True

    # --- the stream ------------------------------------------------------------------

    def _serve_stream(self, query: dict[str, str]) -> None:
        fake = self.fake
        with fake._cond:
            script = fake._scripts.popleft() if fake._scripts else []
        allowed, rate_headers = fake._take("stream")
        if not allowed:
            self._send_json(429, TOO_MANY_REQUESTS, rate_headers)
            return
        if script and isinstance(script[0], Respond):
            first = script[0]
            body = (
                first.body if first.body is not None else DEFAULT_ERROR_BODIES.get(first.status, {})
            )
            self._send_json(first.status, body, {**rate_headers, **first.headers})
            return
        problem = _bad_field_param(query)
        if problem is not None:
            self._send_json(400, problem, rate_headers)
            return
        with fake._cond:
            if not fake._rules:
                refusal: tuple[int, dict[str, Any]] | None = (409, NO_RULES)
            elif fake._open_streams >= fake.max_stream_connections:
                refusal = (429, TOO_MANY_CONNECTIONS)
            else:
                refusal = None
                fake._open_streams += 1
                fake._stream_connections += 1
        if refusal is not None:
            self._send_json(*refusal, rate_headers)
            return
        self.close_connection = True
        self._holding_stream = True
        try:
            self._recorded.status = 200
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            for name, value in rate_headers.items():
                self.send_header(name, value)
            self.end_headers()
            self._stream_loop(deque(script), query)
        except _ClientGone:
            pass
        finally:
            self._release_stream()

    def _release_stream(self) -> None:
        """This connection no longer counts as open (idempotent). Called before
        the server ends a stream, so a client reconnecting at once is not refused."""
        if not getattr(self, "_holding_stream", False):
            return
        self._holding_stream = False
        fake = self.fake
        with fake._cond:
            fake._open_streams -= 1
            fake._cond.notify_all()

    def _chunk(self, data: bytes) -> None:
        try:
            self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
        except OSError as exc:
            raise _ClientGone from exc

    def _end(self) -> None:
        try:
            self.wfile.write(b"0\r\n\r\n")
        except OSError as exc:
            raise _ClientGone from exc

    def _client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _stream_loop(self, steps: deque[Step], query: dict[str, str]) -> None:
        fake = self.fake
        next_keepalive = time.monotonic() + fake.keepalive_interval
        while True:
            step: Step | None = None
            with fake._cond:
                while True:
                    if fake._stopping.is_set():
                        step = EndStream()
                        break
                    if steps:
                        step = steps.popleft()
                        break
                    if self._client_gone():
                        raise _ClientGone
                    if fake._events:
                        step = fake._events.popleft()
                        break
                    remaining = next_keepalive - time.monotonic()
                    if remaining <= 0:
                        step = KeepAlive()
                        next_keepalive = time.monotonic() + fake.keepalive_interval
                        break
                    fake._cond.wait(min(remaining, 0.05))
            if isinstance(step, EndStream):
                self._release_stream()
                self._end()
                return
            if isinstance(step, Cut):
                self._release_stream()
                _shutdown(self.connection)
                return
            if isinstance(step, OperationalDisconnect):
                self._chunk(json.dumps(step.body, separators=(",", ":")).encode() + b"\r\n")
                self._release_stream()
                self._end()
                return
            if isinstance(step, KeepAlive):
                self._chunk(b"\r\n")
            elif isinstance(step, Silence):
                fake._stopping.wait(step.seconds)
                next_keepalive = time.monotonic()
            elif isinstance(step, SendRaw):
                self._chunk(step.data + (b"\r\n" if step.line else b""))
            elif isinstance(step, SendPost):
                self._send_post(step, query)
            elif isinstance(step, SendLines):
                self._chunk(b"".join(step.lines))
                sent_at = time.time()
                with fake._cond:
                    fake._delivered.extend(step.post_ids)
                    fake._delivered_at.update(dict.fromkeys(step.post_ids, sent_at))
            else:  # Respond mid-stream or an unknown step: a mistake in the test
                fake._record_error(f"step {step!r} cannot run on an open stream")

    def _send_post(self, step: SendPost, query: dict[str, str]) -> None:
        fake = self.fake
        post_id = str(step.post.get("data", {}).get("id", ""))
        with fake._cond:
            if step.matching_rules is not None:
                rules = copy.deepcopy(step.matching_rules)
            elif step.by_query:
                rules = geo_match.matching_rules(fake._rules.values(), step.post)
            else:
                rules = fake._resolve_rules(step.matches)
            if not rules:
                fake._dropped.append(post_id)
                return
        if step.untagged:
            for rule in rules:
                rule.pop("tag", None)
        obj = fake._shape(step.post, query)
        obj["matching_rules"] = rules
        line = json.dumps(obj, separators=(",", ":")).encode() + b"\r\n"
        if step.split_at is None:
            self._chunk(line)
        else:
            cut = max(1, min(step.split_at, len(line) - 1))
            self._chunk(line[:cut])
            fake._stopping.wait(step.split_delay)
            self._chunk(line[cut:])
        sent_at = time.time()
        with fake._cond:
            fake._delivered.append(post_id)
            fake._delivered_at[post_id] = sent_at
