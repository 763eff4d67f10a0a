"""Process-wide tweaks, made in one place by the window and the commands.

Both serve one need: posts pour in on one thread while another (the GUI
thread, or `collect`'s writer) must keep its pace under the one interpreter
lock.

- **Switch interval** (the window only): the interpreter hands the lock over
  every 1 ms instead of every 5 ms, so a busy stream thread cannot hold up
  the GUI thread for long (figures: `bench/live_latency.py`).
- **Settling**: once start-up is over, the gazetteer is built (about a
  second) and everything made so far (modules, the gazetteer's few hundred
  thousand objects, templates, Qt wrappers) is frozen out of the cyclic
  garbage collector's sight (`gc.freeze`). These live as long as the
  process; left in sight, every full collection walks them all again with
  the lock held, 20-30 ms or more every two seconds or so while posts pour
  in, which stalls the window and halves ingest.

Library modules (the gazetteer, the store) never change these themselves.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

WINDOW_SWITCH_INTERVAL_S = 0.001


def prepare_window_process() -> None:
    """Before the window starts."""
    sys.setswitchinterval(WINDOW_SWITCH_INTERVAL_S)


def settle(gazetteer_snapshots: Path | None = None) -> None:
    """After start-up, before posts pour in (on any thread; again is harmless).
    With `gazetteer_snapshots`, the whole gazetteer is read from a snapshot
    there (or built and kept there: core/gazetteer_snapshot.py)."""
    from geotweets_desktop.core.gazetteer import gazetteer

    gazetteer(gazetteer_snapshots)
    gc.freeze()
