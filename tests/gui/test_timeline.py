"""The timeline under the map: its bins, the brush that filters the map and legend, playback."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from geotweets_desktop.core.palette import TERM_COLORS
from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.time_bins import BIN_LADDER_S, bin_range, step_label
from geotweets_desktop.sources.base import Sink, StatusEvent
from geotweets_desktop.ui.self_check import FixedBatchSource

pytestmark = pytest.mark.gui

NOON = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LISBON = (-9.14, 38.72)
NAIROBI = (36.82, -1.29)


def post(n: int, term: str, at: datetime | None, where: tuple[float, float]) -> Post:
    return Post(
        id=str(1_900_000_000_000_000_000 + n),
        created_at=at,
        text=f"made-up post {n} about {term}",
        author_name="Imaginary Person",
        author_handle="imaginary_person",
        terms=(term,),
        location=Location(lon=where[0], lat=where[1], kind="exact", radius_m=0),
        raw="{}",
    )


def an_hour_of_posts() -> list[Post]:
    """Rain in Lisbon once a minute from 12:00 to 12:29, sun in Nairobi from
    12:30 to 12:59, and one rain post that carries no time."""
    rain = [post(k, "rain", NOON + timedelta(minutes=k), LISBON) for k in range(30)]
    sun = [post(30 + k, "sun", NOON + timedelta(minutes=30 + k), NAIROBI) for k in range(30)]
    return [*rain, *sun, post(99, "rain", None, LISBON)]


def unix(at: datetime) -> float:
    return at.timestamp()


def brush_of(page: Any) -> list[float] | None:
    brush: list[float] | None = json.loads(page.eval("JSON.stringify(GeoTweets.brush())"))
    return brush


def compare_rows(page: Any) -> list[list[str]]:
    return json.loads(
        page.eval("""JSON.stringify(
          Array.from(document.querySelectorAll('.gt-tl-compare .gt-tl-row')).map(function (r) {
            return Array.from(r.children).map(function (c) { return c.textContent; })
              .filter(function (t) { return t !== ''; });
          }))""")
    )


def drawn_colours_near(page: Any, lon: float, lat: float) -> set[str]:
    """The colours the points layer drew around a place on the map."""
    x, y = json.loads(page.eval(f"JSON.stringify(GeoTweets.pixelOf({lat}, {lon}))"))
    drawn: set[str] = page.drawn_colours(x, y, reach=12)
    return drawn


def show(qtbot: Any, window: Any, page: Any, posts: list[Post], terms: list[str]) -> None:
    window.controller.start(FixedBatchSource(posts, terms))
    qtbot.waitUntil(lambda: page.stats()["points"] == len(posts), timeout=10_000)


def drag_on_timeline(window: Any, page: Any, t0: float, t1: float) -> None:
    """Press at time t0 on the timeline, move to t1 and let go, as a user does."""
    x0, y = json.loads(page.eval(f"JSON.stringify(GeoTweets.timelinePixel({t0}))"))
    x1, _ = json.loads(page.eval(f"JSON.stringify(GeoTweets.timelinePixel({t1}))"))
    target = window.map_view.focusProxy() or window.map_view
    QTest.mousePress(target, Qt.MouseButton.LeftButton, pos=QPoint(round(x0), round(y)))
    for step in range(1, 6):
        QTest.mouseMove(target, QPoint(round(x0 + (x1 - x0) * step / 5), round(y)))
    QTest.mouseRelease(target, Qt.MouseButton.LeftButton, pos=QPoint(round(x1), round(y)))


def test_the_timeline_counts_each_terms_posts_per_bin(qtbot: Any, window: Any, page: Any) -> None:
    show(qtbot, window, page, an_hour_of_posts(), ["rain", "sun"])
    # 12:00 to 12:59 is 3,540 s: 15 s bins are the finest that keep to 300 bins.
    qtbot.waitUntil(lambda: page.eval("GeoTweets.timelineBins().step") == 15, timeout=5_000)
    bins = json.loads(page.eval("JSON.stringify(GeoTweets.timelineBins())"))
    assert bins["start"] == unix(NOON)
    everything, rain, sun = bins["counts"]
    assert len(everything) == 237
    # One post a minute, every fourth bin; the post without a time has no bin.
    assert [i for i, n in enumerate(everything) if n] == list(range(0, 237, 4))
    assert sum(rain) == 30 and sum(sun) == 30
    assert rain[:120:4] == [1] * 30 and sun[:120] == [0] * 120
    assert page.eval("document.querySelector('.gt-tl-bins').textContent") == "bins of 15 s · UTC"
    # Beside it: posts a minute over the session's 59 minutes and each term's share.
    assert compare_rows(page) == [
        ["Whole session", "/min", "share"],
        ["rain", "0.53", "51%"],
        ["sun", "0.51", "49%"],
        ["All shown", "1.0", "100%"],
    ]
    assert overlap_note(page) == "", "no post matches both: the shares add up to 100 %"


def overlap_note(page: Any) -> str:
    return str(page.eval("document.querySelector('.gt-tl-overlap').textContent"))


def test_shares_of_posts_matching_several_terms_say_they_overlap(
    qtbot: Any, window: Any, page: Any
) -> None:
    # Three posts: all say rain, two say sun too.
    posts = [post(k, "rain", NOON + timedelta(minutes=k), LISBON) for k in range(3)]
    posts[1:] = [replace(p, terms=("rain", "sun")) for p in posts[1:]]
    show(qtbot, window, page, posts, ["rain", "sun"])
    qtbot.waitUntil(lambda: compare_rows(page)[1][-1] == "100%", timeout=5_000)
    assert [row[-1] for row in compare_rows(page)] == ["share", "100%", "67%", "100%"]
    assert overlap_note(page) == "Posts can match several terms"
    title = page.eval("document.querySelector('.gt-tl-head .gt-tl-share').title")
    assert "can add up to more than 100 %" in title
    # With sun switched off, what is shown overlaps no more.
    page.eval("GeoTweets.pointsLayer.filter().setTermOn(1, false); true")
    qtbot.waitUntil(lambda: overlap_note(page) == "", timeout=5_000)


def test_the_page_bins_and_names_steps_as_core_time_bins_does(
    qtbot: Any, window: Any, page: Any
) -> None:
    # (The step chosen for any span: test_time_bins_agree.py.)
    labels = json.loads(
        page.eval(f"""JSON.stringify({json.dumps(list(BIN_LADDER_S))}.map(function (step) {{
          return GeoTweetsTimeBins.stepLabel(step);
        }}))""")
    )
    assert labels == [step_label(step) for step in BIN_LADDER_S]
    posts = an_hour_of_posts()
    show(qtbot, window, page, posts, ["rain", "sun"])
    qtbot.waitUntil(lambda: page.eval("GeoTweets.timelineBins().step") > 0, timeout=5_000)
    bins = json.loads(page.eval("JSON.stringify(GeoTweets.timelineBins())"))
    times = [p.created_at.timestamp() for p in posts if p.created_at]
    start, step, count = bin_range(min(times), max(times))
    assert (bins["start"], bins["step"], len(bins["counts"][0])) == (start, step, count)
    assert bins["counts"][0] == [
        sum(1 for t in times if start + b * step <= t < start + (b + 1) * step)
        for b in range(count)
    ]


def test_a_brush_filters_the_map_and_the_legend_and_escape_clears_it(
    qtbot: Any, window: Any, page: Any
) -> None:
    show(qtbot, window, page, an_hour_of_posts(), ["rain", "sun"])
    qtbot.waitUntil(lambda: page.eval("GeoTweets.timelineBins().step") == 15, timeout=5_000)
    assert page.legend_counts() == {"rain": "31", "sun": "30", "No term": "0"}

    # From 12:20:30 back past the chart's start (12:00): the first 21 rain posts, no sun.
    drag_on_timeline(window, page, unix(NOON) + 20 * 60 + 30, unix(NOON) - 60)
    qtbot.waitUntil(lambda: page.stats()["shown"] == 21, timeout=5_000)
    assert page.legend_counts()["rain"] == "21" and page.legend_counts()["sun"] == "0"
    brush = brush_of(page)
    assert brush[0] == unix(NOON) and abs(brush[1] - (unix(NOON) + 1230)) < 10
    assert page.eval("document.querySelector('.gt-tl-brush-label').textContent").startswith(
        "2026-11-28 12:00:00 UTC \u2013 2026-11-28 12:20"
    )
    qtbot.waitUntil(
        lambda: not drawn_colours_near(page, *NAIROBI) & {TERM_COLORS[1]}, timeout=5_000
    )
    assert TERM_COLORS[0] in drawn_colours_near(page, *LISBON)
    assert compare_rows(page)[0][0] == "In the brush"

    target = window.map_view.focusProxy() or window.map_view
    QTest.keyClick(target, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.stats()["shown"] == 61, timeout=5_000)
    assert brush_of(page) is None
    assert page.legend_counts() == {"rain": "31", "sun": "30", "No term": "0"}
    assert page.eval("document.querySelector('.gt-tl-brush-label').textContent") == ""
    qtbot.waitUntil(lambda: TERM_COLORS[1] in drawn_colours_near(page, *NAIROBI), timeout=5_000)

    # A click on the timeline clears a brush too.
    drag_on_timeline(window, page, unix(NOON) + 1800, unix(NOON) + 2400)
    qtbot.waitUntil(lambda: page.legend_counts()["rain"] == "0", timeout=5_000)
    x, y = json.loads(page.eval(f"JSON.stringify(GeoTweets.timelinePixel({unix(NOON) + 600}))"))
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))
    qtbot.waitUntil(lambda: brush_of(page) is None, timeout=5_000)


def test_a_brush_moved_step_by_step_passes_exactly_the_posts_in_its_range(
    qtbot: Any, window: Any, page: Any
) -> None:
    show(qtbot, window, page, an_hour_of_posts(), ["rain", "sun"])
    # Windows that overlap, jump apart, shrink and grow: after each, what the
    # filter passes and counts is what the posts' times say.
    checked = json.loads(
        page.eval(f"""(function () {{
      const layer = GeoTweets.pointsLayer, filter = layer.filter(), store = layer.points();
      const noon = {unix(NOON)};
      const windows = [[0, 600], [300, 900], [2000, 2600], [2100, 2200], [0, 3600],
                       [1790, 1810], [3500, 4000], [-100, 30]];
      const out = [];
      for (const [a, b] of windows) {{
        filter.setBrush([noon + a, noon + b]);
        const mask = filter.mask();
        let wrong = 0, inside = 0;
        for (let i = 0; i < store.count; i++) {{
          const t = store.time[i];
          const want = t >= noon + a && t < noon + b ? 1 : 0;
          inside += want;
          if (mask[i] !== want) wrong += 1;
        }}
        const cells = filter.cellCounts();
        let cellTotal = 0;
        for (let n = 0; n < store.cellCount; n++) cellTotal += cells[store.cells[n]];
        const terms = filter.termCounts();
        out.push([wrong, inside, filter.passingCount(), cellTotal, terms[0] + terms[1]]);
      }}
      return JSON.stringify(out);
    }})()""")
    )
    for wrong, inside, passing, cell_total, term_total in checked:
        assert wrong == 0 and passing == inside == cell_total == term_total


def test_the_legends_kind_switch_hides_points_through_the_filter(
    qtbot: Any, window: Any, page: Any
) -> None:
    show(qtbot, window, page, an_hour_of_posts(), ["rain", "sun"])
    page.eval("document.querySelector('.gt-kind input').click(); true")  # exact points off
    qtbot.waitUntil(lambda: page.stats()["shown"] == 0, timeout=5_000)
    assert page.eval("GeoTweets.pointsLayer.filter().chips()[0].label") == (
        "Hidden: located by Exact point"
    )
    # The switch's own row still counts what it would bring back; the terms count what shows.
    assert page.eval("document.querySelector('.gt-kind .gt-count').textContent") == "61"
    assert page.legend_counts()["rain"] == "0"
    assert sum(json.loads(page.eval("JSON.stringify(GeoTweets.timelineBins().counts[0])"))) == 0
    page.eval("document.querySelector('.gt-kind input').click(); true")
    qtbot.waitUntil(lambda: page.stats()["shown"] == 61, timeout=5_000)


def test_playback_moves_the_window_through_the_posts_time(
    qtbot: Any, window: Any, page: Any
) -> None:
    show(qtbot, window, page, an_hour_of_posts(), ["rain", "sun"])
    qtbot.waitUntil(lambda: page.eval("GeoTweets.timelineBins().step") == 15, timeout=5_000)
    # A 10-minute window at the start, played at 10 minutes of posts a second.
    drag_on_timeline(window, page, unix(NOON), unix(NOON) + 600)

    # The drag's last move is set on the frame after it (pixels are ~4 s apart).
    def dragged() -> bool:
        brush = brush_of(page)
        return (
            brush is not None
            and abs(brush[0] - unix(NOON)) < 10
            and abs(brush[1] - unix(NOON) - 600) < 10
        )

    qtbot.waitUntil(dragged, timeout=5_000)
    page.eval("""(function () { const s = document.querySelector('.gt-tl-speed');
      s.value = '600'; s.dispatchEvent(new Event('change')); return true; })()""")
    start = brush_of(page)
    page.eval("document.querySelector('.gt-tl-play').click(); true")
    assert page.eval("document.querySelector('.gt-tl-play').textContent") == "❚❚"
    qtbot.waitUntil(lambda: brush_of(page)[0] > start[0] + 60, timeout=10_000)
    width = page.eval("GeoTweets.brush()[1] - GeoTweets.brush()[0]")
    assert abs(width - (start[1] - start[0])) < 1e-6, "a sliding window keeps its width"
    # It stops once past the last post, showing the last ten minutes: sun only.
    qtbot.waitUntil(
        lambda: page.eval("document.querySelector('.gt-tl-play').textContent") == "▶",
        timeout=20_000,
    )
    assert brush_of(page)[1] > unix(NOON) + 59 * 60
    assert page.legend_counts()["rain"] == "0" and int(page.legend_counts()["sun"]) >= 9
    assert page.eval("GeoTweets.playback().frames") > 3

    # Step moves the window one bin (15 s) on.
    drag_on_timeline(window, page, unix(NOON), unix(NOON) + 600)
    qtbot.waitUntil(dragged, timeout=5_000)
    before = brush_of(page)
    page.eval("document.querySelector('.gt-tl-step').click(); true")
    assert brush_of(page) == [before[0] + 15, before[1] + 15]


class TwoBatches:
    """Sends a minute of posts, then (when told) posts two hours later: a live session growing."""

    label = "Two batches (synthetic)"
    synthetic = True

    def __init__(self, first: list[Post], second: list[Post]) -> None:
        self.terms = ["rain"]
        self._batches = (first, second)
        self.go_on = threading.Event()
        self._stop = threading.Event()

    def run(self, sink: Sink) -> None:
        sink.status(StatusEvent("live", "two batches"))
        sink.posts(self._batches[0])
        self.go_on.wait()
        sink.posts(self._batches[1])
        self._stop.wait()

    def stop(self) -> None:
        self.go_on.set()
        self._stop.set()


def test_a_growing_session_is_binned_again_and_follow_live_keeps_the_newest(
    qtbot: Any, window: Any, page: Any
) -> None:
    first = [post(k, "rain", NOON + timedelta(seconds=k), LISBON) for k in range(60)]
    later = [post(100 + k, "rain", NOON + timedelta(hours=2, seconds=k), LISBON) for k in range(5)]
    source = TwoBatches(first, later)
    window.controller.start(source)
    qtbot.waitUntil(lambda: page.stats()["points"] == 60, timeout=10_000)
    qtbot.waitUntil(lambda: page.eval("GeoTweets.timelineBins().step") == 1, timeout=5_000)
    page.eval("document.querySelector('.gt-tl-follow input').click(); true")
    qtbot.waitUntil(lambda: brush_of(page) is not None, timeout=5_000)
    assert brush_of(page)[1] > unix(NOON) + 59
    source.go_on.set()
    qtbot.waitUntil(lambda: page.stats()["points"] == 65, timeout=10_000)
    # Two hours and four seconds: 30 s bins (15 s would need 482).
    qtbot.waitUntil(lambda: page.eval("GeoTweets.timelineBins().step") == 30, timeout=5_000)
    bins = json.loads(page.eval("JSON.stringify(GeoTweets.timelineBins())"))
    assert sum(bins["counts"][0]) == 65 and bins["counts"][0][0] == 30
    # Following live, the window moved to the newest posts.
    qtbot.waitUntil(lambda: brush_of(page)[0] > unix(NOON) + 3600, timeout=5_000)
    assert page.stats()["shown"] == 5


def test_a_reopened_session_shows_its_timeline_at_once(qtbot: Any, window: Any, page: Any) -> None:
    store = window.store
    session_id = store.start_session("Replay: made-up.jsonl", ["rain", "sun"], synthetic=False)
    store.add_posts(session_id, an_hour_of_posts())
    store.end_session(session_id)
    window.controller.open_session(store.session(session_id))
    qtbot.waitUntil(lambda: page.stats()["points"] == 61, timeout=10_000)
    qtbot.waitUntil(
        lambda: (
            sum(json.loads(page.eval("JSON.stringify(GeoTweets.timelineBins().counts[0])"))) == 60
        ),
        timeout=5_000,
    )


def test_hostile_terms_stay_text_beside_the_timeline(qtbot: Any, window: Any, page: Any) -> None:
    term = "<img src=x onerror=window.__pwned=6>"
    show(qtbot, window, page, [post(1, term, NOON, LISBON)], [term])
    qtbot.waitUntil(lambda: len(compare_rows(page)) == 3, timeout=5_000)
    assert compare_rows(page)[1][0] == term
    assert page.eval("document.querySelectorAll('.gt-timeline img').length") == 0
    assert page.eval("window.__pwned === undefined")


def test_the_timeline_can_be_hidden(qtbot: Any, window: Any, page: Any) -> None:
    map_height = page.eval("GeoTweets.map.getSize().y")
    page.eval("document.querySelector('.gt-tl-hide').click(); true")
    qtbot.waitUntil(lambda: page.eval("GeoTweets.map.getSize().y") > map_height + 60, timeout=5_000)
    assert page.eval("document.querySelector('.gt-tl-hide').textContent") == "▸ Timeline"
    page.eval("document.querySelector('.gt-tl-hide').click(); true")
    qtbot.waitUntil(lambda: page.eval("GeoTweets.map.getSize().y") == map_height, timeout=5_000)
