"""Recent search: posts newer than `since_id`, newest first, paged by `next_token`.

Not thread-safe on its own: `FakeX` calls it with its lock held.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from . import geo_match
from .errors import invalid_request

Shape = Callable[[dict[str, Any], dict[str, str]], dict[str, Any]]


class RecentSearch:
    def __init__(self, shape: Shape, *, match_queries: bool, max_query_length: int) -> None:
        """`shape(post, query)` trims a post to the fields the query asked for;
        see `FakeX` for the rest."""
        self._shape = shape
        self._match_queries = match_queries
        self._max_query_length = max_query_length
        self._posts: list[dict[str, Any]] = []
        self._next_tokens: dict[str, int] = {}

    def add(self, posts: tuple[dict[str, Any], ...]) -> None:
        self._posts.extend(copy.deepcopy(post) for post in posts)

    def find(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
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
        posts = sorted(self._posts, key=lambda p: int(p["data"]["id"]), reverse=True)
        if self._match_queries:
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
        if len(text) > self._max_query_length:
            return invalid_request(
                "query",
                [text],
                f"There were errors processing your request: Query length {len(text)} "
                f"exceeds the maximum of {self._max_query_length} characters",
            )
        problem = geo_match.problem(text)
        return None if problem is None else invalid_request("query", [text], problem)
