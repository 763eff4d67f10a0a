"""Benchmark: process start to a drawn map (issue 5, target 5).

Runs the app's own `--self-check` several times (offscreen, a throw-away data
folder each time) and reads the figures it prints: when the page was ready
and when every offline basemap tile of the first view was drawn, both
measured from the moment the kernel started the process. The first run warms
the disk cache and is reported apart.

Run: `.venv/bin/python bench/startup.py [--runs 7]`
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys

FIGURES = re.compile(r"page ready ([\d.]+) s and map drawn ([\d.]+) s")


def one_run() -> tuple[float, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GEOTWEETS_TILE_URL="")
    env.pop("GEOTWEETS_DATA_DIR", None)  # the self-check makes its own
    result = subprocess.run(
        [sys.executable, "-m", "geotweets_desktop", "--self-check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    found = FIGURES.search(result.stdout)
    if result.returncode != 0 or not found:
        raise SystemExit(f"self-check failed: {result.stderr[-500:]}")
    return float(found.group(1)), float(found.group(2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cold = one_run()
    print(f"first run (cold caches): page ready {cold[0]:.2f} s, map drawn {cold[1]:.2f} s")
    runs = [one_run() for _ in range(args.runs)]
    for index, label in ((0, "page ready"), (1, "map drawn")):
        values = sorted(r[index] for r in runs)
        print(
            f"{label} after process start, warm: median {statistics.median(values):.2f} s, "
            f"min {values[0]:.2f}, max {values[-1]:.2f} ({args.runs} runs)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
