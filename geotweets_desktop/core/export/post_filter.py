"""Which posts an export keeps: a time range, languages, and what the map's filters keep.

`geotweets export --since/--until/--lang` and the window's "only the posts
the current brush and filters keep" both come down to one `PostFilter`, and
every format applies it the same way (`keeps`; the database copy deletes
the rows it does not keep). It decides as the page's filter does
(resources/web/filters.js): time is the post's own, [since, until) in Unix
seconds, and a post with no time is outside any range; a post shows when one
of the session's terms it matches is switched on (or, matching none of them,
when "no term" is on); languages are X's codes, "" for unknown; a post has
a hashtag when `x_text.hashtags` finds it in its text (the map's columns
hold what that finds), a place when its location's label is it, an author
when its handle is it.

The page holds only located posts, so a filter made from the map's state
keeps only located posts too (`located_only`); the command line's keeps
unlocated ones a CSV or GeoParquet file can hold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from geotweets_desktop.core.post import Post
from geotweets_desktop.core.text_search import TextQuery
from geotweets_desktop.core.view_state import Filters
from geotweets_desktop.core.x_text import hashtags


@dataclass(frozen=True, slots=True)
class PostFilter:
    since: float | None = None  # Unix seconds, inclusive
    until: float | None = None  # Unix seconds, exclusive
    langs: frozenset[str] | None = None  # None: every language
    session_terms: tuple[str, ...] = ()  # the terms the map tells apart
    terms_off: frozenset[str] = frozenset()
    no_term_off: bool = False
    kinds_off: frozenset[str] = frozenset()
    tags: frozenset[str] | None = None  # a post must have one of these hashtags; None: any
    places: frozenset[str] | None = None  # ... be located at one of these places
    authors: frozenset[str] | None = None  # ... be by one of these handles
    text: str = ""  # the words a post's text must hold, "" for any
    located_only: bool = False

    @classmethod
    def from_filters(cls, filters: Filters, session_terms: tuple[str, ...]) -> PostFilter:
        """What the map keeps with `filters` set, for a session searching `session_terms`."""
        since, until = filters.brush if filters.brush is not None else (None, None)
        return cls(
            since=since,
            until=until,
            langs=filters.langs,
            session_terms=session_terms,
            terms_off=filters.terms_off,
            no_term_off=filters.no_term_off,
            kinds_off=filters.kinds_off,
            tags=filters.tags,
            places=filters.places,
            authors=filters.authors,
            text=filters.text,
            located_only=True,
        )

    def keeps(self, post: Post) -> bool:
        location = post.location
        return self.keeps_fields(
            post.created_at.timestamp() if post.created_at is not None else None,
            post.lang,
            post.terms,
            location.kind if location is not None else None,
            post.text,
            location.label if location is not None else "",
            post.author_handle,
        )

    def keeps_row(
        self,
        created_at: str,
        lang: str,
        terms_json: str,
        kind: str | None,
        text: str,
        place_label: str | None,
        author_handle: str,
    ) -> bool:
        """`keeps` for a stored row (posts table columns), for the database copy."""
        created = datetime.fromisoformat(created_at).timestamp() if created_at else None
        terms = tuple(json.loads(terms_json))
        return self.keeps_fields(created, lang, terms, kind, text, place_label or "", author_handle)

    def keeps_fields(
        self,
        created: float | None,
        lang: str,
        terms: tuple[str, ...],
        kind: str | None,
        text: str,
        place: str = "",
        author: str = "",
    ) -> bool:
        if kind is None:
            if self.located_only:
                return False
        elif kind in self.kinds_off:
            return False
        if self.since is not None or self.until is not None:
            if created is None:
                return False
            if self.since is not None and created < self.since:
                return False
            if self.until is not None and created >= self.until:
                return False
        if self.langs is not None and lang not in self.langs:
            return False
        if (self.terms_off or self.no_term_off) and not self._term_on(terms):
            return False
        if self.places is not None and place not in self.places:
            return False
        if self.authors is not None and author not in self.authors:
            return False
        if self.tags is not None and self.tags.isdisjoint(hashtags(text)):
            return False
        return not self.text or text_contains(text, self.text)

    def _term_on(self, terms: tuple[str, ...]) -> bool:
        matched = [t for t in terms if t in self.session_terms]
        if not matched:
            return not self.no_term_off
        return any(t not in self.terms_off for t in matched)


def text_contains(text: str, query: str) -> bool:
    """True when `text` holds every word of `query`, as the map's text filter
    finds them (core/text_search.py: any case, Unicode-aware)."""
    return _text_query(query).matches(text)


@lru_cache(maxsize=8)
def _text_query(query: str) -> TextQuery:
    return TextQuery(query)
