"""The view state and saved views: their JSON round trip, strict reading of
files other people made (one-line errors), the store's views table, and
finding the session a view names."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from geotweets_desktop.core.saved_views import find_session, session_ref
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.core.view_state import (
    Filters,
    SavedView,
    SessionRef,
    ViewState,
    ViewStateError,
    read_view_file,
    saved_view_from_json,
    state_from_json,
    write_view_file,
)

REF = SessionRef(12, datetime(2026, 11, 30, 21, 0, tzinfo=UTC), "X live stream", ("rain", "sun"))
STATE = ViewState(
    center=(38.72, -9.14),
    zoom=9.5,
    mode="heat",
    heat_scale="quantile",
    heat_term="rain",
    filters=Filters(
        brush=(1_764_536_400.0, 1_764_540_000.5),
        terms_off=frozenset({"sun"}),
        no_term_off=True,
        kinds_off=frozenset({"profile"}),
        langs=frozenset({"en", "pt", ""}),
        tags=frozenset({"flood", "été"}),
        places=frozenset({"Lisboa", "<img src=x onerror=alert(1)>"}),
        authors=frozenset({"someone"}),
        text='flood "river" </b>',
    ),
)
VIEW = SavedView('Storm over Lisbon <script>alert("x")</script> ☔', REF, STATE)


def view_json(**changes: Any) -> dict[str, Any]:
    obj = VIEW.to_json()
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        target = obj
        for part in path:
            target = target[part]
        if value is ...:
            del target[last]
        else:
            target[last] = value
    return obj


def test_a_view_survives_its_json_file(tmp_path: Path) -> None:
    path = tmp_path / "storm.geotweets-view.json"
    write_view_file(VIEW, path)
    assert read_view_file(path) == VIEW
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["geotweets_view"] == 2
    assert on_disk["name"] == VIEW.name  # text stays text
    assert on_disk["filters"]["kindsOff"] == ["profile"]
    assert on_disk["filters"]["tags"] == ["flood", "été"]
    assert on_disk["filters"]["places"] == ["<img src=x onerror=alert(1)>", "Lisboa"]
    assert on_disk["heat"] == {"scale": "quantile", "term": "rain"}


def test_a_view_file_of_format_1_still_reads() -> None:
    """As the app wrote them before hashtags, places, authors and heat's scale."""
    old = {
        "geotweets_view": 1,
        "name": "Storm",
        "session": REF.to_json(),
        "center": [38.72, -9.14],
        "zoom": 9,
        "mode": "heat",
        "filters": {
            "brush": None,
            "termsOff": ["sun"],
            "noTermOff": False,
            "kindsOff": [],
            "langs": ["en"],
            "text": "flood",
        },
    }
    view = saved_view_from_json(old)
    assert view.state.heat_scale == "log" and view.state.heat_term is None
    assert view.state.filters == Filters(
        terms_off=frozenset({"sun"}), langs=frozenset({"en"}), text="flood"
    )
    assert view.state.filters.tags is None and view.state.filters.authors is None


def test_hashtags_are_read_as_the_map_finds_them() -> None:
    state = state_from_json(
        {"center": [0, 0], "zoom": 2, "mode": "points", "filters": {"tags": ["#Flood", "ÉTÉ"]}}
    )
    assert state.filters.tags == {"flood", "été"}


def test_the_page_report_is_read_with_its_bounds() -> None:
    report = {
        "center": [51.5, -0.12],
        "zoom": 6,
        "mode": "points",
        "bounds": [-10.0, 45.0, 9.0, 57.0],
        "filters": {"brush": None, "termsOff": [], "kindsOff": [], "langs": None, "text": ""},
    }
    state = state_from_json(report)
    assert state.bounds == (-10.0, 45.0, 9.0, 57.0)
    assert not state.filters.active
    assert state_from_json(state.to_json()) == state


def test_missing_filter_parts_mean_nothing_is_hidden() -> None:
    state = state_from_json({"center": [0, 0], "zoom": 2, "mode": "auto", "filters": {}})
    assert state.filters == Filters()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"zoom": "9"}, "zoom must be a number, not '9'"),
        ({"zoom": 40}, "zoom must be from 0 to 22, not 40"),
        ({"center": [91, 0]}, "center must be [latitude, longitude] in range"),
        ({"center": [1, 2, 3]}, "center must be a list of 2 numbers"),
        ({"center": [float("nan"), 0]}, "center must be a list of 2 numbers"),
        ({"mode": "3d"}, 'mode must be one of points, heat, auto, not "3d"'),
        ({"filters__brush": [5, 5]}, "filters.brush must be [start, end) with start before end"),
        ({"filters__brush": "today"}, "filters.brush must be a list of 2 numbers"),
        ({"filters__kindsOff": ["gps"]}, 'filters.kindsOff: "gps" is not one of exact, place'),
        ({"filters__langs": "en"}, "filters.langs must be a list of texts"),
        ({"filters__termsOff": [1]}, "filters.termsOff must be a list of texts"),
        ({"filters__noTermOff": "yes"}, "filters.noTermOff must be true or false, not str"),
        ({"filters__text": "x" * 501}, "filters.text is longer than 500 characters"),
        ({"filters": []}, "filters must be an object, not list"),
        ({"name": "  "}, "name must be 1 to 200 characters"),
        ({"name": ...}, "name must be text, not missing"),
        ({"session__id": True}, "session.id must be a whole number, not bool"),
        ({"session__id": 0}, "session.id must be a positive number, not 0"),
        ({"session__started_at": "soon"}, 'session.started_at is not a time: "soon"'),
        ({"session__started_at": "2026-11-30T21:00:00"}, "session.started_at must say its time"),
        ({"session": ...}, "session must be an object"),
        ({"geotweets_view": 3}, "written by a newer GeoTweets (view format 3"),
        ({"filters__tags": "flood"}, "filters.tags must be a list of texts"),
        ({"filters__tags": ["#"]}, "filters.tags: a hashtag cannot be empty"),
        ({"filters__places": [3]}, "filters.places must be a list of texts"),
        ({"filters__authors": {}}, "filters.authors must be a list of texts"),
        ({"heat__scale": "linear"}, 'heat.scale must be one of log, quantile, not "linear"'),
        ({"heat__term": 1}, "heat.term must be text, not int"),
        ({"heat": "log"}, "heat must be an object, not str"),
        ({"geotweets_view": "1"}, "geotweets_view must be a view format number"),
        ({"geotweets_view": ...}, 'not a GeoTweets view (no "geotweets_view" number)'),
    ],
)
def test_a_bad_view_is_one_line_naming_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ViewStateError) as caught:
        saved_view_from_json(view_json(**changes))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a GeoTweets view: not JSON (line 1)"),
        (b'{"geotweets_view": 1,', "not a GeoTweets view: not JSON (line 1)"),
        (b"\xff\xfe{}", "not a GeoTweets view (not UTF-8 text)"),
        (b"[1, 2]", "not a GeoTweets view (no"),
        (b" " * (1 << 20) + b"{}", "not a GeoTweets view (over 1024 KB)"),
        (b'{"geotweets_view": 1, "name": "\\n\\u0000"}', "session must be an object"),
    ],
)
def test_a_file_that_is_no_view_says_so_in_one_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "shared.json"
    path.write_bytes(content)
    with pytest.raises(ViewStateError) as caught:
        read_view_file(path)
    assert str(caught.value).startswith(f"{path}: {message}")
    assert "\n" not in str(caught.value)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ViewStateError, match="cannot read it"):
        read_view_file(tmp_path / "nowhere.json")


def test_views_are_kept_per_session_by_name(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions.db")
    try:
        first = store.start_session("Demo (synthetic)", ["rain", "sun"], synthetic=True)
        second = store.start_session("Demo (synthetic)", ["rain"], synthetic=True)
        info = store.session(first)
        assert info is not None
        ref = session_ref(info)
        storm = store.views.save(SavedView("Storm", ref, STATE))
        store.views.save(SavedView("Calm", ref, ViewState()))
        assert [v.name for v in store.views.of_session(first)] == ["Calm", "Storm"]
        assert store.views.of_session(second) == []
        # The same name again replaces the view, under the same id.
        zoomed = ViewState(center=(1.0, 2.0), zoom=12)
        assert store.views.save(SavedView("Storm", ref, zoomed)) == storm
        found = store.views.get(storm)
        assert found is not None and found.view.state == zoomed
        store.views.delete(storm)
        assert [v.name for v in store.views.of_session(first)] == ["Calm"]
        assert store.views.get(storm) is None
    finally:
        store.close()


def test_a_view_damaged_in_the_store_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    store = SessionStore(path)
    session = store.start_session("Demo (synthetic)", ["rain"], synthetic=True)
    info = store.session(session)
    assert info is not None
    store.views.save(SavedView("Kept", session_ref(info), STATE))
    store.close()
    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO views (session_id, name, view, saved_at) VALUES (?, 'Hurt', '{', ?)",
        (session, datetime.now(UTC).isoformat()),
    )
    db.commit()
    db.close()
    store = SessionStore(path)
    try:
        assert [v.name for v in store.views.of_session(session)] == ["Kept"]
    finally:
        store.close()


def test_an_older_store_gains_the_views_table(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    SessionStore(path).close()
    db = sqlite3.connect(path)
    db.execute("DROP TABLE views")
    db.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    store = SessionStore(path)
    try:
        session = store.start_session("Demo (synthetic)", ["rain"], synthetic=True)
        assert store.views.of_session(session) == []
    finally:
        store.close()


def test_the_session_a_view_names_must_be_this_stores(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions.db")
    try:
        session = store.start_session("Demo (synthetic)", ["rain"], synthetic=True)
        info = store.session(session)
        assert info is not None
        assert find_session(store, session_ref(info)) == info
        elsewhere = SessionRef(session, datetime(2025, 1, 2, 3, 4, tzinfo=UTC), "X live stream")
        with pytest.raises(ViewStateError) as caught:
            find_session(store, elsewhere)
        assert str(caught.value).startswith(
            f"session {session} (started 2025-01-02 03:04 UTC, X live stream) is not in "
            f"{store.path}: its session {session} is another one, started "
        )
        with pytest.raises(ViewStateError, match=r"^session 99 \(started 2025-01-02 03:04 UTC"):
            find_session(store, SessionRef(99, elsewhere.started_at))
    finally:
        store.close()
