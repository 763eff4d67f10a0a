"""One typed wrapper over QSettings, with defaults and a version.

Given a data folder, or with `GEOTWEETS_DATA_DIR` set (the self-check, tests,
portable use), settings live in an INI file there instead of the platform's
own place. Secrets never come here:
they live in the keyring (see `geotweets_desktop.credentials`).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from geotweets_desktop.core.usage import DEFAULT_PRICE_PER_POST, UsageLimits
from geotweets_desktop.paths import data_dir

SETTINGS_VERSION = 1
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


class AppSettings:
    def __init__(self, folder: Path | None = None, *, offline: bool = False) -> None:
        """`folder` holds the data (default: `paths.data_dir()`); `offline`
        loads no online tiles whatever the settings say."""
        self.data_folder = folder or data_dir()
        self.offline = offline
        if folder is not None or os.environ.get("GEOTWEETS_DATA_DIR"):
            path = str(self.data_folder / "settings.ini")
            self._s = QSettings(path, QSettings.Format.IniFormat)
        else:
            self._s = QSettings("GeoTweets", "GeoTweets Desktop")
        if self._float("version", 0) < SETTINGS_VERSION:
            self._s.setValue("version", SETTINGS_VERSION)

    def _str(self, key: str, default: str) -> str:
        value = self._s.value(key, default)
        return value if isinstance(value, str) else default

    def _float(self, key: str, default: float) -> float:
        try:
            return float(str(self._s.value(key, default)))
        except (TypeError, ValueError):
            return default

    def _bool(self, key: str, default: bool) -> bool:
        value = self._s.value(key, default)
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes")
        return bool(value)

    @property
    def last_terms(self) -> str:
        return self._str("search/last_terms", "rain, sun")

    @last_terms.setter
    def last_terms(self, value: str) -> None:
        self._s.setValue("search/last_terms", value)

    @property
    def online_tiles(self) -> bool:
        """Load OpenStreetMap tiles; the offline basemap is always underneath."""
        return self._bool("map/online_tiles", True)

    @online_tiles.setter
    def online_tiles(self, value: bool) -> None:
        self._s.setValue("map/online_tiles", value)

    @property
    def tile_url(self) -> str:
        """`GEOTWEETS_TILE_URL` overrides it; an empty value means offline only."""
        if self.offline:
            return ""
        env = os.environ.get("GEOTWEETS_TILE_URL")
        if env is not None:
            return env
        return self._str("map/tile_url", DEFAULT_TILE_URL) if self.online_tiles else ""

    @property
    def source(self) -> str:
        return self._str("search/source", "demo")

    @source.setter
    def source(self, value: str) -> None:
        self._s.setValue("search/source", value)

    @property
    def located_only(self) -> bool:
        """Ask X only for posts with a place or point (`has:geo`): fewer posts billed."""
        return self._bool("search/located_only", True)

    @located_only.setter
    def located_only(self, value: bool) -> None:
        self._s.setValue("search/located_only", value)

    @property
    def price_per_post(self) -> float:
        return self._float("usage/price_per_post", DEFAULT_PRICE_PER_POST)

    @price_per_post.setter
    def price_per_post(self, value: float) -> None:
        self._s.setValue("usage/price_per_post", value)

    @property
    def usage_limits(self) -> UsageLimits:
        """Zero means no limit."""
        posts = int(self._float("usage/max_posts", 0))
        cost = self._float("usage/max_cost", 0)
        minutes = self._float("usage/max_minutes", 0)
        month_posts = int(self._float("usage/max_month_posts", 0))
        return UsageLimits(posts or None, cost or None, minutes or None, month_posts or None)

    @usage_limits.setter
    def usage_limits(self, limits: UsageLimits) -> None:
        self._s.setValue("usage/max_posts", limits.max_posts or 0)
        self._s.setValue("usage/max_cost", limits.max_cost or 0)
        self._s.setValue("usage/max_minutes", limits.max_minutes or 0)
        self._s.setValue("usage/max_month_posts", limits.max_month_posts or 0)

    @property
    def archive_folder(self) -> str:
        """Where the last archive was opened from (empty: the current folder)."""
        return self._str("archive/folder", "")

    @archive_folder.setter
    def archive_folder(self, value: str) -> None:
        self._s.setValue("archive/folder", value)

    @property
    def replay_pace(self) -> str:
        """The pace last chosen for a replay, as the archive dialog names it."""
        return self._str("archive/pace", "")

    @replay_pace.setter
    def replay_pace(self, value: str) -> None:
        self._s.setValue("archive/pace", value)

    def folded(self, part: str) -> bool | None:
        """The user's own choice to fold (True) or show (False) a part of the
        map's page ("lists", "legend"); None until they choose, and the page
        folds it in a small window."""
        value = self._str(f"map/{part}", "")
        return {"folded": True, "shown": False}.get(value)

    def set_folded(self, part: str, folded: bool) -> None:
        self._s.setValue(f"map/{part}", "folded" if folded else "shown")

    @property
    def window_geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

    def sync(self) -> None:
        self._s.sync()
