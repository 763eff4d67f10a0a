"""Stop ends a stream at once even before its first post, while the offline
gazetteer is still being read (seconds on a busy machine): the stream's
thread is joined within Stop's second, and the reading goes on for the
next stream."""

from __future__ import annotations

import pytest
from helpers import run_probe

pytestmark = pytest.mark.gui

# In a process of its own: this one's gazetteer may have been read by
# another test. The gazetteer's lock is held meanwhile, so its reading lasts
# as long as this needs, whatever the machine's speed.
PROBE = """
import json, time
from PySide6.QtCore import QCoreApplication
from geotweets_desktop.core import gazetteer
from geotweets_desktop.sources.demo import DemoSource
from geotweets_desktop.ui.worker import StreamRunner

app = QCoreApplication([])
said = []
with gazetteer._lock:
    runner = StreamRunner(1, DemoSource(["rain"]))
    runner.worker.statusChanged.connect(lambda _token, event: said.append(event.message))
    runner.start()
    end = time.monotonic() + 60
    while "Reading the offline gazetteer" not in said and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    stopped = runner.stop()
    answer = {"said": said, "stopped": stopped, "read": gazetteer.gazetteer_loaded()}
print(json.dumps(answer))
"""


def test_stop_ends_a_stream_still_reading_the_gazetteer() -> None:
    answer = run_probe(PROBE)
    assert answer == {"said": ["Reading the offline gazetteer"], "stopped": True, "read": False}
