"""Reading a whole session back for export, and the `coarse` flag on locations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from geotweets_desktop.core.post import COARSE_RADIUS_M, Location, Post
from geotweets_desktop.core.store import SessionStore


def _post(n: int, location: Location | None) -> Post:
    return Post(
        id=str(1_000 + n),
        created_at=datetime(2026, 1, 2, 3, 4, n, tzinfo=UTC),
        text=f"made-up post {n} ☔",
        author_name=f"Invented Person {n}",
        author_handle=f"invented_{n}",
        terms=("rain",),
        location=location,
        raw="{}",
        lang="en",
    )


def test_iter_posts_returns_every_post_of_one_session_in_order(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    first = store.start_session("test", ["rain"], synthetic=False)
    other = store.start_session("test", ["snow"], synthetic=False)
    point = Location(lon=151.2, lat=-33.87, kind="exact", radius_m=0.0)
    store.add_posts(first, [_post(i, point if i % 2 else None) for i in range(7)])
    store.add_posts(other, [_post(50, point)])
    chunks = list(store.iter_posts(first, chunk=3))
    assert [len(c) for c in chunks] == [3, 3, 1]
    posts = [p for chunk in chunks for p in chunk]
    assert [p.id for p in posts] == [str(1_000 + i) for i in range(7)]
    assert posts[1].location == point and posts[0].location is None
    assert posts[3].text == "made-up post 3 ☔" and posts[3].author_handle == "invented_3"
    assert posts[3].created_at == datetime(2026, 1, 2, 3, 4, 3, tzinfo=UTC)
    assert posts[3].terms == ("rain",)
    assert list(store.iter_posts(999)) == []
    store.close()


def test_coarse_follows_the_radius() -> None:
    assert not Location(0, 0, "place", radius_m=COARSE_RADIUS_M - 1).coarse
    assert Location(0, 0, "place", radius_m=COARSE_RADIUS_M).coarse
    assert not Location(0, 0, "exact", radius_m=0.0).coarse
