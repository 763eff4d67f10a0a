"""The QWebEngineView showing the map page, locked down.

- The page comes from `geotweets://app/` and cannot navigate away; links
  open in the system browser.
- No pop-up windows; local content cannot reach remote URLs; the network
  guard lets through only the tile server.
- JavaScript console messages go to our log; errors are also kept in
  `page.js_errors`, which the tests check is empty.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from geotweets_desktop import __version__
from geotweets_desktop.ui.map.bridge import MapBridge
from geotweets_desktop.ui.map.page_start import PageStartWatch
from geotweets_desktop.ui.map.scheme import PAGE_URL, SCHEME, AppSchemeHandler, NetworkGuard

log = logging.getLogger("geotweets.page")

# Identifies the app to the tile server, as OpenStreetMap's tile usage policy asks.
USER_AGENT = f"GeoTweetsDesktop/{__version__} (desktop map of public posts)"
_Level = QWebEnginePage.JavaScriptConsoleMessageLevel


class MapPage(QWebEnginePage):
    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self.js_errors: list[str] = []

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        where = f"{QUrl(source).path()}:{line}"
        if level == _Level.ErrorMessageLevel:
            self.js_errors.append(f"{message} ({where})")
            log.error("page: %s (%s)", message, where)
        elif level == _Level.WarningMessageLevel:
            log.warning("page: %s (%s)", message, where)
        else:
            log.debug("page: %s (%s)", message, where)

    def acceptNavigationRequest(
        self, url: QUrl | str, nav_type: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        url = QUrl(url)
        if url.toString() == PAGE_URL and nav_type in (
            QWebEnginePage.NavigationType.NavigationTypeTyped,
            QWebEnginePage.NavigationType.NavigationTypeReload,
        ):
            return True
        # Only a link the user clicked goes to the system browser; a script
        # that tries to navigate is simply stopped.
        link_clicked = nav_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked
        if link_clicked and url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)
        log.info("kept the map page from navigating to %s", url.scheme() + "://" + url.host())
        return False

    # Qt takes None ("no window") although the stubs say a page must come back.
    def createWindow(self, _type: QWebEnginePage.WebWindowType) -> None:  # type: ignore[override]
        return None


@cache
def web_profile(tile_url: str, data_folder: Path) -> tuple[QWebEngineProfile, NetworkGuard]:
    """The profile of the process (one per tile server setting). It belongs to the
    application, so it outlives every page: Qt warns when a profile dies first."""
    profile = QWebEngineProfile("geotweets", QCoreApplication.instance())
    profile.setPersistentStoragePath(str(data_folder / "web"))
    profile.setCachePath(str(data_folder / "web-cache"))
    profile.setHttpUserAgent(USER_AGENT)
    profile.installUrlSchemeHandler(SCHEME, AppSchemeHandler(profile))
    guard = NetworkGuard(tile_url, profile)
    profile.setUrlRequestInterceptor(guard)
    return profile, guard


class MapView(QWebEngineView):
    """The map, with `bridge` as its only data channel."""

    def __init__(self, tile_url: str, data_folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        profile, self.guard = web_profile(tile_url, data_folder)
        self.map_page = MapPage(profile, self)
        settings = self.map_page.settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)
        settings.setAttribute(
            QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False
        )
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.ErrorPageEnabled, False)
        self.setPage(self.map_page)
        self.bridge = MapBridge(tile_url, self)
        self._channel = QWebChannel(self)
        self._channel.registerObject("bridge", self.bridge)
        self.map_page.setWebChannel(self._channel)
        # Knows the page is ready even if its one report is lost; says so when it never is.
        self.start_watch = PageStartWatch(self.map_page, self.bridge, self)
        self.setUrl(QUrl(PAGE_URL))
