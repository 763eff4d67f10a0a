"""The window follows an area on X: rules from the area, only the posts inside drawn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from fake_x import DEFAULT_TOKEN, FakeX, payloads
from keyring.backends import fail

from geotweets_desktop.core.area.model import parse_around

pytestmark = pytest.mark.gui

LISBON = parse_around("-9.14,38.72,15")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeX]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # the token comes from the environment here
    with FakeX(keepalive_interval=0.2) as server:
        monkeypatch.setenv("GEOTWEETS_X_API_URL", server.base_url)
        monkeypatch.setenv("X_BEARER_TOKEN", DEFAULT_TOKEN)
        yield server
    keyring.set_keyring(previous)


def test_the_window_follows_an_area_with_no_terms(
    qtbot: Any, fake: FakeX, window: Any, page: Any
) -> None:
    seen: list[str] = []
    window.controller.statusChanged.connect(lambda event: seen.append(event.message))
    assert window.start_x_stream([], [LISBON])
    qtbot.waitUntil(
        lambda: window.controller.state.state == "live" and fake.open_streams == 1, timeout=15_000
    )
    assert [rule["value"] for rule in fake.rules] == ["point_radius:[-9.14 38.72 15km]"]
    assert any("1 stream rule holding 1 X shape" in message for message in seen)
    assert any("up to 250 a second" in message for message in seen)
    fake.push(payloads.post(point=(2.35, 48.86), text="Paris"), matches=None)
    fake.push(payloads.point_post(-9.15, 38.73, text="on the quay"), matches=None)
    qtbot.waitUntil(lambda: page.stats()["points"] == 1, timeout=10_000)
    assert page.stats()["termCounts"] == {LISBON.label: 1}
    session = window.store.session(window.controller.session_id)
    assert session.areas == (LISBON,)
    assert len(fake.dropped_post_ids) == 1
