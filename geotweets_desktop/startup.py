"""Process-wide tweaks, made in one place by the window and the commands.

Both serve one need: posts pour in on one thread while another (the GUI
thread, or `collect`'s writer) must keep its pace under the one interpreter
lock.

- **Switch interval** (the window only): the interpreter hands the lock over
  every 1 ms instead of every 5 ms, so a busy source thread (the demo, a
  paced replay, recent search) cannot hold up the GUI thread for long. The
  X stream and a replay at full speed run in processes of their own, which
  share no lock with it (figures: `bench/live_latency.py`).
- **Freezing**: what lives as long as the process (modules, templates, Qt
  wrappers, the gazetteer's few hundred thousand objects) is frozen out of
  the cyclic garbage collector's sight (`gc.freeze`) once it exists. Left in
  sight, every full collection walks it all again with the lock held, 20-30
  ms or more every two seconds or so while posts pour in, which stalls the
  window and halves ingest. The window freezes once its start-up is over
  (`settle_start_up`) and again once a source has loaded the gazetteer
  (`settle`); `collect` once, while its source connects.
- **The gazetteer is loaded only for posts to locate** (`settle`: before a
  source's first post). Reopening a session, exporting or opening a view
  never loads it: it is about 100 MB of the window's memory. The window's
  sources wait for it on a thread of its own (`settle_in_background`), so
  Stop need not wait for a load of several seconds.

Library modules (the gazetteer, the store) never change these themselves.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

WINDOW_SWITCH_INTERVAL_S = 0.001


def prepare_window_process() -> None:
    """Before the window starts."""
    sys.setswitchinterval(WINDOW_SWITCH_INTERVAL_S)


def settle_start_up() -> None:
    """The window, once its start-up is over (on any thread)."""
    gc.freeze()


def settle(gazetteer_snapshots: Path | None = None) -> None:
    """Before posts pour in that need locating (on any thread; again is
    harmless): the gazetteer is loaded, then frozen with the rest. With
    `gazetteer_snapshots`, the whole gazetteer is read from a snapshot there
    (or built and kept there: core/gazetteer_snapshot.py)."""
    from geotweets_desktop.core.gazetteer import gazetteer, gazetteer_loaded

    built_now = not gazetteer_loaded()
    gazetteer(gazetteer_snapshots)
    gc.freeze()
    if built_now:
        _give_back_free_heap()


_settling_lock = threading.Lock()
_settling: list[threading.Event] = []  # set once the one background `settle` is over


def settle_in_background() -> threading.Event:
    """`settle` on a thread of its own, started by the first call: an event
    set once it is over, which a source's thread can stop waiting for (Stop)
    while the load goes on. Should the load fail, the event is set all the
    same, and the first post that needs the gazetteer says why."""
    with _settling_lock:
        if not _settling:
            over = threading.Event()

            def load() -> None:
                try:
                    settle()
                except Exception:
                    log.exception("the offline gazetteer could not be read")
                finally:
                    over.set()

            threading.Thread(target=load, name="gazetteer", daemon=True).start()
            _settling.append(over)
        return _settling[0]


def _give_back_free_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim):
    building the gazetteer passes through 10-40 MB more than it keeps, which
    glibc would otherwise hold for the process's next allocations."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # another C library
            ctypes.CDLL("libc.so.6").malloc_trim(0)
