"""The "text contains" filter's search: which stored posts hold the words typed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.core.text_search import TextQuery, keys_containing, session_keys_containing

HOSTILE = "<img src=x onerror=alert(1)> Straße"


def post(n: int, text: str, *, located: bool = True) -> Post:
    return Post(
        id=str(1862000000000000000 + n),
        created_at=datetime(2026, 11, 28, 16, 49, n % 60, tzinfo=UTC),
        text=text,
        author_name=f"Made-up Person {n}",
        author_handle=f"madeup_{n}",
        terms=("rain",),
        location=Location(lon=2.35, lat=48.85, kind="exact", radius_m=0.0) if located else None,
        raw="{}",
        lang="en",
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    s = SessionStore(tmp_path / "sessions.db")
    yield s
    s.close()


TEXTS = [
    "Heavy RAIN in Paris",  # 0
    "ÉTÉ pluvieux à Lyon",  # 1
    "\uff32\uff41\uff49\uff4e again, full width",  # 2: "Rain" in full-width letters
    HOSTILE,  # 3
    "sunny and dry",  # 4
    "rain and wind in Porto",  # 5
    "50% off_now, a back\\slash",  # 6: what LIKE would read as patterns
    "before\x00after",  # 7: a NUL, where SQLite's length() stops counting
]


def stored(store: SessionStore) -> tuple[int, dict[int, int]]:
    """A session with TEXTS (and one unlocated rainy post); key of each text's index."""
    session = store.start_session("demo", ["rain"], synthetic=True)
    added = store.add_posts(session, [post(i, t) for i, t in enumerate(TEXTS)])
    store.add_posts(session, [post(99, "rain but nowhere", located=False)])
    other = store.start_session("demo", ["rain"], synthetic=True)
    store.add_posts(other, [post(200, "rain in another session")])
    return session, {i: key for i, (key, _post) in enumerate(added)}


def texts_of(keys: list[int] | None, index: dict[int, int]) -> list[str]:
    by_key = {key: i for i, key in index.items()}
    return [TEXTS[by_key[k]] for k in keys or []]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rain", [TEXTS[0], TEXTS[2], TEXTS[5]]),
        ("  Rain   PORTO ", [TEXTS[5]]),  # every word, any case, any order
        ("été", [TEXTS[1]]),  # accents fold with the case
        ("strasse", [HOSTILE]),  # ß folds to ss
        ("onerror=alert(1)>", [HOSTILE]),  # markup is just text
        ("50% OFF_NOW back\\slash", [TEXTS[6]]),  # %, _ and a backslash are just text too
        ("0%o", []),
        ("AFTER", [TEXTS[7]]),
        ("snow", []),
    ],
)
def test_finds_the_located_posts_of_the_session_holding_every_word(
    store: SessionStore, tmp_path: Path, query: str, expected: list[str]
) -> None:
    session, index = stored(store)
    keys = session_keys_containing(tmp_path / "sessions.db", session, TextQuery(query))
    assert texts_of(keys, index) == expected


def test_reports_progress_and_stops_when_no_longer_wanted(
    store: SessionStore, tmp_path: Path
) -> None:
    session, _index = stored(store)
    seen: list[float] = []
    keys = session_keys_containing(
        tmp_path / "sessions.db", session, TextQuery("rain"), progress=seen.append, chunk=2
    )
    assert keys is not None and len(keys) == 3
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 1
    stopped = session_keys_containing(
        tmp_path / "sessions.db", session, TextQuery("rain"), stopped=lambda: True
    )
    assert stopped is None


def test_new_posts_are_judged_by_their_keys(store: SessionStore, tmp_path: Path) -> None:
    _session, index = stored(store)
    asked = [index[4], index[5], index[3], 10_000_000]  # one key that is no post
    found = keys_containing(tmp_path / "sessions.db", asked, TextQuery("RAIN"))
    assert texts_of(found, index) == [TEXTS[5]]


def test_a_query_without_words_is_no_filter() -> None:
    assert not TextQuery("   \t ")
    assert TextQuery("a b a").words == ("a", "b")
