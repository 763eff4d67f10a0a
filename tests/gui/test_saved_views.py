"""Saved views in the window: what the map shows (centre, zoom, mode and the
heat's scale and term, brush, terms, kinds switched off, languages,
hashtags, places and authors kept, the text filter) saved under a name reopens the same, from
the store and from a shared file in a new window, on the stored session it
names; and "export what I see" writes only the posts the brush and filters keep."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from geotweets_desktop.core.post import Location, LocationKind, Post
from geotweets_desktop.core.saved_views import session_ref
from geotweets_desktop.core.store import SessionInfo, SessionStore
from geotweets_desktop.core.view_state import SavedView, ViewState, ViewStateError, write_view_file
from geotweets_desktop.ui.dialogs.export import ExportDialog
from geotweets_desktop.ui.dialogs.views import ViewsDialog
from geotweets_desktop.ui.main_window import MainWindow

T0 = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
TERMS = ("rain", "sun")
KINDS: tuple[LocationKind, ...] = ("exact", "place", "profile")
LANGS = ("en", "pt", "fr")
POSTS = 96
WAIT_MS = 20_000


def minute(n: int) -> float:
    return (T0 + timedelta(minutes=n)).timestamp()


def lang(i: int) -> str:
    return LANGS[(i // 2) % 3]


def tagged(i: int) -> bool:
    return i % 8 != 6


def place(i: int) -> str:
    return "Sintra" if i % 9 == 0 else "Lisboa"


def handle(i: int) -> str:
    return "zq_other" if i % 10 == 8 else "zq_made_up"


def made_up_post(i: int) -> Post:
    """Post i: at minute i, a term, a kind, a language, a hashtag or none, a
    place and an author by turns, around Lisbon."""
    return Post(
        id=str(1_866_000_000_000_000_000 + i),
        created_at=T0 + timedelta(minutes=i),
        text=f"made-up post {i}: {'calm' if i % 5 == 1 else 'storm'} weather"
        + (" #LisboaChuva" if tagged(i) else " #outra"),
        author_name="Zq Made Up",
        author_handle=handle(i),
        terms=(TERMS[i % 2],),
        location=Location(-9.3 + i * 0.02, 38.6 + (i % 5) * 0.05, KINDS[i % 3], 10.0, place(i)),
        raw="{}",
        lang=lang(i),
    )


# Minutes 4..87 ([4, 88)), "sun" off, "profile" off, English and Portuguese,
# #lisboachuva, in Lisboa, by @zq_made_up, the text holding "storm": what a
# user would count by hand from made_up_post.
KEPT = [
    i
    for i in range(4, 88)
    if TERMS[i % 2] != "sun"
    and KINDS[i % 3] != "profile"
    and lang(i) in ("en", "pt")
    and tagged(i)
    and place(i) == "Lisboa"
    and handle(i) == "zq_made_up"
    and i % 5 != 1
]

SET_VIEW = f"""
const map = GeoTweets.map, layer = GeoTweets.pointsLayer, filter = layer.filter();
filter.setBrush([{minute(4)}, {minute(88)}]);
filter.setTermOn(1, false);
filter.setKindOn(2, false);
filter.setLangs(new Set(layer.points().mergeDictionary("langs", ["en", "pt"])));
filter.setCodes("tags", layer.points().mergeDictionary("tags", ["lisboachuva"]));
filter.setCodes("places", layer.points().mergeDictionary("places", ["Lisboa"]));
filter.setCodes("authors", layer.points().mergeDictionary("authors", ["zq_made_up"]));
layer.setMode("heat");
layer.setHeatScale("quantile");
layer.setHeatTerm(0);
GeoTweets.listsPanel.searchText("storm");
map.setView([38.71, -9.12], 9, {{animate: false}});
true
"""

# What the page shows, read from the map and the filter as a user's eye
# would: where the map is, which switches are off, how many posts pass.
READ_VIEW = """JSON.stringify((function () {
  const map = GeoTweets.map, layer = GeoTweets.pointsLayer, filter = layer.filter();
  const store = layer.points();
  const center = map.getCenter();
  return {
    center: [Math.round(center.lat * 1e4) / 1e4, Math.round(center.lng * 1e4) / 1e4],
    zoom: map.getZoom(),
    mode: layer.mode(),
    brush: filter.brush,
    text: filter.textKeys === null ? "" : filter.textQuery,
    termsOff: Array.from(filter.termsOff).map(function (t) { return layer.terms()[t].term; }),
    kindsOff: Array.from(filter.kindsOff).map(function (k) { return layer.kinds()[k].name; }),
    langs: filter.langs === null ? null
      : Array.from(filter.langs).map(function (c) { return store.langs[c]; }).sort(),
    tags: filter.tags === null ? null
      : Array.from(filter.tags).map(function (c) { return store.tags[c]; }),
    places: filter.places === null ? null
      : Array.from(filter.places).map(function (c) { return store.places[c]; }),
    authors: filter.authors === null ? null
      : Array.from(filter.authors).map(function (c) { return store.authors[c]; }),
    heatScale: layer.heatScale(),
    heatTerm: layer.heatTerm() === null ? null : layer.terms()[layer.heatTerm()].term,
    points: layer.pointCount(),
    passing: filter.passingCount(),
  };
})())"""

EXPECTED = {
    "center": [38.71, -9.12],
    "zoom": 9,
    "mode": "heat",
    "brush": [minute(4), minute(88)],
    "text": "storm",
    "termsOff": ["sun"],
    "kindsOff": ["profile"],
    "langs": ["en", "pt"],
    "tags": ["lisboachuva"],
    "places": ["Lisboa"],
    "authors": ["zq_made_up"],
    "heatScale": "quantile",
    "heatTerm": "rain",
    "points": POSTS,
    "passing": len(KEPT),
}


def stored_session(store: SessionStore) -> SessionInfo:
    session_id = store.start_session("Replay: made-up.jsonl", list(TERMS), synthetic=False)
    store.add_posts(session_id, [made_up_post(i) for i in range(POSTS)])
    store.end_session(session_id)
    info = store.session(session_id)
    assert info is not None
    return info


def read_view(qtbot: Any, page: Any) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(page.eval(READ_VIEW))
    return result


def same_view(seen: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Everything equal, the centre to within a pixel or two: a window laid out
    anew (its map a little taller or wider) keeps its centre to the pixel."""
    degrees_per_pixel = 360 / (256 * 2 ** expected["zoom"])
    near = all(
        abs(a - b) <= 2 * degrees_per_pixel
        for a, b in zip(seen.get("center", [99, 999]), expected["center"], strict=True)
    )
    return near and {**seen, "center": None} == {**expected, "center": None}


def wait_for_view(qtbot: Any, page: Any, expected: dict[str, Any]) -> None:
    seen: dict[str, Any] = {}

    def shown() -> bool:
        seen.update(read_view(qtbot, page))
        return same_view(seen, expected)

    try:
        qtbot.waitUntil(shown, timeout=WAIT_MS)
    except Exception:
        raise AssertionError(f"the map shows {seen}, not {expected}") from None


def show_session_with_view(qtbot: Any, window: MainWindow, page: Any) -> SessionInfo:
    """The stored session on the map, with the test's view set as a user would."""
    session = stored_session(window.store)
    window.open_session(session)
    qtbot.waitUntil(lambda: page.stats()["points"] == POSTS, timeout=WAIT_MS)
    page.eval(SET_VIEW)
    wait_for_view(qtbot, page, EXPECTED)
    bridge = window.map_view.bridge
    qtbot.waitUntil(
        lambda: (
            bridge.view_state is not None
            and bridge.view_state.zoom == 9
            and bridge.view_state.filters.langs == {"en", "pt"}
            and bridge.view_state.filters.text == "storm"
            and bridge.view_state.filters.tags == {"lisboachuva"}
            and bridge.view_state.heat_term == "rain"
        ),
        timeout=WAIT_MS,
    )
    return session


def test_a_saved_view_reopens_with_the_same_centre_zoom_brush_and_filters(
    qtbot: Any, window: MainWindow, page: Any
) -> None:
    session = show_session_with_view(qtbot, window, page)
    window.views.save_view("Lisbon: rain in English or Portuguese")
    # The user wanders off: elsewhere, every filter cleared, heat as it starts.
    page.eval(
        "GeoTweets.pointsLayer.filter().clear(); GeoTweets.pointsLayer.setMode('points');"
        " GeoTweets.pointsLayer.setHeatScale('log'); GeoTweets.pointsLayer.setHeatTerm(null);"
        " GeoTweets.map.setView([0, 0], 3); true"
    )
    qtbot.waitUntil(lambda: read_view(qtbot, page)["passing"] == POSTS, timeout=WAIT_MS)
    [stored] = window.store.views.of_session(session.id)
    assert stored.name == "Lisbon: rain in English or Portuguese"
    window.views.open_view(stored.view)
    wait_for_view(qtbot, page, EXPECTED)


def test_a_view_file_reopens_its_session_in_a_new_window(
    qtbot: Any, make_window: Any, page_of: Any, tmp_path: Path
) -> None:
    first = make_window()
    show_session_with_view(qtbot, first, page_of(first))
    path = tmp_path / "shared.geotweets-view.json"
    first.views.save_view_file('Storm "view" <b>not html</b>', path)
    assert json.loads(path.read_text(encoding="utf-8"))["name"] == 'Storm "view" <b>not html</b>'
    second = make_window()
    page = page_of(second)
    assert second.controller.session_id is None
    second.views.open_view_file(path)
    wait_for_view(qtbot, page, EXPECTED)
    assert second.controller.session_id == first.controller.session_id


def test_a_view_of_a_session_this_folder_lacks_changes_nothing(
    qtbot: Any, window: MainWindow, page: Any, tmp_path: Path
) -> None:
    show_session_with_view(qtbot, window, page)
    path = tmp_path / "from-elsewhere.json"
    window.views.save_view_file("Elsewhere", path)
    shared = json.loads(path.read_text(encoding="utf-8"))
    shared["session"]["started_at"] = "2024-02-03T04:05:06+00:00"
    path.write_text(json.dumps(shared), encoding="utf-8")
    with pytest.raises(ViewStateError, match=r"started 2024-02-03 04:05 UTC.* is not in "):
        window.views.open_view_file(path)
    assert same_view(read_view(qtbot, page), EXPECTED)


def test_export_what_i_see_writes_only_the_posts_the_brush_and_filters_keep(
    qtbot: Any, window: MainWindow, page: Any, tmp_path: Path
) -> None:
    session = show_session_with_view(qtbot, window, page)
    dialog = ExportDialog(
        window.store.path,
        window.store.sessions(),
        session.id,
        window,
        view=window.map_view.bridge.view_state,
    )
    assert dialog.only_kept.isEnabled()
    assert "a time range" in dialog.filters_note.text()
    dialog.only_kept.setChecked(True)
    out = tmp_path / "seen.csv"
    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        dialog.start(session.id, out)
    assert dialog.result_ is not None and dialog.result_.written == len(KEPT)
    lines = out.read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(line.split(",")[0] for line in lines) == sorted(made_up_post(i).id for i in KEPT)


@pytest.mark.slow
def test_geotweets_view_file_opens_the_session_it_names(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "data" / "sessions.db")
    try:
        session = stored_session(store)
        view = SavedView("From the command line", session_ref(session), ViewState(zoom=6))
    finally:
        store.close()
    path = tmp_path / "view.json"
    write_view_file(view, path)
    shot = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "geotweets_desktop", "--view", str(path), "--screenshot", str(shot)],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "GEOTWEETS_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"opened the view 'From the command line' of session {session.id}" in result.stderr
    assert shot.is_file()


def test_the_views_dialog_lists_a_sessions_views_as_text(
    qtbot: Any, window: MainWindow, page: Any
) -> None:
    session = show_session_with_view(qtbot, window, page)
    hostile = '<img src=x onerror="alert(1)"> Storm'
    window.views.save_view(hostile)
    window.views.save_view("Calm")
    views = window.store.views.of_session(session.id)
    dialog = ViewsDialog(f"session {session.id}", views, window)
    qtbot.addWidget(dialog)
    rows = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert [row.splitlines()[0] for row in rows] == [hostile, "Calm"]  # by name
    assert "zoom 9" in rows[0] and "a time range" in rows[0] and "languages: en, pt" in rows[0]
    dialog.list.setCurrentRow(1)
    dialog.delete_button.click()
    assert dialog.result() == ViewsDialog.DialogCode.Accepted
    assert (dialog.action, dialog.chosen) == (ViewsDialog.DELETE, views[1])
