"""Shared plumbing for talking to X's API v2 through tweepy.

- tweepy hard-codes `https://api.twitter.com`; `RebasedSession` sends its
  requests to our base URL instead (`GEOTWEETS_X_API_URL`, default
  `https://api.x.com`), which is also how tests reach a loopback fake.
- tweepy logs full request headers, Bearer token included, at DEBUG level;
  its logger is held at INFO so the token can never reach a log.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import requests
import tweepy

from geotweets_desktop import __version__

DEFAULT_API_URL = "https://api.x.com"
TWEEPY_HOST = "https://api.twitter.com"
USER_AGENT = f"GeoTweetsDesktop/{__version__}"

# What a post must carry for us to locate it and show its whole text (X
# sends none of this unless asked): a long post's text is in `note_tweet`,
# a repost's original in `includes.tweets` (the `referenced_tweets.id` expansion).
STREAM_FIELDS: dict[str, list[str]] = {
    "tweet_fields": ["geo", "created_at", "lang", "author_id", "note_tweet", "referenced_tweets"],
    "expansions": ["geo.place_id", "author_id", "referenced_tweets.id"],
    "place_fields": ["full_name", "geo", "country_code", "place_type"],
    "user_fields": ["username", "name", "location"],
}

logging.getLogger("tweepy").setLevel(logging.INFO)


def api_base_url() -> str:
    return (os.environ.get("GEOTWEETS_X_API_URL") or DEFAULT_API_URL).rstrip("/")


class RebasedSession(requests.Session):
    """A requests session that rewrites tweepy's hard-coded host to ours."""

    def __init__(self, base_url: str | None = None) -> None:
        super().__init__()
        self.base_url = (base_url or api_base_url()).rstrip("/")
        self.headers["User-Agent"] = USER_AGENT

    def request(self, method: str, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if isinstance(url, str) and url.startswith(TWEEPY_HOST):
            url = self.base_url + url[len(TWEEPY_HOST) :]
        return super().request(method, url, *args, **kwargs)


def error_detail(response: requests.Response | None) -> str:
    """X's one-line explanation from an error body, without echoing anything secret."""
    if response is None:
        return ""
    try:
        body = response.json()
    except ValueError:
        return response.reason or ""
    if not isinstance(body, dict):
        return ""
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        body = errors[0]
    for key in ("connection_issue", "title", "detail", "message"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


@dataclass(frozen=True, slots=True)
class TokenCheck:
    valid: bool | None  # None: could not tell (network, rate limit)
    stream_access: bool
    message: str


def rebased_streaming_client(bearer_token: str) -> tweepy.StreamingClient:
    client = tweepy.StreamingClient(bearer_token, wait_on_rate_limit=False)
    client.session = RebasedSession()
    return client


def check_token(bearer_token: str) -> TokenCheck:
    """Ask X whether the token works, and whether it may use the filtered stream."""
    client = rebased_streaming_client(bearer_token)
    try:
        client.get_rules()
    except tweepy.Unauthorized:
        return TokenCheck(
            False,
            False,
            "X rejected this token (401). Check that you copied the whole Bearer token.",
        )
    except tweepy.Forbidden as exc:
        return TokenCheck(
            True,
            False,
            "The token is valid but has no filtered-stream access "
            f"({error_detail(exc.response) or '403'}). The "
            "recent-search source can still be used.",
        )
    except tweepy.TooManyRequests:
        return TokenCheck(None, False, "X is rate limiting this app; try again in a minute.")
    except tweepy.HTTPException as exc:
        return TokenCheck(
            None, False, f"X answered {exc.response.status_code}: {error_detail(exc.response)}"
        )
    except requests.RequestException as exc:
        return TokenCheck(
            None, False, f"Could not reach X ({type(exc).__name__}); the token was not checked."
        )
    finally:
        client.session.close()
    return TokenCheck(True, True, "The token works and has filtered-stream access.")
