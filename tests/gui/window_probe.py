"""The real main window on a real X server, answering the test's questions.

`test_real_window.py` runs this as its own process (a test process already
holds an offscreen QApplication): it opens the window with the xcb platform,
starts the demo, prints "ready", then answers each line on stdin with one
line of JSON about what a user would see ("layout": where the map page's
parts are, tests/gui/page_layout.py). The window manager, not this
process, sets the window's size: the test resizes it as a user would.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication)
from page_layout import LAYOUT_SCRIPT
from PySide6.QtCore import QObject, QPoint, QRect, Signal
from PySide6.QtWidgets import QWidget

from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.paths import store_path
from geotweets_desktop.sources.base import StatusEvent
from geotweets_desktop.ui.app import create_application
from geotweets_desktop.ui.main_window import MainWindow
from geotweets_desktop.ui.settings import AppSettings

LONG_STATUS = "a long message from the server, " * 12


def on_screen(widget: QWidget, window: QWidget) -> bool:
    corner = widget.mapTo(window, QPoint(0, 0))
    return widget.isVisible() and window.rect().contains(QRect(corner, widget.size()))


def describe(window: MainWindow) -> dict[str, Any]:
    bar = window.search
    frame = window.frameGeometry()
    return {
        "width": window.width(),
        "height": window.height(),
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "shown": {
            b.text(): on_screen(b, window)
            for b in (bar.start_button, bar.stop_button, bar.pause_button, bar.clear_button)
        },
        "terms_width": bar.terms_edit.width(),
        "points_drawn": window.map_view.bridge.is_ready,
        "received": window.controller.stats.received,
    }


class Commands(QObject):
    """Lines from stdin, read on a thread, handled on the GUI thread."""

    line = Signal(str)


def main() -> int:
    app = create_application()
    store = SessionStore(store_path())
    window = MainWindow(store, AppSettings())
    window.show()
    window.start_demo(["rain", "sun"])
    commands = Commands()

    def answer(line: str) -> None:
        command = line.strip()
        if command == "long-status":
            window.controller._set_state(StatusEvent("error", LONG_STATUS))
        elif command == "layout":
            # The page answers later: the line goes out then.
            window.map_view.page().runJavaScript(
                LAYOUT_SCRIPT, 0, lambda shown: print(shown, flush=True)
            )
            return
        elif command == "quit":
            window.close()
            app.quit()
            return
        print(json.dumps(describe(window)), flush=True)

    commands.line.connect(answer)

    def read() -> None:
        for line in sys.stdin:
            commands.line.emit(line)
        commands.line.emit("quit")

    window.map_view.bridge.ready.connect(lambda: print("ready", flush=True))
    threading.Thread(target=read, daemon=True).start()
    app.exec()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
