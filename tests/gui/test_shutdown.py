"""Closing the window while a stream refuses to stop."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from geotweets_desktop.sources.base import Sink, StatusEvent
from geotweets_desktop.ui import controller, worker

pytestmark = pytest.mark.gui


class DeafSource:
    """A source whose `stop` does nothing: it ends only when the test lets it."""

    label = "Deaf source"
    synthetic = False

    def __init__(self) -> None:
        self.terms = ["rain"]
        self.running = threading.Event()
        self.release = threading.Event()

    def run(self, sink: Sink) -> None:
        sink.status(StatusEvent("live", "Not listening"))
        self.running.set()
        self.release.wait()

    def stop(self) -> None:
        pass


def test_the_window_closes_even_when_a_stream_will_not_stop(
    window: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "STOP_TIMEOUT_MS", 100)
    monkeypatch.setattr(controller, "SHUTDOWN_WAIT_MS", 100)
    source = DeafSource()
    window.controller.start(source)
    assert source.running.wait(10)
    try:
        with caplog.at_level(logging.ERROR):
            window.close()
        assert not window.isVisible()
        assert "still has not stopped; closing without it" in caplog.text
        session = window.store.session(window.controller.session_id)
        assert session is not None and not session.interrupted  # ended cleanly
    finally:
        source.release.set()
