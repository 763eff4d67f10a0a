"""Live posts from X's filtered stream (API v2), through tweepy.

`GeoStreamingClient` is a `tweepy.StreamingClient` with tweepy's pitfalls
fixed:
- the host comes from `GEOTWEETS_X_API_URL` (tweepy hard-codes another);
- stopping is prompt: `abort()` shuts the socket, so a blocked read returns
  at once instead of at the next keep-alive (up to 20 s), and every wait is
  on an event, not `time.sleep` (tweepy's backoff sleeps up to 320 s);
- the connection loop is ours: it never opens a second connection while one
  is open, stops retrying on errors that retrying cannot fix (401, 403,
  409), and says why it waits;
- lines are parsed by our tolerant parser: a rule without a tag, an unknown
  field or a malformed line never ends the stream.
tweepy still does the rules API (get/add/delete), parameter handling and the
HTTP session.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import requests
import tweepy

from geotweets_desktop.core.archive.records import V2_NOTICE_KIND
from geotweets_desktop.core.archive.summary import live_text
from geotweets_desktop.core.archive.v2_fast import fast_stream_post
from geotweets_desktop.core.area.model import Area, area_from_json
from geotweets_desktop.core.area.rules import following_summary
from geotweets_desktop.core.backoff import Backoff
from geotweets_desktop.core.gazetteer import locate_profile
from geotweets_desktop.core.payload import PayloadError, post_from_v2
from geotweets_desktop.core.rules import term_from_tag
from geotweets_desktop.core.x_text import storable
from geotweets_desktop.sources.base import Sink, StatusEvent
from geotweets_desktop.sources.x_api import STREAM_FIELDS, RebasedSession, error_detail
from geotweets_desktop.sources.x_rules import (
    DEFAULT_RULE_BUDGET,
    RuleError,
    plan_rules,
    replace_rules,
)

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10.0
# X sends a keep-alive at least every 20 s; silence for longer means a stale connection.
READ_TIMEOUT_S = 30.0
CHUNK_SIZE = 512  # small reads: a post is handled as soon as its line is complete


class FatalStreamError(RuntimeError):
    """An error reconnecting cannot fix (bad token, no access, no rules)."""


class GeoStreamingClient(tweepy.StreamingClient):  # type: ignore[misc]  # tweepy is untyped
    def __init__(self, bearer_token: str, source: XStreamSource) -> None:
        super().__init__(bearer_token, wait_on_rate_limit=False)
        self.session = RebasedSession()
        self._source = source

    def _connect(self, method: str, endpoint: str, **kwargs: Any) -> None:
        # Called by tweepy's filter() with the processed query parameters.
        self._source.stream_loop(self, f"/2/tweets/{endpoint}/stream", kwargs.get("params"))


class XStreamSource:
    label = "X filtered stream"
    synthetic = False
    billed_per_post = True

    def __init__(
        self,
        terms: list[str],
        bearer_token: str,
        *,
        located_only: bool = True,
        areas: list[Area] | None = None,
        rule_budget: int = DEFAULT_RULE_BUDGET,
        backoff: Backoff | None = None,
        network_give_up_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.areas = list(areas or [])
        self._given_terms = list(terms)
        self._has_terms = bool(terms)
        # With no terms, each area's posts are labelled with the area.
        self.terms = list(terms) or [area.label for area in self.areas]
        self.located_only = located_only
        # Planned now, so an area too large or terms too long are refused
        # before anything starts (AreaError, RuleError).
        self.plan = plan_rules(list(terms), located_only, self.areas)
        self.rule_budget = rule_budget
        self.session_key = uuid.uuid4().hex[:8]
        self.malformed_lines = 0
        # X's error lines that did not end the stream, by kind (as archives count them).
        self.notices: Counter[str] = Counter()
        self._token = bearer_token
        self._backoff = backoff or Backoff()
        self._give_up_s = network_give_up_s
        self._clock = clock
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._response: requests.Response | None = None
        self._sink: Sink | None = None

    def job(self) -> dict[str, Any]:
        """What another process needs to run this same stream (`from_job`):
        JSON, the token included, so for a pipe only, never a command line."""
        return {
            "token": self._token,
            "terms": self._given_terms,
            "located_only": self.located_only,
            "areas": [area.to_json() for area in self.areas],
            "rule_budget": self.rule_budget,
            "network_give_up_s": self._give_up_s,
        }

    @classmethod
    def from_job(cls, job: Mapping[str, Any]) -> XStreamSource:
        return cls(
            list(job["terms"]),
            str(job["token"]),
            located_only=bool(job["located_only"]),
            areas=[area_from_json(area) for area in job["areas"]],
            rule_budget=int(job["rule_budget"]),
            network_give_up_s=job["network_give_up_s"],
        )

    def following_summary(self) -> str:
        """The rules and shapes the areas take, and X's limits (see FollowsAreas)."""
        return following_summary(
            len(self.areas),
            len(self.plan.rules),
            self.plan.shapes,
            stream=True,
            rule_budget=self.rule_budget,
            terms=self._has_terms,
        )

    # -- the Source interface -----------------------------------------------------

    def stop(self) -> None:
        self._stop.set()
        self._abort_response()

    def run(self, sink: Sink) -> None:
        self._sink = sink
        client = GeoStreamingClient(self._token, self)
        try:
            setting_up = self.following_summary() if self.areas else "Setting up the search rules"
            sink.status(StatusEvent("connecting", setting_up))
            if not self._with_network_retries(
                lambda: replace_rules(client, self.session_key, self.plan, self.rule_budget)
            ):
                return
            client.filter(**STREAM_FIELDS)
        except (FatalStreamError, RuleError) as exc:
            sink.status(StatusEvent("error", str(exc)))
        except tweepy.Unauthorized:
            sink.status(StatusEvent("error", "X rejected the token (401): check your credentials"))
        except tweepy.Forbidden as exc:
            sink.status(StatusEvent("error", _no_access_message(exc.response)))
        except tweepy.HTTPException as exc:
            sink.status(
                StatusEvent(
                    "error", f"X answered {exc.response.status_code}: {error_detail(exc.response)}"
                )
            )
        finally:
            client.session.close()
        if self._stop.is_set():
            sink.status(StatusEvent("stopped", "Stream stopped"))

    # -- connection loop ---------------------------------------------------------

    def stream_loop(self, client: GeoStreamingClient, route: str, params: Any) -> None:
        sink = self._sink
        assert sink is not None
        down_since: float | None = None
        while not self._stop.is_set():
            sink.status(StatusEvent("connecting", "Connecting to X"))
            try:
                response = client.session.get(
                    f"https://api.twitter.com{route}",
                    params=params,
                    headers={"Authorization": f"Bearer {self._token}"},
                    stream=True,
                    timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
                )
            except requests.RequestException as exc:
                down_since = down_since if down_since is not None else self._clock()
                if not self._network_wait(f"network error ({type(exc).__name__})", down_since):
                    return
                continue
            down_since = None
            with response:
                if response.status_code != 200:
                    self._http_error(response)
                    continue
                self._backoff.reset()
                self._set_response(response)
                sink.status(StatusEvent("live", self._live_message()))
                reason = self._read_lines(response)
                self._set_response(None)
            if self._stop.is_set():
                return
            self._wait(self._backoff.network_error(), reason)

    def _read_lines(self, response: requests.Response) -> str:
        """Hand every post to the sink; return why the stream ended."""
        sink = self._sink
        assert sink is not None
        try:
            for line in response.iter_lines(chunk_size=CHUNK_SIZE):
                if self._stop.is_set():
                    return "stopped"
                if not line:
                    continue  # keep-alive
                reason = self.handle_line(line, sink)
                if reason:
                    return reason
        except (requests.RequestException, OSError, AttributeError) as exc:
            # AttributeError: urllib3 after the socket was shut under it by stop().
            if self._stop.is_set():
                return "stopped"
            return f"connection lost ({type(exc).__name__})"
        return "connection closed by X"

    def handle_line(self, line: bytes, sink: Sink) -> str | None:
        """Hand the line's post to the sink, count it as a notice or a bad line;
        return why the stream ends when X says it does. Never raises: an odd
        line is one bad line, never the end of the stream."""
        # Nearly every line is a plain post: the typed decoder reads only the
        # fields we use (about 7 µs for a 4.5 KB post, against 60 µs and more
        # for json.loads), so a burst of thousands a second leaves the window
        # its share of the interpreter lock. Anything unusual (errors, damaged
        # geo, odd types) is left to the general path below, which names it.
        post = fast_stream_post(line, locate_profile, self._term_for_tag)
        if post is not None:
            sink.posts([post])
            return None
        try:
            text = line.decode("utf-8")
            obj = json.loads(text)
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            self._bad_line(f"not JSON ({type(exc).__name__})", len(line), sink)
            return None
        if not isinstance(obj, dict):
            self._bad_line("not a JSON object", len(line), sink)
            return None
        if "data" not in obj and "errors" in obj:
            self.notices[V2_NOTICE_KIND] += 1
            title = error_detail_from_obj(obj)
            if "disconnect" in title.lower():
                return "stopped by X (operational disconnect)"
            log.warning("X sent an error in the stream: %s", title)
            sink.status(StatusEvent("live", self._live_message()))
            return None
        try:
            post = post_from_v2(obj, self._term_for_tag, locate_profile, raw=storable(text))
        except PayloadError as exc:
            self._bad_line(str(exc), len(line), sink)
            return None
        except Exception as exc:  # one line's fault must not end the stream
            self._bad_line(f"unexpected fault ({type(exc).__name__})", len(line), sink)
            return None
        sink.posts([post])
        return None

    def _bad_line(self, reason: str, size: int, sink: Sink) -> None:
        self.malformed_lines += 1
        log.warning("skipped a stream line of %d bytes: %s", size, reason)
        sink.status(StatusEvent("live", self._live_message()))

    def _live_message(self) -> str:
        return live_text("Receiving posts", self.notices, self.malformed_lines, "line")

    def _term_for_tag(self, tag: str) -> str | None:
        return term_from_tag(tag, self.session_key)

    def _http_error(self, response: requests.Response) -> None:
        status = response.status_code
        detail = error_detail(response)
        if status == 401:
            raise FatalStreamError("X rejected the token (401): check your credentials")
        if status == 403:
            raise FatalStreamError(_no_access_message(response))
        if status == 409:
            raise FatalStreamError(f"X has no rules for this stream (409 {detail})")
        if status == 429:
            reason = (
                "too many connections: another stream is still open"
                if "TooManyConnections" in detail
                else "rate limited by X"
            )
            self._wait(self._backoff.rate_limited(), reason)
        else:
            self._wait(self._backoff.http_error(), f"X answered {status} {detail}".strip())

    def _network_wait(self, reason: str, down_since: float) -> bool:
        if self._give_up_s is not None and self._clock() - down_since > self._give_up_s:
            assert self._sink is not None
            self._sink.status(
                StatusEvent("error", f"Could not reach X for {self._give_up_s:.0f} s ({reason})")
            )
            self._stop.set()
            return False
        self._wait(self._backoff.network_error(), reason)
        return True

    def _with_network_retries(self, action: Callable[[], object]) -> bool:
        down_since: float | None = None
        while not self._stop.is_set():
            try:
                action()
                return True
            except requests.RequestException as exc:
                down_since = down_since if down_since is not None else self._clock()
                if not self._network_wait(f"network error ({type(exc).__name__})", down_since):
                    return False
        return False

    def _wait(self, seconds: float, reason: str) -> None:
        if self._stop.is_set():
            return
        assert self._sink is not None
        self._sink.status(StatusEvent("reconnecting", reason, retry_in=seconds))
        self._stop.wait(seconds)

    # -- prompt stop ---------------------------------------------------------------

    def _set_response(self, response: requests.Response | None) -> None:
        with self._lock:
            self._response = response
        if response is not None and self._stop.is_set():
            self._abort_response()

    def _abort_response(self) -> None:
        """Shut the stream's socket so a read blocked in another thread returns now."""
        with self._lock:
            response = self._response
        if response is None:
            return
        sock = _socket_of(response)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _socket_of(response: requests.Response) -> socket.socket | None:
    raw = getattr(response, "raw", None)
    fp = getattr(raw, "_fp", None)  # http.client.HTTPResponse
    buffered = getattr(fp, "fp", None)
    sock = getattr(getattr(buffered, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def error_detail_from_obj(obj: dict[str, Any]) -> str:
    errors = obj.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        for key in ("title", "detail"):
            if isinstance(first.get(key), str) and first[key]:
                return str(first[key])
    return ""


def _no_access_message(response: requests.Response | None) -> str:
    detail = error_detail(response)
    return (
        "This X account has no filtered-stream access (403"
        + (f": {detail}" if detail else "")
        + "). Choose the recent-search source instead."
    )
