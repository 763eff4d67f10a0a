"""Live X posts in the window, through real tweepy against the loopback fake."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from fake_x import DEFAULT_TOKEN, FakeX, malformed_line, payloads
from keyring.backends import fail

from geotweets_desktop.core.area.model import parse_around
from geotweets_desktop.core.usage import UsageLimits
from geotweets_desktop.ui.search_bar import SOURCE_X_STREAM

pytestmark = pytest.mark.gui


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeX]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # the token comes from the environment here
    with FakeX(keepalive_interval=0.2) as server:
        monkeypatch.setenv("GEOTWEETS_X_API_URL", server.base_url)
        monkeypatch.setenv("X_BEARER_TOKEN", DEFAULT_TOKEN)
        yield server
    keyring.set_keyring(previous)


def start_x(window: Any, terms: str) -> None:
    window.search.choose_source(SOURCE_X_STREAM)
    window.search.terms_edit.setText(terms)
    assert window.start_search()


def test_live_posts_reach_the_store_and_the_map(
    qtbot: Any, fake: FakeX, window: Any, page: Any
) -> None:
    start_x(window, "rain, sun")
    qtbot.waitUntil(
        lambda: window.controller.state.state == "live" and fake.open_streams == 1, timeout=10_000
    )
    assert "live" in window.status.state_label.text()
    assert "X_BEARER_TOKEN environment variable" in window.status.source_label.toolTip()
    assert window.status.source_label.text() == "X filtered stream"
    fake.push(
        payloads.point_post(-74.006, 40.7128, text="rain in New York"), matches="rain has:geo"
    )
    fake.push(payloads.place_post(text="sun in Nairobi"), matches="sun has:geo")
    fake.push(payloads.bare_post(text="rain, no idea where"), matches="rain has:geo")
    qtbot.waitUntil(lambda: page.stats()["points"] == 2, timeout=10_000)
    stats = page.stats()
    assert stats["termCounts"] == {"rain": 1, "sun": 1}
    assert stats["kindCounts"] == {"exact": 1, "place": 1, "profile": 0}
    session = window.store.session(window.controller.session_id)
    assert (session.received, session.located) == (3, 2)
    [point] = [p for p in window.store.points(session.id) for p in p if p.kind == "exact"]
    assert (point.lon, point.lat) == (-74.006, 40.7128)
    assert not window.controller.synthetic
    assert "3 posts this session" in window.status.usage_label.text()
    assert window.status.usage_label.isVisible()


def test_a_rejected_token_shows_in_the_status_bar(qtbot: Any, fake: FakeX, window: Any) -> None:
    fake.fail_next_connection(401)
    start_x(window, "rain")
    qtbot.waitUntil(lambda: window.controller.state.state == "error", timeout=10_000)
    assert "rejected the token" in window.status.state_label.text()


def test_trouble_and_recovery_show_in_the_status_bar(
    qtbot: Any, fake: FakeX, window: Any, page: Any
) -> None:
    from fake_x import KeepAlive, OperationalDisconnect

    fake.script_next_connection(KeepAlive(), OperationalDisconnect())
    start_x(window, "rain")
    seen: list[str] = []
    window.controller.statusChanged.connect(lambda e: seen.append(f"{e.state}: {e.message}"))
    qtbot.waitUntil(lambda: any("operational disconnect" in s for s in seen), timeout=10_000)
    qtbot.waitUntil(
        lambda: window.controller.state.state == "live" and fake.open_streams == 1, timeout=10_000
    )
    fake.push(payloads.point_post(text="rain after"), matches="rain has:geo")
    qtbot.waitUntil(lambda: page.stats()["points"] == 1, timeout=10_000)


def test_a_usage_limit_stops_the_stream_and_says_why(qtbot: Any, fake: FakeX, window: Any) -> None:
    window.settings.usage_limits = UsageLimits(max_posts=2)
    start_x(window, "rain")
    qtbot.waitUntil(lambda: fake.open_streams == 1, timeout=10_000)
    for i in range(3):
        fake.push(payloads.point_post(text=f"rain {i}"), matches="rain has:geo")
    qtbot.waitUntil(lambda: not window.controller.running, timeout=10_000)
    assert "limit reached: 2 posts" in window.status.state_label.text()
    qtbot.waitUntil(lambda: fake.open_streams == 0, timeout=20_000)


def test_the_token_never_reaches_logs_settings_or_the_store(
    qtbot: Any,
    fake: FakeX,
    window: Any,
    page: Any,
    caplog: pytest.LogCaptureFixture,
    data_dir: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    start_x(window, "rain")
    qtbot.waitUntil(lambda: fake.open_streams == 1, timeout=10_000)
    fake.push(payloads.point_post(text="rain"), matches="rain has:geo")
    qtbot.waitUntil(lambda: page.stats()["points"] == 1, timeout=10_000)
    fake.fail_next_connection(401)
    window.controller.stop()
    window.settings.sync()
    assert any(r.name.startswith("urllib3") for r in caplog.records), "logging was not captured"
    assert DEFAULT_TOKEN not in caplog.text
    out, err = capfd.readouterr()
    assert DEFAULT_TOKEN not in out + err
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert DEFAULT_TOKEN.encode() not in path.read_bytes(), f"the token is in {path}"
    assert DEFAULT_TOKEN not in window.status.source_label.text()


def test_the_window_follows_an_area_with_no_terms(
    qtbot: Any, fake: FakeX, window: Any, page: Any
) -> None:
    lisbon = parse_around("-9.14,38.72,15")
    seen: list[str] = []
    window.controller.statusChanged.connect(lambda event: seen.append(event.message))
    assert window.start_x_stream([], [lisbon])
    qtbot.waitUntil(
        lambda: window.controller.state.state == "live" and fake.open_streams == 1, timeout=15_000
    )
    assert [rule["value"] for rule in fake.rules] == ["point_radius:[-9.14 38.72 15km]"]
    assert any("1 stream rule holding 1 X shape" in message for message in seen)
    assert any("up to 250 a second" in message for message in seen)
    fake.push(payloads.post(point=(2.35, 48.86), text="Paris"), matches=None)
    fake.push(payloads.point_post(-9.15, 38.73, text="on the quay"), matches=None)
    qtbot.waitUntil(lambda: page.stats()["points"] == 1, timeout=10_000)
    assert page.stats()["termCounts"] == {lisbon.label: 1}
    session = window.store.session(window.controller.session_id)
    assert session.areas == (lisbon,)
    assert len(fake.dropped_post_ids) == 1


def test_x_notices_and_repeated_posts_show_in_the_status_bar(
    qtbot: Any, fake: FakeX, window: Any
) -> None:
    start_x(window, "rain")
    qtbot.waitUntil(
        lambda: window.controller.state.state == "live" and fake.open_streams == 1, timeout=10_000
    )
    post = payloads.point_post(text="rain, sent twice")
    fake.push(post, matches="rain has:geo")
    fake.push(post, matches="rain has:geo")
    fake.inject(malformed_line(json.dumps({"errors": [{"title": "made-up-problem"}]})))
    # The notice and the repeated post reach the window in separate batches,
    # in either order on a busy machine: wait until the figures show both.
    expected = "received 1 · located 1 · 1 duplicates skipped · notices: 1 errors"
    qtbot.waitUntil(lambda: window.status.figures_label.text().startswith(expected), timeout=20_000)
    qtbot.waitUntil(lambda: "notices: 1 errors" in window.status.state_label.text(), timeout=10_000)


HOSTILE = "<img src=x onerror=alert(1)>\"'`\\ \u2028 </script> مطر"


def live(qtbot: Any, fake: FakeX, window: Any) -> None:
    qtbot.waitUntil(
        lambda: window.controller.state.state == "live" and fake.open_streams == 1, timeout=10_000
    )


def page_keys(page: Any) -> list[int]:
    return [int(k) for k in json.loads(page.eval("JSON.stringify(GeoTweets.columns().key)"))]


def stored_located_keys(window: Any) -> list[int]:
    session_id = window.controller.session_id
    return [p.key for chunk in window.store.points(session_id) for p in chunk]


def test_a_live_posts_hostile_strings_reach_the_page_as_text(
    qtbot: Any, fake: FakeX, window: Any, page: Any
) -> None:
    start_x(window, "rain")
    live(qtbot, fake, window)
    author = payloads.user("4242", name=HOSTILE, username=HOSTILE)
    spot = payloads.place(payloads.LISBON, full_name=HOSTILE)
    text = f"rain {HOSTILE} #Ünï #<b>x</b>"
    fake.push(payloads.point_post(text=text, author=author, place_obj=spot), matches="rain has:geo")
    qtbot.waitUntil(lambda: page.stats()["points"] == 1, timeout=10_000)
    columns = json.loads(page.eval("JSON.stringify(GeoTweets.columns())"))
    assert (columns["author"], columns["place"], columns["tags"]) == (
        [HOSTILE],
        [HOSTILE],
        [["ünï"]],
    )
    # The lists show the post (its text fetched from Python): as text only.
    qtbot.waitUntil(
        lambda: "onerror=alert(1)" in page.eval("document.body.textContent"), timeout=10_000
    )
    assert page.eval("document.querySelectorAll('img, b').length") == 0


def test_a_dropped_stream_loses_nothing_it_delivered(
    qtbot: Any, fake: FakeX, window: Any, page: Any
) -> None:
    from fake_x import Cut

    start_x(window, "rain")
    live(qtbot, fake, window)
    before = [payloads.point_post(i / 10, i / 20, text=f"rain {i}") for i in range(600)]
    fake.inject(fake.prepare_posts(before, matches="rain has:geo"), Cut())
    # The app reconnects by itself; what came before the cut is stored and drawn.
    qtbot.waitUntil(lambda: fake.stream_connections == 2 and fake.open_streams == 1, timeout=20_000)
    after = [payloads.point_post(-i / 10, i / 20, text=f"rain again {i}") for i in range(400)]
    fake.inject(fake.prepare_posts(after, matches="rain has:geo"))
    qtbot.waitUntil(lambda: page.stats()["points"] == 1000, timeout=30_000)
    window.controller.stop()
    stored = stored_located_keys(window)
    assert len(stored) == 1000 and sorted(page_keys(page)) == sorted(stored)
    ids = {payloads.post_id_of(p) for p in before + after}
    assert {window.store.post(key).id for key in stored} == ids


def test_a_busy_disk_holds_neither_the_window_nor_the_posts(
    qtbot: Any, fake: FakeX, window: Any, page: Any
) -> None:
    start_x(window, "rain")
    live(qtbot, fake, window)
    # Another program holds the store's write lock: the stream's process,
    # which stores the posts, has to wait; the window waits for no write.
    other = sqlite3.connect(window.store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        for i in range(50):
            fake.push(payloads.point_post(i, 0, text=f"rain {i}"), matches="rain has:geo")
        qtbot.waitUntil(lambda: len(fake.delivered_post_ids) == 50, timeout=10_000)
        # The event loop runs (this wait is on it); nothing is counted or drawn before it is stored.
        assert window.controller.stats.received == 0
        assert page.stats()["points"] == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(lambda: page.stats()["points"] == 50, timeout=20_000)
    assert window.controller.stats.received == 50
    assert sorted(page_keys(page)) == sorted(stored_located_keys(window))
