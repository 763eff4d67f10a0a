"""Fixtures for tests that need the real window and its QtWebEngine page."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Both must happen before pytest-qt creates the QApplication.
import PySide6.QtWebEngineWidgets  # noqa: F401  (initialises QtWebEngine's GL sharing)
import pytest

from geotweets_desktop.core.gazetteer_snapshot import read_or_build
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.paths import store_path
from geotweets_desktop.ui.main_window import MainWindow
from geotweets_desktop.ui.map.scheme import register_scheme
from geotweets_desktop.ui.settings import AppSettings

register_scheme()

# How long a map page may take to start, counted only while this process runs:
# a gap longer than STOOD_STILL_S between two looks (the machine or the process
# stood still: a paused virtual machine, a starved process) is not counted,
# as the page could not start during it either. Judged on the monotonic clock.
PAGE_TIMEOUT_S = 30.0
STOOD_STILL_S = 2.0


class Page:
    """Ask the map page questions through its own JavaScript."""

    def __init__(self, qtbot: Any, window: MainWindow) -> None:
        self._qtbot = qtbot
        self._window = window

    def eval(self, script: str) -> Any:
        box: dict[str, Any] = {}
        self._window.map_view.page().runJavaScript(script, 0, lambda r: box.setdefault("v", r))
        self._qtbot.waitUntil(lambda: "v" in box, timeout=10_000)
        return box["v"]

    def stats(self) -> dict[str, Any]:
        return json.loads(self.eval("JSON.stringify(GeoTweets.stats())"))

    def legend_counts(self) -> dict[str, str]:
        """The legend's count of each term, by the term's name as shown."""
        rows = json.loads(
            self.eval("""JSON.stringify(Array.from(document.querySelectorAll('.gt-legend .gt-term'))
              .map(function (r) { return [r.querySelector('.gt-term-name').textContent,
                                          r.querySelector('.gt-count').textContent]; }))""")
        )
        return dict(rows)

    def drawn_colours(self, x: float, y: float, reach: int = 14) -> set[str]:
        """The opaque colours the points layer drew in a square around a container pixel."""
        script = f"""(function () {{
          const canvas = document.querySelector('canvas.gt-points');
          const box = canvas.getBoundingClientRect();
          const data = canvas.getContext('2d').getImageData(
            {x} - box.left - {reach}, {y} - box.top - {reach}, {2 * reach}, {2 * reach}).data;
          const seen = new Set();
          for (let i = 0; i < data.length; i += 4) {{
            if (data[i + 3] < 250) continue;
            seen.add('#' + [data[i], data[i + 1], data[i + 2]]
              .map(function (v) {{ return v.toString(16).padStart(2, '0'); }}).join(''));
          }}
          return JSON.stringify(Array.from(seen));
        }})()"""
        return set(json.loads(self.eval(script)))


def wait_for_map(qtbot: Any, window: MainWindow) -> None:
    """Until the window's map page has reported ready; fails saying where its start is."""
    waited = 0.0
    last = time.monotonic()
    while not window.map_view.bridge.is_ready:
        if waited > PAGE_TIMEOUT_S:
            pytest.fail(
                f"the map did not start in {PAGE_TIMEOUT_S:.0f} s: "
                f"{window.map_view.start_watch.describe()}; "
                f"page errors: {window.map_view.map_page.js_errors}"
            )
        qtbot.wait(10)
        now = time.monotonic()
        if now - last < STOOD_STILL_S:
            waited += now - last
        last = now


@pytest.fixture(scope="session")
def gazetteer_snapshot(cache_dir: Path) -> None:
    """The gazetteer's snapshot, made once before the first window: a replay's
    own process reads it from there, and the first to build it on a loaded
    machine took longer than a test waits for its replay."""
    read_or_build(cache_dir)


@pytest.fixture
def make_window(qtbot: Any, gazetteer_snapshot: None) -> Iterator[Any]:
    """Open main windows on the test's data folder; checks for page errors at the end."""
    opened: list[tuple[MainWindow, SessionStore]] = []

    def make() -> MainWindow:
        store = SessionStore(store_path())
        window = MainWindow(store, AppSettings())
        window.resize(1280, 800)
        window.show()
        opened.append((window, store))
        wait_for_map(qtbot, window)
        return window

    yield make
    errors = []
    for window, store in opened:
        errors += window.map_view.map_page.js_errors
        window.close()
        window.deleteLater()
        store.close()
    qtbot.wait(50)
    assert errors == [], f"the map page logged errors: {errors}"


@pytest.fixture
def window(make_window: Any) -> MainWindow:
    return make_window()


@pytest.fixture
def page(qtbot: Any, window: MainWindow) -> Page:
    return Page(qtbot, window)


@pytest.fixture
def map_started(qtbot: Any) -> Any:
    """Wait until a window made by the test itself has its map started."""
    return lambda window: wait_for_map(qtbot, window)


@pytest.fixture
def page_of(qtbot: Any) -> Any:
    return lambda window: Page(qtbot, window)
