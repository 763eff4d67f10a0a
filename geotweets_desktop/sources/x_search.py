"""Recent search, polled: for X plans without filtered-stream access.

Polls `GET /2/tweets/search/recent` (through tweepy) for posts newer than
the last one seen (`since_id`), at a steady interval, and slows down to
what the rate-limit headers allow: when `x-rate-limit-remaining` reaches 0
the next poll waits for `x-rate-limit-reset`. One query ORs every term; each
post's terms are found by matching its text as X would.

Following areas, the query carries their shapes too (core/area/rules.py);
an area needing more than a 512-character query fits is asked in several
queries, each with its own `since_id`, one after the other in each poll.
With no terms, a post is labelled with the areas it lies in.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from typing import Any

import requests
import tweepy

from geotweets_desktop.core.archive.records import V2_NOTICE_KIND
from geotweets_desktop.core.archive.summary import live_text
from geotweets_desktop.core.area.inside import post_inside
from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.area.rules import following_summary, search_queries
from geotweets_desktop.core.coordinates import short
from geotweets_desktop.core.gazetteer import locate_profile
from geotweets_desktop.core.payload import PayloadError, post_from_v2
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.term_match import TermMatcher
from geotweets_desktop.sources.base import Sink, StatusEvent
from geotweets_desktop.sources.x_api import STREAM_FIELDS, RebasedSession, error_detail

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 15.0
MAX_RESULTS = 100  # the most one recent-search request returns
NETWORK_RETRY_S = 5.0


def search_query(terms: list[str], located_only: bool) -> str:
    # A term of several words is an AND of them; brackets keep it whole.
    grouped = [
        f"({t})" if len(terms) > 1 and " " in t and not t.startswith('"') else t for t in terms
    ]
    query = " OR ".join(grouped)
    if len(terms) > 1:
        query = f"({query})"
    return f"{query} has:geo" if located_only else query


class XRecentSearchSource:
    label = "X recent search"
    synthetic = False
    billed_per_post = True

    def __init__(
        self,
        terms: list[str],
        bearer_token: str,
        *,
        located_only: bool = True,
        areas: list[Area] | None = None,
        interval_s: float = POLL_INTERVAL_S,
    ) -> None:
        self.areas = list(areas or [])
        self.terms = list(terms) or [area.label for area in self.areas]
        self._has_terms = bool(terms)
        if self.areas:
            planned = search_queries(list(terms), self.areas)
            self.queries, self._shapes = planned.texts, planned.shapes
        else:
            self.queries, self._shapes = [search_query(self.terms, located_only)], 0
        self.interval_s = interval_s
        # The newest post seen, per query.
        self.since_ids: list[str | None] = [None] * len(self.queries)
        self._matcher = TermMatcher(list(terms)) if terms else None
        self.bad_records = 0
        self.notices: Counter[str] = Counter()
        self._client = tweepy.Client(bearer_token, return_type=requests.Response)
        self._client.session = RebasedSession()
        self._stop = threading.Event()

    def following_summary(self) -> str:
        """The queries and shapes the areas take, and X's limit (see FollowsAreas)."""
        return following_summary(
            len(self.areas),
            len(self.queries),
            self._shapes,
            stream=False,
            rule_budget=0,
            terms=self._has_terms,
        )

    def stop(self) -> None:
        self._stop.set()

    def run(self, sink: Sink) -> None:
        try:
            self._poll_loop(sink)
        finally:
            self._client.session.close()
        if self._stop.is_set():
            sink.status(StatusEvent("stopped", "Polling stopped"))

    def _poll_loop(self, sink: Sink) -> None:
        sink.status(StatusEvent("connecting", "Asking X for recent posts"))
        turn = 0
        while not self._stop.is_set():
            index = turn % len(self.queries)
            try:
                response = self._client.search_recent_tweets(
                    self.queries[index],
                    since_id=self.since_ids[index],
                    max_results=MAX_RESULTS,
                    **STREAM_FIELDS,
                )
            except tweepy.Unauthorized:
                sink.status(
                    StatusEvent("error", "X rejected the token (401): check your credentials")
                )
                return
            except tweepy.Forbidden as exc:
                sink.status(
                    StatusEvent(
                        "error", f"X refused the search (403): {error_detail(exc.response)}"
                    )
                )
                return
            except tweepy.BadRequest as exc:
                sink.status(
                    StatusEvent("error", f"X refused the query: {error_detail(exc.response)}")
                )
                return
            except tweepy.TooManyRequests as exc:
                self._wait(sink, _until(exc.reset_time, self.interval_s), "rate limited by X")
                continue
            except tweepy.TwitterServerError as exc:
                self._wait(sink, self.interval_s, f"X answered {exc.response.status_code}")
                continue
            except requests.RequestException as exc:
                self._wait(sink, NETWORK_RETRY_S, f"network error ({type(exc).__name__})")
                continue
            posts = self.posts_from_page(_json_of(response), index)
            if posts:
                sink.posts(posts)
            turn += 1
            if turn % len(self.queries):
                continue  # the next query of this poll
            wait = self.interval_s
            if response.headers.get("x-rate-limit-remaining") == "0":
                reset = response.headers.get("x-rate-limit-reset")
                wait = max(wait, _until(int(reset) if reset and reset.isdigit() else None, wait))
            sink.status(StatusEvent("live", self._live_message(len(posts), wait)))
            self._stop.wait(wait)

    def posts_from_page(self, page: Any, index: int = 0) -> list[Post]:
        """One response page of query `index`: `data` is a list, `includes`
        shared by all of its posts. Never raises: an odd page or post is
        counted in `bad_records`."""
        if not isinstance(page, dict):
            self.bad_records += 1
            return []
        meta = page.get("meta")
        newest = meta.get("newest_id") if isinstance(meta, dict) else None
        if isinstance(newest, str) and newest.isdigit():
            self.since_ids[index] = newest
        if "errors" in page:
            self.notices[V2_NOTICE_KIND] += 1
        includes = page.get("includes")
        if not isinstance(includes, dict):
            includes = {}
        found = page.get("data")
        posts: list[Post] = []
        for data in reversed(found) if isinstance(found, list) else ():  # newest first
            try:
                post = post_from_v2(
                    {"data": data, "includes": includes}, lambda _tag: None, locate_profile
                )
            except PayloadError as exc:
                self._bad_record(str(exc))
                continue
            except Exception as exc:  # one post's fault must not end the polling
                self._bad_record(f"unexpected fault ({type(exc).__name__})")
                continue
            post.terms = self._labels(post)
            posts.append(post)
        if found is not None and not isinstance(found, list):
            self._bad_record(f"data is not a list: {short(found)}")
        return posts

    def _live_message(self, new: int, wait: float) -> str:
        head = f"{new} new, next poll in {wait:.0f} s"
        return live_text(head, self.notices, self.bad_records, "result")

    def _bad_record(self, reason: str) -> None:
        self.bad_records += 1
        log.warning("skipped a search result: %s", reason)

    def _labels(self, post: Post) -> tuple[str, ...]:
        if self._matcher is not None:
            return self._matcher.matching(post.text)
        return tuple(area.label for area in self.areas if post_inside(post, [area]))

    def _wait(self, sink: Sink, seconds: float, reason: str) -> None:
        sink.status(StatusEvent("reconnecting", reason, retry_in=seconds))
        self._stop.wait(seconds)


def _json_of(response: requests.Response) -> Any:
    """The response body as JSON, or None when it is not JSON at all."""
    try:
        return response.json()
    except (ValueError, RecursionError):  # requests' JSONDecodeError is a ValueError
        return None


def _until(reset_epoch: int | None, fallback: float) -> float:
    if reset_epoch is None:
        return fallback
    return max(1.0, reset_epoch - time.time() + 1.0)
