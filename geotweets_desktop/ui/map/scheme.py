"""`geotweets://app/...`: the only origin the map page loads from.

Serves the generated page, our own page files (`static/`), the pinned
third-party web libraries (`vendor/`, from the npm packages installed by the
set-up command), Qt's qwebchannel.js and the binary parts of the points
offered to the page (`points/`, see point_feed.py). Nothing outside those
folders can be reached: a path that escapes them is a 404.

The request interceptor keeps the page from reaching the network, except
for map tiles from the configured tile server.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QBuffer, QByteArray, QFile, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from geotweets_desktop.paths import resources_dir
from geotweets_desktop.ui.map import point_feed
from geotweets_desktop.ui.map.page import map_page_html

log = logging.getLogger(__name__)

SCHEME = b"geotweets"
PAGE_URL = "geotweets://app/map.html"

# vendor/<name>/... -> the folder of a pinned npm package that may be served.
VENDOR_DIRS = {
    "leaflet": Path("node_modules/leaflet/dist"),
    "topojson-client": Path("node_modules/topojson-client/dist"),
    "uplot": Path("node_modules/uplot/dist"),
    "world-atlas": Path("node_modules/world-atlas"),
}
_MIME_OVERRIDES = {".js": "text/javascript", ".json": "application/json", ".css": "text/css"}


def register_scheme() -> None:
    """Must run before the QApplication exists."""
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    # Not a LocalScheme: local content is barred from file URLs (see map_view),
    # and that bar would also stop the page loading its own scripts.
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.CorsEnabled
        | QWebEngineUrlScheme.Flag.FetchApiAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def resolve(path: str) -> tuple[bytes, str] | None:
    """The body and MIME type for a URL path, or None when nothing is served there."""
    if path in ("/", "/map.html"):
        return map_page_html(), "text/html"
    if path == "/qwebchannel.js":
        qfile = QFile(":/qtwebchannel/qwebchannel.js")
        if not qfile.open(QIODevice.OpenModeFlag.ReadOnly):
            return None
        return bytes(qfile.readAll().data()), "text/javascript"
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2 or any(p in (".", "..") or "\\" in p for p in parts):
        return None
    if parts[0] == "points" and len(parts) == 3:
        body = point_feed.part(parts[1], parts[2])
        return (body, "application/octet-stream") if body is not None else None
    root = resources_dir()
    if parts[0] == "static":
        base, rest = root / "web", parts[1:]
    elif parts[0] == "vendor" and parts[1] in VENDOR_DIRS:
        base, rest = root / VENDOR_DIRS[parts[1]], parts[2:]
    else:
        return None
    target = base.joinpath(*rest).resolve()
    if not target.is_file() or not target.is_relative_to(base.resolve()):
        return None
    mime = _MIME_OVERRIDES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
    return target.read_bytes(), mime or "application/octet-stream"


class AppSchemeHandler(QWebEngineUrlSchemeHandler):
    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        if url.host() != "app":
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        found = resolve(url.path())
        if found is None:
            log.warning("map page asked for a missing file: %s", url.path())
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        body, mime = found
        buffer = QBuffer(parent=job)
        buffer.setData(QByteArray(body))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime.encode("ascii"), buffer)


class NetworkGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request but our scheme, inline data, and the tile server."""

    def __init__(self, tile_url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # "{s}.tile.example" (Leaflet's subdomain placeholder) allows any subdomain.
        host = urlsplit(tile_url).hostname if tile_url else None
        self._tile_host = host.removeprefix("{s}") if host else None
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        scheme = url.scheme()
        if scheme in ("geotweets", "data", "blob"):
            return
        if scheme == "https" and self._is_tile_host(url.host()):
            return
        self.blocked.append(url.toString())
        log.warning("blocked a request from the map page to %s", url.host() or url.scheme())
        info.block(True)

    def _is_tile_host(self, host: str) -> bool:
        allowed = self._tile_host
        if not allowed:
            return False
        return host == allowed or (allowed.startswith(".") and host.endswith(allowed))
