"""The heat map: what its legend says for a known set of posts, and the modes a user picks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from page_layout import assert_nothing_overlaps_or_is_cut_off, layout, resize
from PySide6.QtGui import QColor

from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.ui.self_check import FixedBatchSource

pytestmark = pytest.mark.gui

# Far apart, so at the world view each is a square of its own.
LISBON = (-9.14, 38.72)
NAIROBI = (36.82, -1.29)
TOKYO = (139.69, 35.69)
SAO_PAULO = (-46.63, -23.55)
LOWEST, HIGHEST = "#fed976", "#b10026"  # the heat ramp's two ends


class RecordedSource(FixedBatchSource):
    label = "Recorded posts"
    synthetic = False


def post(n: int, where: tuple[float, float], term: str, kind: str = "place") -> Post:
    return Post(
        id=str(1_900_000_000_000_000_000 + n),
        created_at=datetime(2026, 11, 28, 12, 0, n % 60, tzinfo=UTC),
        text=f"made-up post {n}",
        author_name="Someone",
        author_handle="someone",
        terms=(term,),
        location=Location(lon=where[0], lat=where[1], kind=kind, radius_m=1000, label=""),
        raw="{}",
        synthetic=False,
    )


def known_posts(rain: str = "rain", sun: str = "sun") -> list[Post]:
    """Squares of 2 (Lisbon: a post of each term), 3, 9 (5 + 4 of sun) and
    27 posts (São Paulo, 7 of them located by profile text)."""
    where = (
        [(LISBON, rain, "exact"), (LISBON, sun, "exact")]
        + [(NAIROBI, rain, "place")] * 3
        + [(TOKYO, rain, "place")] * 5
        + [(TOKYO, sun, "place")] * 4
        + [(SAO_PAULO, rain, "place")] * 20
        + [(SAO_PAULO, rain, "profile")] * 7
    )
    return [post(n, spot, term, kind) for n, (spot, term, kind) in enumerate(where)]


def show(qtbot: Any, window: Any, page: Any, posts: list[Post], terms: list[str]) -> None:
    window.controller.start(RecordedSource(posts, terms))
    qtbot.waitUntil(lambda: page.stats()["points"] == len(posts), timeout=10_000)
    page.eval("GeoTweets.map.setView([15, 40], 2, {animate: false}); true")


def click(page: Any, selector: str) -> None:
    page.eval(f"document.querySelector({json.dumps(selector)}).click(); true")


def choose(page: Any, selector: str, value: str) -> None:
    page.eval(
        f"(() => {{ const s = document.querySelector({json.dumps(selector)});"
        f" s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); return true; }})()"
    )


def heat_legend(page: Any) -> dict[str, Any]:
    """The legend's heat section as a user reads it."""
    return json.loads(
        page.eval("""JSON.stringify((() => {
          const box = document.querySelector('.gt-legend .gt-heat');
          const shown = !!box && box.style.display !== 'none';
          const rows = shown ? [...box.querySelectorAll('.gt-heat-range')] : [];
          const term = shown ? box.querySelector('.gt-heat-term-name') : null;
          const note = shown ? box.querySelector('.gt-heat-note') : null;
          return {
            shown: shown,
            rows: rows.map(n => n.textContent),
            term: term ? term.textContent : null,
            note: note ? note.textContent : null,
          };
        })())""")
    )


def colour_at(page: Any, lon: float, lat: float) -> str:
    """The colour the points layer drew at a place: its most opaque pixel
    within a few pixels (heat squares fade at their edges)."""
    script = f"""(function () {{
      const p = GeoTweets.pixelOf({lat}, {lon});
      const canvas = document.querySelector('canvas.gt-points');
      const box = canvas.getBoundingClientRect();
      const data = canvas.getContext('2d').getImageData(
        p[0] - box.left - 3, p[1] - box.top - 3, 7, 7).data;
      let best = 0;
      for (let i = 4; i < data.length; i += 4) if (data[i + 3] > data[best + 3]) best = i;
      return '#' + [data[best], data[best + 1], data[best + 2]]
        .map(v => v.toString(16).padStart(2, '0')).join('');
    }})()"""
    return str(page.eval(script))


def close_to(colour: str, target: str, tolerance: int = 24) -> bool:
    a, b = QColor(colour), QColor(target)
    return (
        abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tolerance
    )


def draw_mode(page: Any) -> str:
    return str(page.eval("GeoTweets.lastDraw().mode"))


def test_a_legend_taller_than_a_small_map_scrolls_short_of_the_scale(
    qtbot: Any, window: Any, page: Any
) -> None:
    resize(qtbot, window, page, 900, 600)
    show(qtbot, window, page, known_posts(), ["rain", "sun"])
    click(page, ".gt-legend-fold")  # folded in a window this small: the user unfolds it
    click(page, ".gt-mode-heat")
    qtbot.waitUntil(lambda: len(heat_legend(page)["rows"]) == 6, timeout=5_000)
    shown = layout(page)
    assert not shown["legendFolded"]
    assert_nothing_overlaps_or_is_cut_off(shown)


def test_the_heat_legend_gives_posts_per_square_on_a_log_or_quantile_scale(
    qtbot: Any, window: Any, page: Any
) -> None:
    show(qtbot, window, page, known_posts(), ["rain", "sun"])
    assert draw_mode(page) == "circles" and not heat_legend(page)["shown"]
    click(page, ".gt-mode-heat")
    qtbot.waitUntil(lambda: draw_mode(page) == "heat", timeout=5_000)
    legend = heat_legend(page)
    # Squares of 2, 3, 9 and 27 posts; six classes evenly spaced in log(count) up to 27.
    assert legend["rows"] == ["1\u20132", "3", "4\u20135", "6\u20139", "10\u201316", "17\u201327"]
    assert legend["term"] is None
    assert legend["note"].startswith("Squares of about ") and legend["note"].endswith("log scale")
    assert close_to(colour_at(page, *SAO_PAULO), HIGHEST)
    assert close_to(colour_at(page, *LISBON), LOWEST)

    choose(page, ".gt-heat-scale", "quantile")
    # Quantiles: as many squares in each class as the four counts allow.
    qtbot.waitUntil(lambda: heat_legend(page)["note"].endswith("quantiles"), timeout=5_000)
    assert heat_legend(page)["rows"] == ["1\u20132", "3", "4\u20139", "10\u201327"]
    assert close_to(colour_at(page, *SAO_PAULO), HIGHEST)
    assert close_to(colour_at(page, *LISBON), LOWEST)
    assert page.eval("GeoTweets.pointsLayer.heatScale()") == "quantile"

    click(page, ".gt-mode-points")
    qtbot.waitUntil(lambda: draw_mode(page) == "circles", timeout=5_000)
    assert not heat_legend(page)["shown"]


def test_one_terms_heat_counts_only_its_posts(qtbot: Any, window: Any, page: Any) -> None:
    show(qtbot, window, page, known_posts(), ["rain", "sun"])
    click(page, ".gt-mode-heat")
    choose(page, ".gt-heat-term", "1")
    qtbot.waitUntil(lambda: heat_legend(page)["term"] == "\u201csun\u201d only", timeout=5_000)
    # Sun: one post at Lisbon, four at Tokyo, none elsewhere.
    assert heat_legend(page)["rows"] == ["1", "2", "3", "4"]
    assert close_to(colour_at(page, *TOKYO), HIGHEST)
    assert colour_at(page, *SAO_PAULO) == "#000000", "São Paulo has no sun"
    choose(page, ".gt-heat-term", "")
    qtbot.waitUntil(lambda: heat_legend(page)["term"] is None, timeout=5_000)
    assert heat_legend(page)["rows"][-1] == "17\u201327"


def test_heat_leaves_out_what_the_filters_hide(qtbot: Any, window: Any, page: Any) -> None:
    show(qtbot, window, page, known_posts(), ["rain", "sun"])
    click(page, ".gt-mode-heat")
    qtbot.waitUntil(lambda: heat_legend(page)["rows"][-1:] == ["17\u201327"], timeout=5_000)
    # Switch off posts located by profile text in the legend: São Paulo keeps 20.
    page.eval(
        "(() => { const box = document.querySelector('.gt-kind-profile').closest('label');"
        " box.querySelector('input').click(); return true; })()"
    )
    qtbot.waitUntil(lambda: heat_legend(page)["rows"][-1:] == ["13\u201320"], timeout=5_000)
    assert heat_legend(page)["rows"] == [
        "1\u20132",
        "3",
        "4",
        "5\u20137",
        "8\u201312",
        "13\u201320",
    ]


def test_auto_draws_heat_zoomed_out_and_points_zoomed_in(
    qtbot: Any, window: Any, page: Any
) -> None:
    show(qtbot, window, page, known_posts(), ["rain", "sun"])
    click(page, ".gt-mode-auto")
    qtbot.waitUntil(lambda: draw_mode(page) == "heat", timeout=5_000)
    assert heat_legend(page)["shown"]
    assert page.eval("GeoTweets.pointsLayer.mode()") == "auto"
    lon, lat = TOKYO
    page.eval(f"GeoTweets.map.setView([{lat}, {lon}], 8, {{animate: false}}); true")
    qtbot.waitUntil(lambda: draw_mode(page) == "circles", timeout=5_000)
    assert not heat_legend(page)["shown"]
    page.eval("GeoTweets.map.setZoom(4, {animate: false}); true")
    qtbot.waitUntil(lambda: draw_mode(page) == "heat", timeout=5_000)
    assert heat_legend(page)["shown"]
    # The control shows the mode chosen, and the heat's options only with heat.
    assert page.eval("document.querySelector('.gt-mode-auto').classList.contains('gt-active')")
    click(page, ".gt-mode-points")
    qtbot.waitUntil(
        lambda: page.eval("document.querySelector('.gt-heat-options').style.display") == "none",
        timeout=5_000,
    )


def test_hostile_term_names_stay_text_in_the_heat_legend_and_its_control(
    qtbot: Any, window: Any, page: Any
) -> None:
    rain = "<img src=x onerror=window.__pwned=7>"
    sun = "</select><script>window.__pwned=8</script>"
    show(qtbot, window, page, known_posts(rain, sun), [rain, sun])
    click(page, ".gt-mode-heat")
    choose(page, ".gt-heat-term", "0")
    qtbot.waitUntil(lambda: heat_legend(page)["term"] == f"\u201c{rain}\u201d only", timeout=5_000)
    options = json.loads(
        page.eval(
            "JSON.stringify([...document.querySelectorAll('.gt-heat-term option')]"
            ".map(o => o.textContent))"
        )
    )
    assert options == ["All terms", rain, sun]
    assert (
        page.eval("document.querySelectorAll('.gt-legend img, .gt-mode-control img').length") == 0
    )
    assert page.eval("document.querySelectorAll('.gt-mode-control script').length") == 0
    assert page.eval("window.__pwned === undefined")


def test_heat_follows_the_brush(qtbot: Any, window: Any, page: Any) -> None:
    show(qtbot, window, page, known_posts(), ["rain", "sun"])
    click(page, ".gt-mode-heat")
    qtbot.waitUntil(lambda: heat_legend(page)["rows"][-1:] == ["17\u201327"], timeout=5_000)
    # The São Paulo posts are the last 27, posted from 12:00:14: brushing the
    # seconds before leaves squares of 2, 3 and 9 posts.
    start = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC).timestamp()
    page.eval(f"GeoTweets.pointsLayer.filter().setBrush([{start}, {start + 14}]); true")
    qtbot.waitUntil(lambda: heat_legend(page)["rows"][-1:] == ["7\u20139"], timeout=5_000)
    assert heat_legend(page)["rows"] == ["1", "2", "3", "4", "5\u20136", "7\u20139"]
    assert colour_at(page, *SAO_PAULO) == "#000000", "São Paulo's posts are outside the brush"
    page.eval("GeoTweets.pointsLayer.filter().clear('brush'); true")
    qtbot.waitUntil(lambda: heat_legend(page)["rows"][-1:] == ["17\u201327"], timeout=5_000)


def test_a_fixed_scale_keeps_the_heat_classes_while_the_brush_moves(
    qtbot: Any, window: Any, page: Any
) -> None:
    show(qtbot, window, page, known_posts(), ["rain", "sun"])
    click(page, ".gt-mode-heat")
    qtbot.waitUntil(lambda: heat_legend(page)["rows"][-1:] == ["17\u201327"], timeout=5_000)
    # Playback asks for fixed colours so its frames compare.
    page.eval("GeoTweets.pointsLayer.setScaleFixed(true); true")
    start = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC).timestamp()
    page.eval(f"GeoTweets.pointsLayer.filter().setBrush([{start}, {start + 14}]); true")
    qtbot.waitUntil(lambda: heat_legend(page)["rows"][-1:] == ["17 or more"], timeout=5_000)
    assert heat_legend(page)["rows"][:-1] == ["1\u20132", "3", "4\u20135", "6\u20139", "10\u201316"]
    page.eval("GeoTweets.pointsLayer.setScaleFixed(false).redraw(); true")
    qtbot.waitUntil(lambda: heat_legend(page)["rows"][-1:] == ["7\u20139"], timeout=5_000)
