"""The GeoTweets main window: search bar, map, status bar, menus."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QMoveEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from geotweets_desktop import APP_NAME, __version__, credentials, startup
from geotweets_desktop.core.area.model import Area, AreaError
from geotweets_desktop.core.store import SessionInfo, SessionStore
from geotweets_desktop.core.terms import TermError, parse_terms
from geotweets_desktop.core.usage import UsageMeter
from geotweets_desktop.paths import resources_dir
from geotweets_desktop.sources.base import BilledPerPost, ReadsArchive
from geotweets_desktop.sources.factory import (
    REPLAY,
    X_KINDS,
    SourceChoice,
    build_source,
    forget_fast_replay,
    prepare_fast_replay,
)
from geotweets_desktop.sources.x_rules import RuleError
from geotweets_desktop.ui.area_panel import AreaPanel
from geotweets_desktop.ui.controller import SessionController
from geotweets_desktop.ui.dialogs.archive import ArchiveDialog
from geotweets_desktop.ui.dialogs.credentials import CredentialsDialog
from geotweets_desktop.ui.dialogs.export import ExportDialog
from geotweets_desktop.ui.dialogs.sessions import SessionsDialog
from geotweets_desktop.ui.dialogs.usage import UsageLimitsDialog
from geotweets_desktop.ui.map.bridge import FOLDABLE
from geotweets_desktop.ui.map.view import MapView
from geotweets_desktop.ui.search_bar import (
    SOURCE_ARCHIVE,
    SOURCE_DEMO,
    SOURCE_SESSION,
    SOURCE_X_SEARCH,
    SOURCE_X_STREAM,
    SearchBar,
)
from geotweets_desktop.ui.settings import AppSettings
from geotweets_desktop.ui.status_bar import SessionStatusBar
from geotweets_desktop.ui.summary_card import SummaryCard
from geotweets_desktop.ui.text_filter import TextFilterService
from geotweets_desktop.ui.views_menu import ViewsMenu

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, store: SessionStore, settings: AppSettings) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(QIcon(str(resources_dir() / "icons" / "geotweets.svg")))
        self._fitted_in_frame = False  # fitted again once a window manager has framed it
        self.resize(1280, 800)
        if settings.window_geometry is not None:
            self.restoreGeometry(settings.window_geometry)
            self._fit_on_screen()

        self._archive: tuple[Path, float | None] | None = None  # the last one replayed
        self._reopened: SessionInfo | None = None  # the last stored session opened
        self.map_view = MapView(settings.tile_url, settings.data_folder, self)
        self.controller = SessionController(store, self.map_view.bridge, self)
        # The lists beside the map and the legend: folded in a small window
        # until the user chooses, and then as they chose, from one start to the next.
        for part in FOLDABLE:
            folded = settings.folded(part)
            if folded is not None:
                self.map_view.bridge.fold(part, folded)
        self.map_view.bridge.foldChosen.connect(self.settings.set_folded)
        self.text_filter = TextFilterService(
            self.map_view.bridge, store.path, lambda: self.controller.session_id, self
        )
        self.search = SearchBar(self)
        self._connect_search_bar()
        # File → Views: saved views of the session on the map.
        self.views = ViewsMenu(
            store,
            self.controller,
            self.open_session,
            lambda text: self.status.showMessage(text, 15_000),
            self,
        )
        self._build_menus()
        self.welcome = self._build_welcome()
        # The areas X searches and replays follow (see core/area).
        self.area_panel = AreaPanel(self.map_view.bridge, self)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.search)
        layout.addWidget(self.welcome)
        layout.addWidget(self.area_panel)
        layout.addWidget(self.map_view, 1)
        self.setCentralWidget(central)
        self.status = SessionStatusBar(self.controller, self)
        self.setStatusBar(self.status)
        # Floats over the map when a session ends (see summary_card.py).
        self.summary_card = SummaryCard(store.path, self.map_view, self._map_png, central)
        self.controller.sessionEnded.connect(self._session_ended)
        self.controller.sessionChanged.connect(self._hide_summary_of_another_session)
        # Once the map is up, so the window's own start is not slowed (see
        # startup.py). The gazetteer waits for a source's first post.
        self.map_view.bridge.ready.connect(startup.settle_start_up)
        # A map that does not start says so, until it does.
        self.map_view.start_watch.stalled.connect(self.status.showMessage)
        self.map_view.bridge.ready.connect(self._map_started)
        self.controller.sessionChanged.connect(self._update_buttons)
        self.controller.statusChanged.connect(self._update_buttons)
        self.controller.sourceFinished.connect(self._source_finished)
        self.controller.noticed.connect(lambda text: self.status.showMessage(text, 15_000))
        self._update_buttons()
        self.search.terms_edit.setFocus()
        self.area_panel.areasChanged.connect(self._update_area_summary)
        self.area_panel.refused.connect(lambda message: self.status.showMessage(message, 15_000))
        self.area_panel.hideOutsideChanged.connect(self._hide_outside)
        self.search.terms_edit.textChanged.connect(self._update_area_summary)
        self.search.source_combo.currentIndexChanged.connect(self._update_area_summary)
        self.search.located_only_check.toggled.connect(self._update_area_summary)

    @property
    def areas(self) -> list[Area]:
        return self.area_panel.areas

    @areas.setter
    def areas(self, areas: list[Area]) -> None:
        self.area_panel.set_areas(areas)

    def _fit_on_screen(self) -> None:
        """The window, frame included, within the screen's free area: a first
        start on a screen smaller than 1280 x 800 (a laptop, a 900 x 600
        display), or a size saved on a bigger screen or wider than the screen
        (earlier versions let a long status text widen the window), would
        otherwise leave the status bar and the right edge off the screen."""
        screen = self.screen().availableGeometry()
        frame = self.frameGeometry()  # the same as geometry() until a window manager frames it
        extra_width = frame.width() - self.width()
        extra_height = frame.height() - self.height()
        width = min(self.width(), screen.width() - extra_width)
        height = min(self.height(), screen.height() - extra_height)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        frame = self.frameGeometry()
        left = max(screen.left(), min(frame.left(), screen.right() - frame.width() + 1))
        top = max(screen.top(), min(frame.top(), screen.bottom() - frame.height() + 1))
        if (left, top) != (frame.left(), frame.top()):
            self.move(left, top)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_once_framed)

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        self._fit_once_framed()

    def _fit_once_framed(self) -> None:
        """`_fit_on_screen` once the window manager has put its frame round
        the window (a title bar's height that would otherwise push the status
        bar off a screen the window just fits), which Qt learns some time
        after the window is shown, with a move. Offscreen (tests,
        --screenshot) no frame comes, and the made-up 800 x 800 screen is
        nobody's: the window keeps the size it was given."""
        if self._fitted_in_frame or QGuiApplication.platformName() == "offscreen":
            return
        if not self.isVisible() or self.frameGeometry().size() == self.size():
            return  # not framed yet
        self._fitted_in_frame = True
        self._fit_on_screen()

    # -- building --------------------------------------------------------------

    def _connect_search_bar(self) -> None:
        bar = self.search
        bar.choose_source(self.settings.source)
        bar.set_located_only(self.settings.located_only)
        bar.terms_edit.setText(self.settings.last_terms)
        bar.terms_edit.returnPressed.connect(self.start_search)
        bar.start_button.clicked.connect(self.start_search)
        bar.stop_button.clicked.connect(lambda: self.controller.stop())
        bar.pause_button.toggled.connect(self._pause_toggled)
        bar.clear_button.clicked.connect(self.controller.clear_counts_and_map)
        # Stop is always at hand, wherever the focus is (the map, a field).
        stop = QAction("Stop", self)
        stop.setShortcut(QKeySequence("Ctrl+."))
        stop.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        stop.triggered.connect(lambda: self.controller.stop())
        self.addAction(stop)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        sessions = QAction("&Sessions…", self)
        sessions.setShortcut(QKeySequence("Ctrl+O"))
        sessions.triggered.connect(self.show_sessions)
        file_menu.addAction(sessions)
        archive = QAction("Open &archive…", self)
        archive.setShortcut(QKeySequence("Ctrl+Shift+O"))
        archive.triggered.connect(self.open_archive)
        file_menu.addAction(archive)
        export = QAction("&Export…", self)
        export.setShortcut(QKeySequence("Ctrl+E"))
        export.triggered.connect(self.show_export)
        file_menu.addAction(export)
        file_menu.addMenu(self.views.menu)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        settings_menu = self.menuBar().addMenu("&Settings")
        credentials = QAction("X &credentials…", self)
        credentials.triggered.connect(self.show_credentials)
        settings_menu.addAction(credentials)
        limits = QAction("X &usage and limits…", self)
        limits.triggered.connect(self.show_usage_limits)
        settings_menu.addAction(limits)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _build_welcome(self) -> QFrame:
        frame = QFrame(self)
        frame.setObjectName("welcome")
        frame.setStyleSheet("#welcome { background: #fff8e1; border-bottom: 1px solid #e0d4a8; }")
        row = QHBoxLayout(frame)
        text = QLabel(
            "No X credentials are stored yet. Live posts need an X Bearer token; "
            "until then, try the offline demo (synthetic posts).",
            frame,
        )
        text.setWordWrap(True)
        row.addWidget(text, 1)
        enter = QPushButton("Enter credentials…", frame)
        enter.clicked.connect(self.show_credentials)
        demo = QPushButton("Start the demo", frame)
        demo.clicked.connect(self.start_demo)
        row.addWidget(enter)
        row.addWidget(demo)
        frame.setVisible(credentials.load_token() is None)
        return frame

    # -- actions ---------------------------------------------------------------

    def start_search(self) -> bool:
        """Start what the source box names for the typed terms; False (and a
        sentence next to the terms) when that cannot be done."""
        bar = self.search
        kind = bar.source_kind
        if kind == SOURCE_SESSION and self._reopened is not None:
            self.open_session(self._reopened)
            return True
        text = bar.terms_edit.text()
        try:
            # An archive, or areas followed, need no terms: every post then counts.
            following = bool(self.areas) and kind != SOURCE_DEMO
            no_terms_needed = kind == SOURCE_ARCHIVE or following
            terms = [] if no_terms_needed and not text.strip() else parse_terms(text)
        except TermError as exc:
            bar.show_error(str(exc))
            return False
        bar.show_error("")
        if kind == SOURCE_ARCHIVE and self._archive is not None:
            path, speed = self._archive
            self.start_replay(path, terms, speed)
            return True
        self.settings.last_terms = text
        self.settings.source = kind
        self.settings.located_only = bar.located_only
        token, detail = None, ""
        if kind in X_KINDS:
            token, origin = credentials.resolve_token()
            if token is None:
                self.show_credentials()
                token, origin = credentials.resolve_token()
                if token is None:
                    bar.show_error(
                        "Live posts from X need a Bearer token: Settings → X credentials…"
                    )
                    return False
            detail = f"Token from {origin}"
        # The X stream is read and stored in a process of its own (x_stream_apart.py).
        choice = SourceChoice(
            kind,
            terms,
            located_only=bar.located_only,
            areas=self.areas,
            stored_apart=kind == SOURCE_X_STREAM,
        )
        try:
            source = build_source(choice, token)
        except (AreaError, RuleError) as exc:
            bar.show_error(str(exc))
            return False
        self.welcome.hide()
        usage = self._usage_meter() if isinstance(source, BilledPerPost) else None
        self.controller.start(source, usage, detail=detail)
        return True

    def _usage_meter(self) -> UsageMeter:
        today = date.today()
        midnight = datetime.combine(today, datetime.min.time()).timestamp()
        month_start = datetime.combine(today.replace(day=1), datetime.min.time()).timestamp()
        return UsageMeter(
            price_per_post=self.settings.price_per_post,
            limits=self.settings.usage_limits,
            posts_earlier_today=self.store.posts_received_since(midnight, "X "),
            posts_earlier_this_month=self.store.posts_received_since(month_start, "X "),
        )

    def start_x_stream(self, terms: list[str], areas: list[Area] | None = None) -> bool:
        """Start the live stream for `terms` (and `areas`, kept for later searches)."""
        if areas is not None:
            self.area_panel.set_areas(areas)
        self.search.terms_edit.setText(", ".join(terms))
        self.search.choose_source(SOURCE_X_STREAM)
        return self.start_search()

    def show_usage_limits(self) -> None:
        UsageLimitsDialog(self.settings, self._usage_meter(), self).exec()

    def start_demo(self, terms: list[str] | None = None) -> bool:
        if terms:
            self.search.terms_edit.setText(", ".join(terms))
        self.search.choose_source(SOURCE_DEMO)
        return self.start_search()

    def show_sessions(self) -> None:
        dialog = SessionsDialog(self.store.sessions(), self)
        if dialog.exec() and (session := dialog.selected()) is not None:
            self.open_session(session)

    def open_session(self, session: SessionInfo) -> None:
        self.welcome.hide()
        self._reopened = session
        if session.areas:
            self.area_panel.set_areas(list(session.areas))
        started = session.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        self.search.show_playing(
            SOURCE_SESSION,
            f"Session {session.id}: {session.source}",
            f"Stored session {session.id}: {session.source}, started {started}",
            list(session.terms),
        )
        self.controller.open_session(session)

    def show_credentials(self) -> None:
        CredentialsDialog(self).exec()
        self._show_welcome_if_no_token()

    def _show_welcome_if_no_token(self) -> None:
        """The first-run banner stays only while there is nothing to stream with."""
        no_token = credentials.resolve_token()[0] is None
        self.welcome.setVisible(no_token and not self.controller.running)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__} puts public posts that match your terms on a live "
            "map.\n\nFree software under the MIT licence. How to use it: the README "
            "that comes with the app (README.md in its source).\n\n"
            f"Your sessions and settings are kept in {self.settings.data_folder}.\n\n"
            "Map data © OpenStreetMap contributors; offline basemap from Natural Earth.",
        )

    def _update_area_summary(self, *_args: object) -> None:
        """Before starting: what following the areas takes, and X's limits."""
        bar = self.search
        kind = bar.source_kind
        if kind not in (SOURCE_X_STREAM, SOURCE_X_SEARCH):
            text = "Areas are followed by the X sources and filter replays." if self.areas else ""
        else:
            try:
                terms = parse_terms(bar.terms_edit.text())
            except TermError:
                terms = []
            text = self.area_panel.describe(
                terms, kind == SOURCE_X_STREAM, bar.located_only_check.isChecked()
            )
        self.area_panel.show_summary(text)

    def _hide_outside(self, hide: bool) -> None:
        self.map_view.bridge.set_hide_outside(hide)
        self.controller.redraw()

    def _update_buttons(self, *_args: object) -> None:
        bar = self.search
        bar.stop_button.setEnabled(self.controller.running)
        can_pause = self.controller.can_pause
        bar.pause_button.setEnabled(can_pause)
        if not can_pause and bar.pause_button.isChecked():
            bar.pause_button.blockSignals(True)
            bar.pause_button.setChecked(False)
            bar.pause_button.blockSignals(False)
            bar.pause_button.setText("Pause")

    def _pause_toggled(self, paused: bool) -> None:
        self.controller.set_paused(paused)
        self.search.pause_button.setText("Resume" if paused else "Pause")

    # -- archives and export -----------------------------------------------------

    def open_archive(self) -> None:
        dialog = ArchiveDialog(self.settings, self)
        # While the user picks a file, a replay process gets ready.
        prepare_fast_replay()
        chosen = dialog.exec()
        if chosen:
            self.start_replay(dialog.path, dialog.terms, dialog.speed)
        if not chosen or dialog.speed is not None:
            forget_fast_replay()

    def start_replay(self, path: Path, terms: list[str], speed: float | None) -> None:
        self.welcome.hide()
        self._archive = (path, speed)
        self.search.show_playing(SOURCE_ARCHIVE, f"Archive: {path.name}", str(path), terms)
        choice = SourceChoice(
            REPLAY, terms, archive=path, speed=speed, areas=self.areas, stored_apart=True
        )
        self.controller.start(build_source(choice), detail=str(path))

    def _source_finished(self, source: object) -> None:
        if not isinstance(source, ReadsArchive):
            return
        problems = source.archive_report().problems
        if problems:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                "Archive replayed",
                f"{source.summary()}\n\nSkipped records, and parts left out of posts that were"
                " kept, are listed below; the rest loaded.",
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setDetailedText("\n".join(str(p) for p in problems))
            box.open()
            self.problems_box = box

    def _session_ended(self, session_id: int, why: str) -> None:
        self.summary_card.show_session(session_id, why)

    def _hide_summary_of_another_session(self) -> None:
        """A new search or a reopened session replaces the summary of the last one."""
        if self.controller.session_id != self.summary_card.session_id:
            self.summary_card.dismiss()

    def _map_png(self) -> bytes:
        """The map as it is shown now, as PNG (the summary card puts it in the report)."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.map_view.grab().save(buffer, "PNG")
        return bytes(data.data())

    def show_export(self) -> None:
        dialog = ExportDialog(
            self.store.path,
            self.store.sessions(),
            self.controller.session_id,
            self,
            view=self.map_view.bridge.view_state,
        )
        if dialog.exec() and dialog.result_ is not None:
            result = dialog.result_
            note = f" ({result.left_out:,} without a location left out)" if result.left_out else ""
            posts = "1 post" if result.written == 1 else f"{result.written:,} posts"
            self.status.showMessage(f"Exported {posts} to {result.path}{note}", 15_000)

    def _map_started(self) -> None:
        if self.status.currentMessage() == self.map_view.start_watch.stall_text:
            self.status.clearMessage()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.controller.shutdown()
        forget_fast_replay()
        self.settings.window_geometry = self.saveGeometry()
        self.settings.sync()
        self.closed.emit()
        event.accept()
