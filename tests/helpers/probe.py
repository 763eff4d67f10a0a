"""A script run in a Python process of its own: a fresh interpreter, where
nothing another test did (the gazetteer read, a lock taken) has happened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any


def run_probe(script: str, *args: str) -> Any:
    """Run `script` with `args`; what its last line printed, as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
