"""`geotweets --self-check`: prove the packaged app can do its core job.

Loads the map page, sends a batch of demo posts through the same worker,
controller and bridge a real stream uses, then asks the page what it drew.
Exit 0 when the page drew every located post over the offline basemap with
no JavaScript error and the batch exported as GeoParquet reads back whole
(a build that lost pyarrow's libraries fails here); 1 with the reason
otherwise. The last line also names
the keyring a token would be kept in (looked up, never written), so a
packaged build that lost keyring's backends shows "keyring: none".
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from geotweets_desktop import credentials
from geotweets_desktop.core.export import export_session
from geotweets_desktop.core.gazetteer import gazetteer, locate_profile
from geotweets_desktop.core.payload import post_from_v2
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.rules import term_from_tag
from geotweets_desktop.sources.base import Sink, StatusEvent
from geotweets_desktop.sources.demo import DemoSource
from geotweets_desktop.ui.main_window import MainWindow
from geotweets_desktop.ui.process_clock import process_start_epoch

BATCH = 200
TIMEOUT_S = 60.0
POLL_MS = 200
STATS_JS = "JSON.stringify(window.GeoTweets ? GeoTweets.stats() : null)"


class FixedBatchSource:
    """Sends one batch of demo posts, then waits to be stopped."""

    label = "Self-check (synthetic)"
    synthetic = True

    def __init__(self, posts: list[Post], terms: list[str]) -> None:
        self.terms = terms
        self._posts = posts
        self._stop = threading.Event()

    def run(self, sink: Sink) -> None:
        sink.status(StatusEvent("live", "self-check batch"))
        sink.posts(self._posts)
        self._stop.wait()

    def stop(self) -> None:
        self._stop.set()


def demo_batch(terms: list[str], count: int, seed: int = 7) -> list[Post]:
    demo = DemoSource(terms, seed=seed)
    cities = random.Random(seed).sample(gazetteer().cities, count)
    return [
        post_from_v2(
            demo.make_payload(city),
            lambda tag: term_from_tag(tag, "demo"),
            locate_profile,
            synthetic=True,
        )
        for city in cities
    ]


class SelfCheck:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.exit_code = 1
        self._deadline = time.monotonic() + TIMEOUT_S
        self._expected = 0
        self._map_ready_s = float("nan")

    def start(self) -> None:
        if self.window.map_view.bridge.is_ready:
            self._on_page_ready()
        else:
            self.window.map_view.bridge.ready.connect(self._on_page_ready)
        QTimer.singleShot(int(TIMEOUT_S * 1000), self._poll)

    def _on_page_ready(self) -> None:
        self._map_ready_s = time.time() - process_start_epoch()
        terms = ["self-check", "#bridge"]
        posts = demo_batch(terms, BATCH)
        self._expected = sum(1 for p in posts if p.location is not None)
        if self._expected == 0:
            self._finish(1, "none of the demo posts could be located (gazetteer broken?)")
            return
        self.window.controller.start(FixedBatchSource(posts, terms))
        QTimer.singleShot(POLL_MS, self._poll)

    def _poll(self) -> None:
        self.window.map_view.page().runJavaScript(STATS_JS, 0, self._on_stats)

    def _on_stats(self, result: object) -> None:
        stats = json.loads(result) if isinstance(result, str) else None
        errors = self.window.map_view.map_page.js_errors
        if errors:
            self._finish(1, f"the map page reported an error: {errors[0]}")
        elif (
            stats
            and stats["points"] == self._expected
            and stats["basemapDrawnAt"] > 0
            and stats["redraws"] > 0
        ):
            exported = self._exported_rows()
            if exported != BATCH:
                self._finish(1, f"the GeoParquet export holds {exported} of {BATCH} posts")
                return
            self._finish(
                0,
                f"{stats['points']} points drawn over {stats['basemapTiles']} basemap tiles, "
                f"no page errors; page ready {self._map_ready_s:.2f} s and map drawn "
                f"{stats['basemapDrawnAt'] / 1000 - process_start_epoch():.2f} s "
                f"after the process started; {exported} posts exported as GeoParquet; "
                f"keyring: {credentials.keyring_description()}",
            )
        elif time.monotonic() > self._deadline:
            self._finish(
                1,
                f"the page did not draw the batch in {TIMEOUT_S:.0f} s "
                f"(expected {self._expected} points, page says {stats})",
            )
        else:
            QTimer.singleShot(POLL_MS, self._poll)

    def _exported_rows(self) -> int:
        """Export the batch's session as GeoParquet and count the rows read back."""
        session_id = self.window.controller.session_id
        assert session_id is not None
        with tempfile.TemporaryDirectory(prefix="geotweets-self-check-") as scratch:
            out = Path(scratch) / "self-check.parquet"
            export_session(self.window.store, session_id, out)
            return int(pq.read_metadata(out).num_rows)

    def _finish(self, code: int, message: str) -> None:
        self.exit_code = code
        verdict = "passed" if code == 0 else "FAILED"
        print(f"self-check {verdict}: {message}", file=sys.stdout if code == 0 else sys.stderr)
        self.window.close()
        QApplication.quit()
