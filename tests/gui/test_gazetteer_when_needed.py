"""The gazetteer (about 100 MB) is read only when posts need locating: a
reopened session, an export from the store and a saved view never read it,
and a replay (paced, in the window's process, or as fast as possible, in
its own) still locates posts by their authors' profile text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from archive_samples import v2_line, write_lines
from helpers import run_probe

from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.paths import store_path

pytestmark = pytest.mark.gui

POSTS = 40

# Run in a process of its own: this one's gazetteer may have been read by
# another test. Reopens session 1 in the window, waits (bounded) until every
# point is drawn, then saves a view of it and exports the session as the
# window does, and says whether the gazetteer was read by then.
PROBE = """
import json, sys, time
import PySide6.QtWebEngineWidgets
from pathlib import Path
from geotweets_desktop.core.export import export_session
from geotweets_desktop.core.gazetteer import gazetteer_loaded
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.paths import store_path
from geotweets_desktop.ui.app import create_application, dispose
from geotweets_desktop.ui.main_window import MainWindow
from geotweets_desktop.ui.settings import AppSettings

app = create_application()
store = SessionStore(store_path())
window = MainWindow(store, AppSettings())
window.show()
answer = {}

def until(condition):
    end = time.monotonic() + 60
    while not condition() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)

def points():
    window.map_view.page().runJavaScript(
        "GeoTweets.loadState().points", 0, lambda n: answer.__setitem__("points", n))
    until(lambda: "points" in answer)
    return answer.pop("points")

until(lambda: window.map_view.bridge.is_ready)
window.open_session(store.session(1))
until(lambda: points() == int(sys.argv[1]))
drawn = points()
until(lambda: window.map_view.bridge.view_state is not None)
window.views.save_view("probe")
export_session(store, 1, Path(sys.argv[2]))
print(json.dumps({"drawn": drawn, "gazetteer": gazetteer_loaded()}))
window.close()
dispose(window)
store.close()
"""


def store_posts(count: int) -> None:
    store = SessionStore(store_path())
    session_id = store.start_session("Replay: made-up.jsonl", ["rain"], synthetic=False)
    posts = [
        Post(
            id=str(1_866_000_000_000_000_000 + i),
            created_at=None,
            text=f"made-up post {i} about rain",
            author_name="Zq Made Up",
            author_handle="zq_made_up",
            terms=("rain",),
            location=Location(-9.1 + i * 0.01, 38.7, "exact", 10.0, "Lisboa"),
            raw="{}",
        )
        for i in range(count)
    ]
    store.add_posts(session_id, posts)
    store.end_session(session_id)
    store.close()


def test_a_reopen_a_view_and_an_export_do_not_read_the_gazetteer(tmp_path: Path) -> None:
    store_posts(POSTS)
    out = tmp_path / "export.geojson"
    answer = run_probe(PROBE, str(POSTS), str(out))
    assert answer == {"drawn": POSTS, "gazetteer": False}
    assert len(json.loads(out.read_text())["features"]) == POSTS


@pytest.mark.parametrize("speed", [None, 1000.0], ids=["max", "paced"])
def test_a_replay_still_locates_posts_by_profile_text(
    qtbot: Any, window: Any, page: Any, tmp_path: Path, speed: float | None
) -> None:
    lines = [
        v2_line(f"1900000000000{i:06d}", f"rain report {i}", profile="Lisbon, Portugal")
        for i in range(12)
    ]
    archive = write_lines(tmp_path / "profiles.jsonl", lines)
    with qtbot.waitSignal(window.controller.sourceFinished, timeout=60_000):
        window.start_replay(archive, ["rain"], speed)
    qtbot.waitUntil(lambda: page.stats()["points"] == 12, timeout=20_000)
    session = window.store.session(window.controller.session_id)
    assert session is not None and session.located == 12
    assert window.store.located_by_kind(session.id) == {"profile": 12}
