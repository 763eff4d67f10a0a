"""The session report: figures that match the store (a real SQLite file), and an
HTML file that holds everything, loads nothing and keeps hostile text as text."""

from __future__ import annotations

import base64
import sqlite3
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.report import (
    ReportError,
    check_report_path,
    session_figures,
    write_report,
)
from geotweets_desktop.core.report.document import CONTENT_SECURITY_POLICY
from geotweets_desktop.core.report.figures import SessionFigures, dominant_terms
from geotweets_desktop.core.store import SessionStore

HOSTILE = '<img src=x onerror=alert(1)></script><script>alert("x")</script>'
HOSTILE_TERM = "<img src=x onerror=window.__pwned=5>"
HOSTILE_PLACE = 'Évora <b onmouseover="alert(1)">"quoted"</b> & co'
START = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)


def post(
    n: int,
    minute: float,
    terms: tuple[str, ...],
    *,
    where: tuple[float, float] | None = None,
    place: str = "",
    text: str = "",
    lang: str = "en",
    timed: bool = True,
) -> Post:
    location = (
        Location(
            lon=where[0],
            lat=where[1],
            kind="place" if place else "exact",
            radius_m=0.0,
            label=place,
        )
        if where is not None
        else None
    )
    return Post(
        id=str(1_862_000_000_000_000_000 + n),
        created_at=START + timedelta(seconds=round(minute * 60)) if timed else None,
        text=text or f"made-up post {n}",
        author_name="Made-up Person",
        author_handle="madeup",
        terms=terms,
        location=location,
        raw="{}",
        lang=lang,
    )


LISBON = (-9.14, 38.72)
TOKYO = (139.69, 35.69)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    opened = SessionStore(tmp_path / "sessions.db")
    yield opened  # type: ignore[misc]
    opened.close()


def fill(store: SessionStore) -> int:
    """A two-term session over two hours: a busy minute at 16:42, hostile
    text, places and a hostile term, unlocated posts and one without a time."""
    session = store.start_session(f"Replay {HOSTILE}", ["rain", HOSTILE_TERM], False)
    posts = [
        post(1, 0, ("rain",), where=LISBON, place=HOSTILE_PLACE, text=f"{HOSTILE} #Storm #rain"),
        post(2, 10.5, ("rain", HOSTILE_TERM), where=TOKYO, place="Tokyo", text="#storm here"),
        post(3, 42.0, (HOSTILE_TERM,), text=f"#{HOSTILE_TERM[1:4]} {HOSTILE}", lang="pt"),
        post(4, 42.2, ("rain",), where=LISBON, place=HOSTILE_PLACE, text="#2026 is no tag"),
        post(5, 42.9, ("rain",), where=TOKYO, place="Tokyo", lang=""),
        post(6, 119.0, (), where=TOKYO, text="matches no term #storm"),
        post(7, 0, ("rain",), timed=False),
    ]
    store.add_posts(session, posts)
    store.end_session(session)
    return session


def sql(store: SessionStore, query: str, *args: object) -> list[tuple[object, ...]]:
    db = sqlite3.connect(store.path)
    try:
        return db.execute(query, args).fetchall()
    finally:
        db.close()


def test_figures_match_the_store(store: SessionStore) -> None:
    session = fill(store)
    figures = session_figures(store.path, session)
    [(received, located)] = sql(
        store, "SELECT count(*), count(lon) FROM posts WHERE session_id = ?", session
    )
    assert (figures.received, figures.located) == (received, located) == (7, 5)
    assert (figures.session.received, figures.session.located) == (7, 5)
    per_term = dict(
        (
            (term, (n, m))
            for term, n, m in sql(
                store,
                "SELECT j.value, count(*), count(p.lon) FROM posts p, json_each(p.terms) j"
                " WHERE p.session_id = ? GROUP BY j.value",
                session,
            )
        )
    )
    assert {row.term: (row.received, row.located) for row in figures.by_term} == {
        **per_term,
        "": (1, 1),
    }
    assert [row.term for row in figures.by_term] == ["rain", HOSTILE_TERM, ""]
    assert figures.kinds == {"exact": 1, "place": 4, "profile": 0}
    assert figures.peak_minute == START + timedelta(minutes=42)
    assert figures.peak_minute_posts == 3
    assert figures.first_post == START
    assert figures.last_post == START + timedelta(minutes=119)
    assert figures.posts_without_time == 1
    assert figures.top_places == (("Tokyo", 2), (HOSTILE_PLACE, 2))  # ties: in name order
    assert figures.top_hashtags == (("storm", 3), ("img", 1), ("rain", 1))
    assert figures.top_languages == (("en", 5), ("pt", 1), ("unknown", 1))


def test_counting_tells_how_far_it_got_and_reads_only_its_own_sessions_posts(
    store: SessionStore,
) -> None:
    other = store.start_session("Replay: another.jsonl", ["sun"], False)
    store.add_posts(other, [post(100, 1, ("sun",), where=TOKYO)])
    session = fill(store)  # its rows come after the other's, and more of the other's after them
    store.add_posts(other, [post(101, 2, ("sun",), where=TOKYO)])
    heard: list[tuple[int, float]] = []
    figures = session_figures(
        store.path, session, lambda read, share: heard.append((read, share)), chunk_rows=3
    )
    # Seven rows in ranges of three row ids: 3, 6, then the last one.
    assert heard == [(3, 3 / 7), (6, 6 / 7), (7, 1.0)]
    assert figures == session_figures(store.path, session)
    assert (figures.received, figures.located) == (7, 5)


def test_timeline_counts_each_post_in_its_bin_by_its_own_time(store: SessionStore) -> None:
    session = fill(store)
    timeline = session_figures(store.path, session).timeline
    assert timeline is not None
    # 119 minutes: 30 s bins (the finest ladder step within 300 bins).
    assert timeline.step == 30
    assert timeline.start == int(START.timestamp())
    assert len(timeline.total) == 239
    assert sum(timeline.total) == 6  # the post without a time is in no bin
    # 0:00, 10:30, 42:00 and 42:12, 42:54, 1:59:00
    assert [i for i, n in enumerate(timeline.total) for _ in range(n)] == [0, 21, 84, 84, 85, 238]
    rain, hostile = timeline.by_term
    assert [i for i, n in enumerate(rain) if n] == [0, 21, 84, 85]
    assert [i for i, n in enumerate(hostile) if n] == [21, 84]


def test_a_short_session_is_binned_by_the_second(store: SessionStore) -> None:
    session = store.start_session("Demo (synthetic)", ["rain"], True)
    store.add_posts(session, [post(i, i / 60 * 3, ("rain",)) for i in range(100)])
    timeline = session_figures(store.path, session).timeline
    assert timeline is not None
    # 297 s: 1 s bins, a post every 3 s.
    assert timeline.step == 1
    assert len(timeline.total) == 298
    assert timeline.total[:7] == (1, 0, 0, 1, 0, 0, 1)


def test_a_session_with_no_posts_has_a_report_too(store: SessionStore, tmp_path: Path) -> None:
    session = store.start_session("Demo (synthetic)", ["rain"], True)
    figures = write_report(store.path, session, tmp_path / "empty.html")
    assert figures.received == 0
    assert figures.timeline is None
    assert figures.peak_minute is None
    page = (tmp_path / "empty.html").read_text(encoding="utf-8")
    assert "No post carries a time." in page
    assert "synthetic" in page


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def report_of(store: SessionStore, tmp_path: Path) -> tuple[SessionFigures, str, _Tags]:
    session = fill(store)
    out = tmp_path / "report.html"
    figures = write_report(store.path, session, out)
    page = out.read_text(encoding="utf-8")
    parsed = _Tags()
    parsed.feed(page)
    return figures, page, parsed


def test_hostile_text_stays_text_and_the_page_loads_nothing(
    store: SessionStore, tmp_path: Path
) -> None:
    _figures, page, parsed = report_of(store, tmp_path)
    names = [tag for tag, _ in parsed.tags]
    assert "script" not in names
    assert "b" not in names
    assert names.count("img") == 1  # the map picture, and no hostile one
    for _tag, attrs in parsed.tags:
        assert not [name for name in attrs if name.startswith("on")]
        for name in ("src", "href"):
            assert (attrs.get(name) or "data:").startswith("data:")
    [csp] = [a for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp["content"] == CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert "script-src" not in CONTENT_SECURITY_POLICY  # default-src 'none' blocks them
    assert HOSTILE not in page
    assert HOSTILE_TERM not in page
    # What the user reads: the hostile strings, as text.
    text = "".join(parsed.text)
    assert HOSTILE_TERM in text
    assert HOSTILE_PLACE in text
    assert f"Replay {HOSTILE}" in text


def test_the_report_shows_the_stores_numbers(store: SessionStore, tmp_path: Path) -> None:
    _figures, _page, parsed = report_of(store, tmp_path)
    text = " ".join(" ".join(parsed.text).split())
    assert "Posts received 7" in text
    assert "Located 5 (71%; exact 1, place 4, profile 0)" in text
    assert "Peak minute 2026-11-28 16:42 UTC: 3 posts" in text
    assert f"rain 5 4 {HOSTILE_TERM} 2 1 No term 1 1" in text
    assert f"Top places Place Posts Tokyo 2 {HOSTILE_PLACE} 2" in text
    assert "Top hashtags Hashtag Posts #storm 3 #img 1 #rain 1" in text
    assert "Top languages Language Posts en 5 pt 1 unknown 1" in text
    assert "Posts per 30 s (UTC" in text


def test_the_drawn_map_is_an_svg_with_a_dot_per_place(store: SessionStore, tmp_path: Path) -> None:
    _figures, _page, parsed = report_of(store, tmp_path)
    [src] = [attrs["src"] for tag, attrs in parsed.tags if tag == "img"]
    assert src is not None
    header, data = src.split(",", 1)
    assert header == "data:image/svg+xml;base64"
    svg = base64.b64decode(data).decode()
    assert svg.startswith("<svg")
    assert "<script" not in svg and "<text" not in svg  # no words from posts in the picture
    # Lisbon and Tokyo, far apart: two dots (two arcs each), both in the rain
    # colour (in Tokyo, 2 of its 3 posts match rain first, one matches no term).
    assert svg.count(" 0 1 0 ") == 4
    assert 'fill="#d7263d"' in svg
    assert 'fill="#555555"' not in svg


def test_the_report_file_is_written_whole(store: SessionStore, tmp_path: Path) -> None:
    session = fill(store)
    out = tmp_path / "report.html"
    out.write_text("an older report", encoding="utf-8")
    write_report(store.path, session, out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("report.txt", "report.txt: a report is an .html file"),
        ("missing/report.html", "is not a folder that exists"),
    ],
)
def test_bad_report_paths_are_refused_in_one_line(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(ReportError, match=message):
        check_report_path(tmp_path / name)


def test_a_places_colour_is_its_most_frequent_term() -> None:
    counts = {(1, 1, 0): 2, (1, 1, 1): 2, (1, 1, -1): 3, (2, 2, -1): 1, (2, 2, 1): 1}
    # Most posts win; on a tie the earlier term, and any term before none.
    assert dominant_terms(counts) == {(1, 1): -1, (2, 2): 1}
    assert dominant_terms({(5, 5, 1): 4, (5, 5, 0): 4}) == {(5, 5): 0}
