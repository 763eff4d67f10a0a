"""A forked helper process that must not outlive the process that forked it.

A helper that only writes to a pipe ends by itself when its parent dies, at
its next write, once no other process holds the pipe's read end (so a helper
closes the inherited ends that are not its own). That write may be minutes
away: a gzip archive is read whole before anything is sent, and a filter that
matches little sends little. On Linux the kernel can end the helper at once
instead (`PR_SET_PDEATHSIG`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def end_with_parent(parent: int) -> None:
    """Have this (forked) process killed when its parent, `parent`, dies.

    Linux sends the signal when the *thread* that forked ends; callers fork
    from a thread that outlives their helpers (it joins them). Elsewhere this
    does nothing, and the helper ends at its next write to its parent."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return  # refused (never seen): the next write ends the helper
    if os.getppid() != parent:  # it died before the request was made
        os._exit(1)
