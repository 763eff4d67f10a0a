"""Where things live: the user's data, and the files the app ships with."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The user data directory; `GEOTWEETS_DATA_DIR` overrides it (tests, portable use)."""
    override = os.environ.get("GEOTWEETS_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("GeoTweets", "GeoTweets"))


def cache_dir() -> Path:
    """Files the app can make again (the gazetteer's snapshot);
    `GEOTWEETS_CACHE_DIR` overrides it (tests)."""
    override = os.environ.get("GEOTWEETS_CACHE_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir("GeoTweets", "GeoTweets"))


def store_path(folder: Path | None = None) -> Path:
    return (folder or data_dir()) / "sessions.db"


def resources_dir() -> Path:
    """Shipped resources: inside the package in a wheel or the frozen app,
    beside the package in a source checkout."""
    for candidate in (_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent / "resources"):
        if (candidate / "web").is_dir():
            return candidate
    raise FileNotFoundError(
        "The map page's resources are missing; run the set-up command from the README."
    )
