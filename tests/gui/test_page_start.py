"""A map page that does not start says so in words, and where it stands,
until it starts."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QUrl

from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.paths import store_path
from geotweets_desktop.ui.main_window import MainWindow
from geotweets_desktop.ui.map.scheme import PAGE_URL
from geotweets_desktop.ui.settings import AppSettings

pytestmark = pytest.mark.gui


def test_a_map_that_does_not_load_says_so_until_it_starts(qtbot: Any, map_started: Any) -> None:
    store = SessionStore(store_path())
    window = MainWindow(store, AppSettings())
    window.map_view.start_watch.stall_after_s = 0  # say it at the first look
    window.map_view.stop()  # the page's load is cut short before it began
    window.show()
    try:
        qtbot.waitUntil(lambda: "not started" in window.status.currentMessage(), timeout=10_000)
        message = window.status.currentMessage()
        assert message.startswith("The map has not started after ")
        assert "the map page has not finished loading" in message
        assert "restart GeoTweets" in message
        assert not window.map_view.bridge.is_ready
        # Loaded after all, it starts, and the words go.
        window.map_view.setUrl(QUrl(PAGE_URL))
        map_started(window)
        assert window.status.currentMessage() == ""
    finally:
        window.close()
        window.deleteLater()
        store.close()
