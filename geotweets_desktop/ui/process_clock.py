"""When this process started, for honest start-up figures.

On Linux the kernel knows (`/proc/self/stat`, field 22, in clock ticks since
boot); elsewhere the first import of this module stands in for it.
"""

from __future__ import annotations

import os
import time

_IMPORTED = time.time()


def process_start_epoch() -> float:
    """Unix time at which this process started."""
    try:
        with open("/proc/self/stat") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return _IMPORTED
    return time.time() - (uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
