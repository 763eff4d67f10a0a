"""File → Views: save what the map shows as a named view of its session, list,
open and delete the session's views, and save a view to (or open one from) a
small JSON file to share.

A view is the page's last reported state (`MapBridge.view_state`) with a
name and the session on the map. Opening a view of another stored session
reopens that session first; the page then applies the view in one message
(`MapBridge.apply_view`), after the session's configuration.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from geotweets_desktop.core.saved_views import find_session, session_ref
from geotweets_desktop.core.store import SessionInfo, SessionStore
from geotweets_desktop.core.view_state import (
    MAX_NAME_CHARS,
    SavedView,
    ViewStateError,
    read_view_file,
)
from geotweets_desktop.core.view_state import write_view_file as write_file
from geotweets_desktop.ui.controller import SessionController
from geotweets_desktop.ui.dialogs.views import ViewsDialog

log = logging.getLogger(__name__)

VIEW_FILE_FILTER = "GeoTweets views (*.json)"
VIEW_FILE_SUFFIX = ".geotweets-view.json"


class ViewsMenu(QObject):
    def __init__(
        self,
        store: SessionStore,
        controller: SessionController,
        open_session: Callable[[SessionInfo], None],
        tell: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        """`open_session` shows a stored session on the map; `tell` says a
        sentence in the status bar."""
        super().__init__(parent)
        self._store = store
        self._controller = controller
        self._bridge = controller.bridge
        self._open_session = open_session
        self._tell = tell
        self._parent = parent
        self.menu = QMenu("&Views", parent)
        self.save_action = self._add("&Save view…", self.ask_save_view)
        self.list_action = self._add("Saved &views…", self.show_views)
        self.menu.addSeparator()
        self.save_file_action = self._add("Save view to &file…", self.ask_save_view_file)
        self.open_file_action = self._add("&Open view file…", self.ask_open_view_file)
        self.menu.aboutToShow.connect(self._update_actions)

    def _add(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.menu)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def _update_actions(self) -> None:
        shown = self._session_shown() is not None
        for action in (self.save_action, self.list_action, self.save_file_action):
            action.setEnabled(shown)

    def _session_shown(self) -> SessionInfo | None:
        session_id = self._controller.session_id
        return self._store.session(session_id) if session_id is not None else None

    # -- what the map shows ------------------------------------------------------------

    def current_view(self, name: str) -> SavedView:
        """The map's state now as a view called `name`; ViewStateError when
        there is none to save (no session on the map, a name that will not do)."""
        session = self._session_shown()
        state = self._bridge.view_state
        if session is None:
            raise ViewStateError("there is no session on the map to save a view of")
        if state is None:
            raise ViewStateError("the map has not said yet what it shows; try again in a moment")
        name = name.strip()
        if not name or len(name) > MAX_NAME_CHARS:
            raise ViewStateError(f"a view's name must be 1 to {MAX_NAME_CHARS} characters")
        return SavedView(name, session_ref(session), state)

    def save_view(self, name: str) -> SavedView:
        view = self.current_view(name)
        self._store.views.save(view)
        self._tell(f"Saved the view “{view.name}” of session {view.session.id}")
        return view

    def save_view_file(self, name: str, path: Path) -> SavedView:
        """Write the map's view to `path` (OSError for disk faults)."""
        view = self.current_view(name)
        self.write_view_file(view, path)
        return view

    def write_view_file(self, view: SavedView, path: Path) -> None:
        write_file(view, path)
        self._tell(f"Saved the view “{view.name}” to {path}")

    def open_view(self, view: SavedView) -> SessionInfo:
        """Show `view`: its session (reopened unless it is the one on the map),
        then its centre, zoom, mode and filters. ViewStateError (one line)
        when this data folder does not hold its session."""
        session = find_session(self._store, view.session)
        if self._controller.session_id != session.id:
            self._open_session(session)
        self._bridge.apply_view(view.state)
        log.info("opened the view %r of session %d", view.name, session.id)
        self._tell(f"Opened the view “{view.name}” of session {session.id}")
        return session

    def open_view_file(self, path: Path) -> SessionInfo:
        return self.open_view(read_view_file(path))

    # -- asked for from the menu ---------------------------------------------------------

    def _ask_name(self, title: str) -> str | None:
        name, ok = QInputDialog.getText(self._parent, title, "Name of the view:")
        return name if ok and name.strip() else None

    def _refuse(self, title: str, error: Exception) -> None:
        QMessageBox.warning(self._parent, title, str(error))

    def ask_save_view(self) -> None:
        name = self._ask_name("Save view")
        session = self._session_shown()
        if name is None or session is None:
            return
        taken = {view.name for view in self._store.views.of_session(session.id)}
        if name.strip() in taken:
            answer = QMessageBox.question(
                self._parent, "Save view", f"Replace the view “{name.strip()}”?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.save_view(name)
        except ViewStateError as exc:
            self._refuse("Save view", exc)

    def ask_save_view_file(self) -> None:
        name = self._ask_name("Save view to file")
        if name is None:
            return
        try:
            view = self.current_view(name)
        except ViewStateError as exc:
            self._refuse("Save view to file", exc)
            return
        self._ask_file_and_write(view)

    def _ask_file_and_write(self, view: SavedView) -> None:
        safe = "".join(c if c.isalnum() or c in "-_ " else "_" for c in view.name).strip()
        path, _ = QFileDialog.getSaveFileName(
            self._parent, "Save view to", safe + VIEW_FILE_SUFFIX, VIEW_FILE_FILTER
        )
        if not path:
            return
        try:
            self.write_view_file(view, Path(path))
        except OSError as exc:
            self._refuse("Save view to file", exc)

    def ask_open_view_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._parent, "Open view file", "", VIEW_FILE_FILTER + ";;All files (*)"
        )
        if not path:
            return
        try:
            self.open_view_file(Path(path))
        except ViewStateError as exc:
            self._refuse("Open view file", exc)

    def show_views(self) -> None:
        session = self._session_shown()
        if session is None:
            return
        views = self._store.views.of_session(session.id)
        dialog = ViewsDialog(f"session {session.id}", views, self._parent)
        if not dialog.exec() or dialog.chosen is None:
            return
        chosen = dialog.chosen
        if dialog.action == ViewsDialog.DELETE:
            self._store.views.delete(chosen.id)
            self._tell(f"Deleted the view “{chosen.name}”")
        elif dialog.action == ViewsDialog.SAVE_FILE:
            self._ask_file_and_write(chosen.view)
        else:
            try:
                self.open_view(chosen.view)
            except ViewStateError as exc:
                self._refuse("Open view", exc)
