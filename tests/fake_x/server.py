"""A loopback fake of X's API v2: filtered stream, its rules, and recent search.

It speaks X's wire format over real HTTP/1.1 on 127.0.0.1 (an ephemeral port),
served in a background thread:

- `GET  /2/tweets/search/stream/rules`   list rules (`ids=` filter)
- `POST /2/tweets/search/stream/rules`   `{"add": [...]}` / `{"delete": {"ids"|"values": [...]}}`,
                                          `dry_run=true`, `delete_all=true`
- `GET  /2/tweets/search/stream`         the filtered stream: chunked transfer encoding,
                                          one JSON object per line ending in `\\r\\n`, and a
                                          bare `\\r\\n` keep-alive every `keepalive_interval` s
- `GET  /2/tweets/search/recent`         recent search with `since_id`, `max_results`,
                                          `next_token` and x-rate-limit-* headers

Everything a test sets up goes through `FakeX` (see its docstring); this module
holds its state and its public knobs and counters. The rooms behind it:
`plumbing` (server, sockets, routing), `stream` (the stream endpoint), `rules`,
`search`, `geo_match` (X's query language), `fields` (trimming posts to the
fields asked for), `rate_limits`, `errors` (X's error bodies) and `steps`
(scripted stream behaviour).
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from helpers.waits import WAIT_TIMEOUT_S, wait_until

from .fields import shape
from .plumbing import RULES_PATH, SEARCH_PATH, STREAM_PATH, RecordedRequest, Server
from .rate_limits import RateBucket
from .rules import RuleBook
from .search import RecentSearch
from .steps import Respond, SendLines, SendPost, Step

DEFAULT_TOKEN = "fake-bearer-token"


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
        self.max_stream_connections = max_stream_connections
        self.honour_fields = honour_fields
        self._rate_settings = {
            "search": (search_rate_limit, search_rate_window),
            "rules": (rules_rate_limit, 900.0),
            "stream": (stream_rate_limit, 900.0),
        }
        self._buckets: dict[str, RateBucket] = {}

        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._rulebook = RuleBook(
            max_rules=max_rules,
            max_rule_length=max_rule_length,
            atomic_batches=atomic_rule_batches,
        )
        self._events: deque[Step] = deque()
        self._scripts: deque[list[Step]] = deque()
        self._recent_search = RecentSearch(
            self._shape, match_queries=match_queries, max_query_length=max_query_length
        )

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
        self._server = Server(("127.0.0.1", 0), self)
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
            return self._rulebook.plant(value, tag)

    @property
    def rules(self) -> list[dict[str, str]]:
        """The account's rules now, oldest first (copies)."""
        with self._cond:
            return self._rulebook.all()

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
            rules = self._rulebook.resolve((matches,))
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
            self._recent_search.add(posts)

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

    def wait_until(self, predicate: Callable[[], bool], timeout: float = WAIT_TIMEOUT_S) -> bool:
        """Poll `predicate` until true or `timeout`; returns the last result."""
        return wait_until(predicate, timeout)

    # --- internals shared with the endpoints (called without the lock held) ----

    def _reset_buckets(self) -> None:
        self._buckets = {
            name: RateBucket(limit, window) for name, (limit, window) in self._rate_settings.items()
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

    def _mark_delivered(self, post_ids: list[str]) -> None:
        sent_at = time.time()
        with self._cond:
            self._delivered.extend(post_ids)
            self._delivered_at.update(dict.fromkeys(post_ids, sent_at))

    def _shape(self, post: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
        """The post as X would send it for this request (a copy)."""
        return shape(post, query) if self.honour_fields else copy.deepcopy(post)
