"""The legend folds away as the lists do: folded in a small window until the
user chooses, then as they chose at any size and at the next start; the
demo's "Synthetic demo data" stays in sight folded; nothing on the map
overlaps or is cut off either way."""

from __future__ import annotations

import json
from typing import Any

import pytest
from page_layout import assert_nothing_overlaps_or_is_cut_off, layout, resize
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

pytestmark = pytest.mark.gui


def legend(page: Any) -> dict[str, Any]:
    """What the legend shows: its button, and whether its badge and terms are in sight."""
    return json.loads(
        page.eval("""JSON.stringify({
          button: document.querySelector('.gt-legend-fold').textContent,
          badge: document.querySelector('.gt-legend .gt-synthetic').offsetParent !== null,
          terms: Array.from(document.querySelectorAll('.gt-legend .gt-term-name'))
            .filter(function (n) { return n.offsetParent !== null; })
            .map(function (n) { return n.textContent; }),
        })""")
    )


def click_fold(window: Any, page: Any) -> None:
    """A click on the legend's fold button, with the mouse."""
    x, y = json.loads(
        page.eval("""(function () {
          const r = document.querySelector('.gt-legend-fold').getBoundingClientRect();
          return JSON.stringify([r.left + r.width / 2, r.top + r.height / 2]);
        })()""")
    )
    target = window.map_view.focusProxy() or window.map_view
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))


def test_a_small_window_starts_with_the_legend_folded_until_the_user_chooses(
    qtbot: Any, window: Any, page: Any
) -> None:
    resize(qtbot, window, page, 900, 600)
    assert window.start_demo(["rain", "sun"])
    qtbot.waitUntil(lambda: page.stats()["points"] >= 3, timeout=30_000)
    window.controller.stop()
    qtbot.waitUntil(lambda: layout(page)["legendFolded"], timeout=5_000)
    assert legend(page) == {"button": "▸ Legend", "badge": True, "terms": []}
    assert_nothing_overlaps_or_is_cut_off(layout(page))
    assert window.settings.folded("legend") is None, "folded by the size, not by the user"

    # Larger: shown, as nobody chose otherwise; small again: folded.
    resize(qtbot, window, page, 1280, 800)
    qtbot.waitUntil(lambda: not layout(page)["legendFolded"], timeout=5_000)
    assert legend(page) == {"button": "▾ Legend", "badge": True, "terms": ["rain", "sun"]}
    assert_nothing_overlaps_or_is_cut_off(layout(page))
    resize(qtbot, window, page, 900, 600)
    qtbot.waitUntil(lambda: layout(page)["legendFolded"], timeout=5_000)

    # The user unfolds it: that holds at 900 x 600, and is kept for the next start.
    click_fold(window, page)
    qtbot.waitUntil(lambda: window.settings.folded("legend") is False, timeout=5_000)
    page.eval("window.dispatchEvent(new Event('resize')); true")
    shown = layout(page)
    assert not shown["legendFolded"], "the user's choice wins over the size"
    assert legend(page)["terms"] == ["rain", "sun"]
    assert_nothing_overlaps_or_is_cut_off(shown)

    # Folded again: still the user's, and remembered as such.
    click_fold(window, page)
    qtbot.waitUntil(lambda: window.settings.folded("legend") is True, timeout=5_000)
    resize(qtbot, window, page, 1280, 800)
    assert layout(page)["legendFolded"], "folded by the user: folded however large"
    assert_nothing_overlaps_or_is_cut_off(layout(page))


def test_a_window_opens_with_the_legend_as_the_user_left_it(
    qtbot: Any, make_window: Any, page_of: Any
) -> None:
    first = make_window()
    first.settings.set_folded("legend", True)
    second = make_window()  # 1280 x 800: shown, had the user not folded it
    qtbot.waitUntil(lambda: layout(page_of(second))["legendFolded"], timeout=5_000)
    assert not layout(page_of(second))["folded"], "the lists keep a choice of their own"
