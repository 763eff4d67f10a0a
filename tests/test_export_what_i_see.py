"""Exporting only what the map keeps (a brush, terms, kinds, languages, text) and
`export --since/--until/--lang`: the rows written in every format are the
posts those filters keep, read back from each file of a real SQLite store."""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from geotweets_desktop.cli import main
from geotweets_desktop.core.export import ExportResult, PostFilter, export_session
from geotweets_desktop.core.post import Location, LocationKind, Post
from geotweets_desktop.core.saved_views import session_ref
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.core.view_state import Filters, SavedView, ViewState, write_view_file

T0 = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
TERMS = ("rain", "sun")


def at(minute: int) -> float:
    return (T0 + timedelta(minutes=minute)).timestamp()


# (minute or None, lang, terms, kind or None, text): made-up posts, one fault each.
POSTS: list[tuple[int | None, str, tuple[str, ...], LocationKind | None, str]] = [
    (0, "en", ("rain",), "exact", "flood warning, before the brush"),  # 0
    (1, "en", ("rain",), "exact", "Flood in town, before the brush"),  # 1
    (2, "en", ("rain",), "exact", "FLOOD here"),  # 2: kept
    (3, "pt", ("sun",), "exact", "flood e sol"),  # 3: only a term switched off
    (3, "pt", ("rain", "sun"), "place", "flood e chuva"),  # 4: kept (rain is on)
    (4, "fr", ("rain",), "exact", "flood, en français"),  # 5: a language not kept
    (4, "en", ("rain",), "profile", "flood by profile"),  # 6: a kind switched off
    (5, "en", (), "exact", "flood, matching no term"),  # 7: kept ("no term" is on)
    (None, "en", ("rain",), "exact", "flood with no time"),  # 8: no time, out of any range
    (5, "en", ("rain",), None, "flood, not located"),  # 9: the map has no unlocated posts
    (6, "en", ("rain",), "exact", "flood at the brush's end"),  # 10: [t0, t1) leaves t1 out
    (5, "", ("rain",), "exact", "flood, language unknown"),  # 11: a language not kept
    (2, "en", ("rain",), "exact", "dry day"),  # 12: the text does not hold "flood"
]
VIEW_KEEPS = {2, 4, 7}
# --since minute 2 --until minute 6 --lang en,pt: unlocated posts stay in a CSV.
CLI_KEEPS = {2, 3, 4, 6, 7, 9, 12}

FILTERS = Filters(
    brush=(at(2), at(6)),
    terms_off=frozenset({"sun"}),
    kinds_off=frozenset({"profile"}),
    langs=frozenset({"en", "pt"}),
    text="flood",
)


def post_id(i: int) -> str:
    return str(1_865_000_000_000_000_000 + i)


def make_post(i: int) -> Post:
    minute, lang, terms, kind, text = POSTS[i]
    location = Location(lon=-9.14 + i / 100, lat=38.72, kind=kind, radius_m=10.0) if kind else None
    return Post(
        id=post_id(i),
        created_at=T0 + timedelta(minutes=minute) if minute is not None else None,
        text=text,
        author_name="Zq Made Up",
        author_handle="zq_made_up",
        terms=terms,
        location=location,
        raw="{}",
        lang=lang,
    )


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "sessions.db"
    store = SessionStore(path)
    session_id = store.start_session("Replay: made-up.jsonl", list(TERMS), synthetic=False)
    store.add_posts(session_id, [make_post(i) for i in range(len(POSTS))])
    store.close()
    return path, session_id


def ids(numbers: set[int]) -> set[str]:
    return {post_id(i) for i in numbers}


def exported_ids(out: Path) -> set[str]:
    """The post ids a written export holds, read the way its users read it."""
    if out.is_dir():
        return set(ds.dataset(out, format="parquet").to_table(columns=["id"])["id"].to_pylist())
    if out.suffix == ".geojson":
        doc = json.loads(out.read_text(encoding="utf-8"))
        return {f["properties"]["id"] for f in doc["features"]}
    if out.suffix == ".csv":
        with open(out, encoding="utf-8", newline="") as file:
            return {row["id"] for row in csv.DictReader(file)}
    if out.suffix == ".parquet":
        return set(pq.read_table(out, columns=["id"])["id"].to_pylist())
    db = sqlite3.connect(out)
    try:
        return {row[0] for row in db.execute("SELECT post_id FROM posts")}
    finally:
        db.close()


OUTPUTS = ["view.geojson", "view.csv", "view.parquet", "view.db", "by-day/"]


def export_kept(
    store: SessionStore, session_id: int, folder: Path, name: str, filters: Filters
) -> tuple[Path, ExportResult]:
    """Export to `folder / name` (a name ending in "/": a folder a day) what
    the map keeps with `filters` set, as "export what I see" does."""
    out = folder / name
    result = export_session(
        store,
        session_id,
        out,
        keep=PostFilter.from_filters(filters, TERMS),
        partition="day" if name.endswith("/") else None,
    )
    return out, result


@pytest.mark.parametrize("name", OUTPUTS)
def test_each_format_holds_only_what_the_brush_and_filters_keep(
    stored: tuple[Path, int], tmp_path: Path, name: str
) -> None:
    path, session_id = stored
    store = SessionStore(path)
    try:
        out, result = export_kept(store, session_id, tmp_path, name, FILTERS)
    finally:
        store.close()
    assert exported_ids(out) == ids(VIEW_KEEPS)
    assert result.written == len(VIEW_KEEPS)
    assert result.filtered_out == len(POSTS) - len(VIEW_KEEPS)


# (text, place label, handle, located): a hashtag is one X finds, whole, in
# any case; a place is the location's label; an author the handle.
TAGGED: list[tuple[str, str, str, bool]] = [
    ("#Flood in town", "Lisboa", "ana", True),  # 0: kept
    ("#flood #storm in Porto", "Porto", "ana", True),  # 1: another place
    ("flood, but no hashtag", "Lisboa", "ana", True),  # 2: the word is no hashtag
    ("#floodwater rising", "Lisboa", "ana", True),  # 3: another hashtag
    ("#flood by bob", "Lisboa", "bob", True),  # 4: another author
    ("#flood, not located", "Lisboa", "ana", False),  # 5: the map has no unlocated posts
    ("Mais #FLOOD hoje", "Lisboa", "ana", True),  # 6: kept
    ("#flood with no place label", "", "ana", True),  # 7: no place
]
TAGGED_KEEPS = {0, 6}
TAGGED_FILTERS = Filters(
    tags=frozenset({"flood"}), places=frozenset({"Lisboa"}), authors=frozenset({"ana"})
)


@pytest.mark.parametrize("name", OUTPUTS)
def test_each_format_holds_only_the_hashtag_place_and_author_kept(
    tmp_path: Path, name: str
) -> None:
    store = SessionStore(tmp_path / "sessions.db")
    try:
        session_id = store.start_session("Replay: tagged.jsonl", list(TERMS), synthetic=False)
        posts = []
        for i, (text, label, handle, located) in enumerate(TAGGED):
            where = Location(-9.14, 38.72, "place", 500.0, label) if located else None
            posts.append(
                replace(
                    make_post(0), id=post_id(i), text=text, author_handle=handle, location=where
                )
            )
        store.add_posts(session_id, posts)
        out, result = export_kept(store, session_id, tmp_path, name, TAGGED_FILTERS)
    finally:
        store.close()
    assert exported_ids(out) == ids(TAGGED_KEEPS)
    assert result.written == len(TAGGED_KEEPS)


@pytest.mark.parametrize("name", OUTPUTS)
def test_since_until_and_lang_on_the_command_line(
    stored: tuple[Path, int], tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = stored
    out = tmp_path / name
    partition = ["--partition", "day"] if name.endswith("/") else []
    since = (T0 + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%MZ")  # ISO 8601
    until = str(int(at(6)))  # Unix seconds
    filters = ["--since", since, "--until", until, "--lang", "en", "--lang", "pt,en"]
    code = main(["export", str(path), "--out", str(out), *filters, *partition])
    stdout, stderr = capsys.readouterr()
    assert code == 0, stderr
    unlocated = {9} if name.endswith(".geojson") else set()
    assert exported_ids(out) == ids(CLI_KEEPS - unlocated)
    left = len(POSTS) - len(CLI_KEEPS)
    assert f"({left} posts the filters left out)" in stdout


def test_a_filter_and_an_area_together(stored: tuple[Path, int], tmp_path: Path) -> None:
    path, _session_id = stored
    out = tmp_path / "area.csv"
    # Posts are 0.01° apart in longitude from -9.14: this box holds posts 0..4.
    box = ["--bbox", "-9.145,38.7,-9.095,38.75"]
    code = main(["export", str(path), "--out", str(out), *box, "--since", "2026-11-30T21:02Z"])
    assert code == 0
    assert exported_ids(out) == ids({2, 3, 4})


def test_a_database_export_carries_the_sessions_saved_views(
    stored: tuple[Path, int], tmp_path: Path
) -> None:
    path, session_id = stored
    store = SessionStore(path)
    try:
        info = store.session(session_id)
        assert info is not None
        view = SavedView("Flood, first hour", session_ref(info), ViewState(filters=FILTERS))
        store.views.save(view)
        export_session(store, session_id, tmp_path / "copy.db")
    finally:
        store.close()
    copy = SessionStore(tmp_path / "copy.db")
    try:
        [stored_view] = copy.views.of_session(session_id)
        assert stored_view.view == view
    finally:
        copy.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "--since: 'yesterday' is not a time"),
        (["--until", "2026-13-01"], "--until: '2026-13-01' is not a time"),
        (["--since", "2026-12-01", "--until", "2026-11-30"], "--until must be later than --since"),
        (["--lang", "en,"], "--lang: give language codes"),
    ],
)
def test_bad_filter_options_are_one_line_and_status_2(
    stored: tuple[Path, int],
    tmp_path: Path,
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, _ = stored
    out = tmp_path / "never.csv"
    code = main(["export", str(path), "--out", str(out), *args])
    _, stderr = capsys.readouterr()
    assert code == 2
    assert stderr.startswith(f"geotweets export: {message}")
    assert stderr.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("name", ["view.csv", "view.db"])
def test_export_view_file_keeps_what_the_view_keeps(
    stored: tuple[Path, int], tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path, session_id = stored
    store = SessionStore(path)
    try:
        info = store.session(session_id)
        assert info is not None
        view = SavedView("Flood, first hour", session_ref(info), ViewState(filters=FILTERS))
    finally:
        store.close()
    view_file = tmp_path / "flood.geotweets-view.json"
    write_view_file(view, view_file)
    out = tmp_path / name
    code = main(["export", str(path), "--out", str(out), "--view", str(view_file)])
    stdout, stderr = capsys.readouterr()
    assert code == 0, stderr
    assert exported_ids(out) == ids(VIEW_KEEPS)
    assert f"({len(POSTS) - len(VIEW_KEEPS)} posts the filters left out)" in stdout


def test_export_view_file_errors(
    stored: tuple[Path, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = stored
    out = tmp_path / "never.csv"
    not_a_view = tmp_path / "notes.json"
    not_a_view.write_text('{"hello": 1}', encoding="utf-8")
    code = main(["export", str(path), "--out", str(out), "--view", str(not_a_view)])
    assert code == 2
    assert capsys.readouterr().err == (
        f'geotweets export: {not_a_view}: not a GeoTweets view (no "geotweets_view" number)\n'
    )
    code = main(["export", str(path), "--out", str(out), "--view", str(not_a_view), "--lang", "en"])
    assert code == 2
    assert "--view brings its own filters" in capsys.readouterr().err
    assert not out.exists()
