"""Start the Qt application and the main window for the command-line options."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from geotweets_desktop import APP_NAME, __version__, startup
from geotweets_desktop.core.saved_views import find_session
from geotweets_desktop.core.store import SessionInfo, SessionStore
from geotweets_desktop.core.terms import TermError, parse_terms
from geotweets_desktop.core.view_state import SavedView, ViewStateError, read_view_file
from geotweets_desktop.paths import store_path
from geotweets_desktop.ui.map.scheme import register_scheme
from geotweets_desktop.ui.settings import AppSettings

log = logging.getLogger(__name__)

# After the page says it is ready, give it this long to paint before a screenshot.
SCREENSHOT_SETTLE_MS = 1500


def _needs_offscreen(args: argparse.Namespace) -> bool:
    """No display to show a window on (a server, CI): draw offscreen instead."""
    no_display = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if not no_display or "QT_QPA_PLATFORM" in os.environ:
        return False
    if not (args.self_check or args.screenshot):
        log.warning("no display found: running offscreen, so no window is shown")
    return True


def _allow_webengine_as_root() -> None:
    # Chromium refuses to start its sandbox as root, and QtWebEngine takes
    # this switch only from the environment.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def chromium_switches() -> list[str]:
    """Switches for QtWebEngine's Chromium, beyond its defaults.

    With the sandbox off (as root, or when the user turned it off), the zygote
    processes have nothing left to do: they exist to start sandboxed renderers
    (and a renderer forked from them shares little with them by the time it has
    a page). Without them the app is two processes fewer, about 30 MB of memory
    (PSS) and 100 MB of resident pages summed. With the sandbox on (a desktop
    user's normal case) they stay: Chromium needs them for it, and the sandbox
    is worth more than the memory. See docs/design-notes.md, "Memory"."""
    sandbox_off = (
        "QTWEBENGINE_DISABLE_SANDBOX" in os.environ
        or "--no-sandbox" in os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    )
    return ["--no-zygote"] if sandbox_off else []


def create_application(
    *, offscreen: bool = False, switches: list[str] | None = None
) -> QApplication:
    """The application; `offscreen` draws into memory (no display needed);
    `switches` for Chromium instead of `chromium_switches()` (benchmarks)."""
    startup.prepare_window_process()
    register_scheme()
    # QtWebEngine reads Chromium's switches from this variable (it ignores the
    # application's arguments unless they follow "--webEngineArgs", and all of
    # them when the variable is set): the user's own come first.
    given = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    added = [s for s in (chromium_switches() if switches is None else switches) if s not in given]
    if added:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(given + added)
    argv = sys.argv[:1] + (["-platform", "offscreen"] if offscreen else [])
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("GeoTweets")
    app.setApplicationVersion(__version__)
    # The menu entry install.sh writes is geotweets.desktop: Wayland shells
    # match the window to it (and its icon) by this name.
    app.setDesktopFileName("geotweets")
    return app


def save_screenshot(window: QWidget, path: str) -> bool:
    ok = window.grab().save(path, "PNG")
    if ok:
        log.info("saved a screenshot to %s", path)
    else:
        log.error("could not save a screenshot to %s", path)
    return ok


def dispose(window: QWidget) -> None:
    """Delete the window (and its web page) now, while the web profile and the
    application still exist; left to the garbage collector at exit, the order
    is arbitrary and QtWebEngine can crash."""
    shiboken6.delete(window)


def stored_session_to_open(
    store: SessionStore, args: argparse.Namespace
) -> tuple[SessionInfo | None, SavedView | None]:
    """The session (and view) `--session ID` or `--view FILE` ask to open;
    ViewStateError (one line) when this data folder does not hold it."""
    if args.view:
        view = read_view_file(Path(args.view))
        return find_session(store, view.session), view
    if args.session is not None:
        session = store.session(args.session)
        if session is None:
            raise ViewStateError(f"--session: there is no session {args.session} in {store.path}")
        return session, None
    return None, None


def run_app(args: argparse.Namespace) -> int:
    """The window for the command-line options; the exit status."""
    from geotweets_desktop.ui.main_window import MainWindow

    # Bad input ends here, before any window exists: tearing QtWebEngine down
    # while its page is still starting once crashed the process on the way out.
    terms = parse_terms(args.term) if args.term else None
    if args.x and not args.replay and not terms and not args.areas:
        raise TermError("--x needs a --term or an area (--bbox, --around, --place).")
    # The self-check must not touch the user's sessions or settings.
    folder = Path(tempfile.mkdtemp(prefix="geotweets-self-check-")) if args.self_check else None
    store = SessionStore(store_path(folder))
    try:
        session, view = stored_session_to_open(store, args)
    except ViewStateError:
        store.close()
        raise
    _allow_webengine_as_root()
    app = create_application(offscreen=_needs_offscreen(args))
    settings = AppSettings(folder, offline=args.offline)
    window = MainWindow(store, settings)
    if args.screenshot or args.self_check:
        window.resize(1280, 800)  # the same picture whatever the last session's size
    window.show()
    if args.self_check:
        from geotweets_desktop.ui.self_check import SelfCheck

        check = SelfCheck(window)
        QTimer.singleShot(0, check.start)
        app.exec()
        dispose(window)
        store.close()
        return check.exit_code

    result = {"code": 0}

    def finish() -> None:
        if args.screenshot and not save_screenshot(window, args.screenshot):
            result["code"] = 1
        window.close()

    window.areas = list(args.areas)
    if session is not None:
        window.open_session(session)
        if view is not None:
            window.views.open_view(view)
    elif args.replay:
        window.start_replay(Path(args.replay), terms or [], args.speed)
    elif args.x:
        window.start_x_stream(terms or [])
    elif args.demo:
        window.start_demo(terms)
    elif terms:
        window.search.terms_edit.setText(", ".join(terms))
    if args.quit_after:
        QTimer.singleShot(int(args.quit_after * 1000), finish)
    elif args.screenshot:
        window.map_view.bridge.ready.connect(
            lambda: QTimer.singleShot(SCREENSHOT_SETTLE_MS, finish)
        )
    window.closed.connect(app.quit)
    app.exec()
    dispose(window)
    store.close()
    return result["code"]
