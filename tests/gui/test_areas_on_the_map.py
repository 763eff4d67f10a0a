"""Areas in the window: drawn, moved, resized and deleted with the mouse on the
map, typed as a place name, summed up before starting, and posts outside them
marked and hidden."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from geotweets_desktop.core.area.model import BoxArea, CircleArea, parse_around, parse_bbox
from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.ui.search_bar import SOURCE_X_SEARCH, SOURCE_X_STREAM

pytestmark = pytest.mark.gui


def pixel(page: Any, lat: float, lon: float) -> QPoint:
    x, y = json.loads(page.eval(f"JSON.stringify(GeoTweets.pixelOf({lat}, {lon}))"))
    return QPoint(round(x), round(y))


def drag(window: Any, start: QPoint, end: QPoint) -> None:
    """Press, move in a few steps, release: as a hand would."""
    target = window.map_view.focusProxy() or window.map_view
    QTest.mousePress(target, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 5):
        QTest.mouseMove(target, start + (end - start) * step / 4)
    QTest.mouseRelease(target, Qt.MouseButton.LeftButton, pos=end)


def click_button(qtbot: Any, page: Any, name: str) -> None:
    page.eval(f"document.querySelector('.gt-area-{name}').click(); true")


def page_areas(page: Any) -> list[dict[str, Any]]:
    return json.loads(page.eval("JSON.stringify(GeoTweets.areas())"))


def delete_button_shown(page: Any) -> bool:
    return bool(page.eval("document.querySelector('.gt-area-delete').offsetParent !== null"))


def delete_button_enabled(page: Any) -> bool:
    """The ✕ is enabled: an area is selected."""
    script = "document.querySelector('.gt-area-delete').classList.contains('leaflet-disabled')"
    return not page.eval(script)


def show_lisbon(page: Any, qtbot: Any) -> None:
    page.eval("GeoTweets.map.setView([38.72, -9.14], 9, {animate: false}); true")
    qtbot.wait(100)


def test_draw_move_resize_and_delete_areas_with_the_mouse(
    qtbot: Any, window: Any, page: Any
) -> None:
    show_lisbon(page, qtbot)
    assert not delete_button_shown(page), "no area: no ✕ to delete one"
    click_button(qtbot, page, "box")
    assert page.eval("GeoTweets.areaMode()") == "box"
    drag(window, pixel(page, 38.9, -9.4), pixel(page, 38.6, -9.0))
    qtbot.waitUntil(lambda: len(window.areas) == 1, timeout=5_000)
    (box,) = window.areas
    assert isinstance(box, BoxArea)
    assert box.west == pytest.approx(-9.4, abs=0.02) and box.north == pytest.approx(38.9, abs=0.02)
    assert box.east == pytest.approx(-9.0, abs=0.02) and box.south == pytest.approx(38.6, abs=0.02)
    qtbot.waitUntil(lambda: len(page_areas(page)) == 1, timeout=5_000)
    assert page.eval("GeoTweets.areaMode() === null")
    assert delete_button_shown(page)

    click_button(qtbot, page, "circle")
    drag(window, pixel(page, 38.7, -8.7), pixel(page, 38.7, -8.6))
    qtbot.waitUntil(lambda: len(window.areas) == 2, timeout=5_000)
    circle = window.areas[1]
    assert isinstance(circle, CircleArea)
    assert circle.radius_km == pytest.approx(8.7, rel=0.1)  # 0.1 degree of longitude at 38.7 N

    # Move the box: press inside it, drag it 0.1 degree east.
    drag(window, pixel(page, 38.75, -9.2), pixel(page, 38.75, -9.1))
    qtbot.waitUntil(lambda: window.areas[0] != box, timeout=5_000)
    moved = window.areas[0]
    assert isinstance(moved, BoxArea)
    assert moved.west == pytest.approx(box.west + 0.1, abs=0.02)
    assert moved.north - moved.south == pytest.approx(box.north - box.south, abs=1e-6)
    # Resize it by its north-east handle (the box is selected after the move).
    drag(window, pixel(page, moved.north, moved.east), pixel(page, 38.95, -8.9))
    qtbot.waitUntil(lambda: window.areas[0] != moved, timeout=5_000)
    resized = window.areas[0]
    assert isinstance(resized, BoxArea)
    assert resized.east == pytest.approx(-8.9, abs=0.02)
    assert resized.west == pytest.approx(moved.west, abs=1e-6)

    click_button(qtbot, page, "delete")
    qtbot.waitUntil(lambda: len(window.areas) == 1, timeout=5_000)
    assert isinstance(window.areas[0], CircleArea)
    qtbot.waitUntil(lambda: len(page_areas(page)) == 1, timeout=5_000)
    assert delete_button_shown(page)
    page.eval("GeoTweets.map.setView([38.7, -8.65], 9, {animate: false}); true")
    drag(window, pixel(page, 38.7, -8.64), pixel(page, 38.7, -8.64))  # a click selects it
    # The mouse reaches the page by another way than the script below: wait
    # until the ✕ is enabled, as a user sees, or it may be clicked first.
    qtbot.waitUntil(lambda: delete_button_enabled(page), timeout=5_000)
    click_button(qtbot, page, "delete")
    qtbot.waitUntil(lambda: window.areas == [], timeout=5_000)
    qtbot.waitUntil(lambda: not delete_button_shown(page), timeout=5_000)


def test_a_typed_place_becomes_an_area_and_a_wrong_one_says_why(
    qtbot: Any, window: Any, page: Any
) -> None:
    panel = window.area_panel
    panel.place_edit.setText("Narnia")
    panel.add_place()
    assert window.areas == []
    assert "does not know a place called 'Narnia'" in window.status.currentMessage()
    panel.place_edit.setText("Lisbon")
    panel.radius_spin.setValue(30)
    panel.tagged_check.setChecked(True)
    panel.add_place()
    (lisbon,) = window.areas
    assert isinstance(lisbon, CircleArea)
    assert (lisbon.place, lisbon.radius_km, lisbon.also_tagged) == ("Lisbon", 30.0, True)
    qtbot.waitUntil(lambda: page_areas(page) and page_areas(page)[0]["label"] == "Lisbon +30 km")


def test_before_starting_the_window_says_what_following_takes(window: Any) -> None:
    window.search.terms_edit.setText("")
    window.search.choose_source(SOURCE_X_STREAM)
    window.areas = [parse_bbox("-1.8,50.2,1.8,53.8")]
    summary = window.area_panel.summary_label.text()
    assert "Following 1 area: 2 stream rules holding" in summary
    assert "1,024 characters a rule, 1,000 rules for the account" in summary
    assert "up to 250 a second, each one billed" in summary
    window.search.choose_source(SOURCE_X_SEARCH)
    window.search.terms_edit.setText("flood")
    summary = window.area_panel.summary_label.text()
    assert "search queries holding" in summary and "512 characters a query" in summary
    assert "250 a second" not in summary


def made_up_post(n: int, lon: float, lat: float) -> Post:
    return Post(
        id=str(1862000000000000000 + n),
        created_at=datetime(2026, 11, 28, 16, 49, n, tzinfo=UTC),
        text=f"made-up post {n}",
        author_name="Made-up Person",
        author_handle="madeup",
        terms=("flood",),
        location=Location(lon=lon, lat=lat, kind="exact", radius_m=0.0),
        raw="{}",
    )


def test_posts_outside_the_areas_are_marked_and_can_be_hidden(
    qtbot: Any, window: Any, page: Any
) -> None:
    window.areas = [parse_around("-9.14,38.72,15")]
    store = window.store
    session = store.start_session("X filtered stream", ["flood"], False, window.areas)
    store.add_posts(session, [made_up_post(1, -9.15, 38.73), made_up_post(2, -8.0, 39.5)])
    window.controller.open_session(store.session(session))
    qtbot.waitUntil(lambda: page.stats()["points"] == 2, timeout=10_000)
    page.eval("GeoTweets.map.setView([39.1, -8.6], 8, {animate: false}); true")
    qtbot.wait(100)
    target = window.map_view.focusProxy() or window.map_view
    for n, lat, lon, marked in ((2, 39.5, -8.0, True), (1, 38.73, -9.15, False)):
        page.eval("GeoTweets.map.closePopup(); true")
        qtbot.waitUntil(lambda: not page.eval("!!document.querySelector('.gt-popup')"))
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=pixel(page, lat, lon))
        qtbot.waitUntil(lambda: page.eval("!!document.querySelector('.gt-popup')"), timeout=5_000)
        assert page.eval("document.querySelector('.gt-popup .gt-text').textContent") == (
            f"made-up post {n}"
        )
        assert page.eval("!!document.querySelector('.gt-popup .gt-outside')") is marked
    window.area_panel.hide_outside_check.setChecked(True)
    qtbot.waitUntil(lambda: page.stats()["points"] == 1, timeout=10_000)
    window.area_panel.hide_outside_check.setChecked(False)
    qtbot.waitUntil(lambda: page.stats()["points"] == 2, timeout=10_000)
