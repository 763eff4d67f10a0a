"""The fast path stays correct: 200,000 points, their counts, and a click that finds one."""

from __future__ import annotations

import json
import random
import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.paths import store_path

pytestmark = [pytest.mark.gui, pytest.mark.slow]

N = 200_000
LONELY = (-140.0, -50.0)  # South Pacific: nothing else within hundreds of km


def make_big_session() -> tuple[int, dict[str, int]]:
    store = SessionStore(store_path())
    session_id = store.start_session("Test (synthetic)", ["rain", "sun", "fog"], synthetic=True)
    store.end_session(session_id)
    store.close()
    rng = random.Random(5)
    counts = {"rain": 0, "sun": 0, "fog": 0}
    rows = []
    for i in range(N - 1):
        term = ("rain", "sun", "fog")[i % 3]
        counts[term] += 1
        # Land-ish band over Eurasia and the Americas, far from LONELY.
        lon = rng.uniform(-120, 140)
        lat = rng.uniform(-30, 65)
        rows.append((session_id, str(i), json.dumps([term]), lon, lat, "place", f"post {i}"))
    counts["fog"] += 1
    rows.append(
        (
            session_id,
            "lonely",
            json.dumps(["fog"]),
            *LONELY,
            "exact",
            "the lonely post in the South Pacific",
        )
    )
    db = sqlite3.connect(store_path())
    with db:
        db.executemany(
            "INSERT INTO posts (session_id, post_id, created_at, received_at, author_name,"
            " author_handle, text, lang, terms, lon, lat, kind, radius_m, place_label, raw)"
            " VALUES (?, ?, '2026-11-28T12:00:00+00:00', 0, 'Test', 'test', ?7, 'und', ?3,"
            " ?4, ?5, ?6, 0, '', '{}')",
            rows,
        )
    db.close()
    return session_id, counts


def test_200k_points_are_counted_drawn_and_hit_tested(qtbot: Any, window: Any, page: Any) -> None:
    session_id, counts = make_big_session()
    session = window.store.session(session_id)
    window.controller.open_session(session)
    qtbot.waitUntil(lambda: page.stats()["points"] == N, timeout=60_000)
    stats = page.stats()
    assert stats["termCounts"] == counts
    assert stats["kindCounts"] == {"exact": 1, "place": N - 1, "profile": 0}

    # Zoomed out with this many points the page draws density, not points.
    page.eval("GeoTweets.map.setView([20, 0], 2, {animate: false}); true")
    qtbot.waitUntil(lambda: page.eval("GeoTweets.lastDraw().mode") == "density", timeout=20_000)

    # Zoomed in on the lonely post: a real click at its pixel finds it, through the grid.
    page.eval(f"GeoTweets.map.setView([{LONELY[1]}, {LONELY[0]}], 8, {{animate: false}}); true")
    index = N - 1
    x, y = json.loads(page.eval(f"JSON.stringify(GeoTweets.pointPixel({index}))"))
    assert 0 < x < 1280 and 0 < y < 800
    target = window.map_view.focusProxy() or window.map_view
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(round(x) + 2, round(y) - 2))
    qtbot.waitUntil(lambda: page.eval("!!document.querySelector('.gt-popup')"), timeout=20_000)
    text = page.eval("document.querySelector('.gt-popup .gt-text').textContent")
    assert text == "the lonely post in the South Pacific"
    # A click on empty sea opens nothing.
    page.eval("GeoTweets.map.closePopup(); true")
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(round(x) + 200, round(y)))
    qtbot.wait(300)
    assert not page.eval("!!document.querySelector('.gt-popup')")
