"""Export speed, size and memory: GeoParquet against CSV and GeoJSON of one session.

Makes a session of N made-up posts (cities weighted by population, spread
over a week, one in ten unlocated) and exports it as GeoParquet (one file,
and a folder a day), CSV and GeoJSON, each in a process of its own through
the real `geotweets export` command, so each peak resident memory is that
export's alone (the interpreter and its imports included). One line a format:
rows a second (the whole command, start-up included), file size, peak memory.

    .venv/bin/python bench/export.py [--posts 1000000]

About two minutes for a million posts on 2 cores, most of it making the session.
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import make_session_store

FORMATS = (
    ("GeoParquet", "out.parquet", ()),
    ("GeoParquet, a folder a day", "by-day", ("--partition", "day")),
    ("CSV", "out.csv", ()),
    ("GeoJSON", "out.geojson", ()),
)


def size_mb(path: Path) -> float:
    files = path.rglob("*") if path.is_dir() else [path]
    return sum(f.stat().st_size for f in files if f.is_file()) / 1e6


# The export command, run in a child that prints its own peak resident memory
# last (VmHWM, in kB). Not ru_maxrss: Linux carries the parent's peak over into
# a child started with vfork, and this parent held the million made-up points.
_PROBE = (
    "import sys; from geotweets_desktop.cli import main; code = main(sys.argv[1:]); "
    "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:'))); "
    "sys.exit(code)"
)


def export_once(db: Path, out: Path, extra: tuple[str, ...]) -> tuple[float, float]:
    """Seconds and peak resident MB of one `geotweets export` process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "export", str(db), "--out", str(out), *extra],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    return seconds, int(done.stdout.strip().splitlines()[-1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="geotweets-bench-export-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    db = scratch / "sessions.db"
    started = time.perf_counter()
    make_session_store(db, args.posts, days=7, unlocated_every=10)
    print(f"made a session of {args.posts:,} posts in {time.perf_counter() - started:.0f} s")
    for label, name, extra in FORMATS:
        out = scratch / name
        seconds, peak_mb = export_once(db, out, extra)
        print(
            f"{label}: {args.posts / seconds:,.0f} rows/s ({seconds:.1f} s), "
            f"{size_mb(out):,.0f} MB, peak resident memory {peak_mb:,.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
