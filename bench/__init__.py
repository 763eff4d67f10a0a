"""The benchmarks (see the README, "Benchmarks")."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path


def offscreen_scratch_env() -> Path:
    """Run the real window offscreen, without online tiles, on a scratch data
    folder that is removed at exit (its archives and stores run to gigabytes)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["GEOTWEETS_TILE_URL"] = ""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    scratch = Path(tempfile.mkdtemp(prefix="geotweets-bench-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    os.environ["GEOTWEETS_DATA_DIR"] = str(scratch)
    return scratch
