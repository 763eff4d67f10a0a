"""Shared test set-up: offscreen Qt, no sandbox as root, an isolated data folder,
no online tiles (the network is not part of any test)."""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["GEOTWEETS_TILE_URL"] = ""
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


@pytest.fixture(scope="session", autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One cache folder for the whole run (the gazetteer's snapshot is made once)."""
    folder = tmp_path_factory.mktemp("geotweets-cache")
    os.environ["GEOTWEETS_CACHE_DIR"] = str(folder)
    yield folder
    del os.environ["GEOTWEETS_CACHE_DIR"]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty GeoTweets data folder."""
    folder = tmp_path / "geotweets-data"
    monkeypatch.setenv("GEOTWEETS_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def restore_process_state() -> Iterator[None]:
    """For tests that run `collect` in this process: it installs SIGINT/SIGTERM
    handlers and freezes the garbage collector; undo both."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    gc.unfreeze()
