"""Benchmark: how long a flush holds the window's GUI thread, writing in it or handing over.

The window takes posts in batches of up to 500 (ui/controller.py). Here a
loop stands for the GUI thread: a batch every 50 ms (10,000 posts/s, the
live burst), made-up 4.5 KB posts from the bench/ingest.py generator. A
flush's lag is the time the loop is held by it, map included (what the
bridge does before Qt takes the message: its encoding). Three ways:

- `in place`, the way before the store writer: the batch is stored on the
  GUI thread (`SessionEngine.add`, one SQLite transaction), its points
  made from the posts and sent as JSON;
- `writer, points rebuilt`, the store writer as it first landed: the
  batch is handed over (`SessionEngine.hand_over`) and, once written, the
  GUI thread rebuilt each new located post's point and sent them as JSON
  (here: the blob read back into points, the same per-post work);
- `writer`, now: the writer hands back the counts and the blob it wrote
  in the same transaction, and the GUI thread passes the blob on as it is
  (base64).

The writer ways deliver what was written and hand over the next batch, at
most two batches with the writer, as in the window. Each way runs on an
idle disk, then while another process hammers the same disk (8 MiB writes,
each followed by fsync). Also printed: for the writer, the time from
hand-over to acknowledged.

Run: `.venv/bin/python bench/store_writer.py [--posts 100000]`
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 500
TICK_S = 0.05
MAX_WRITING = 2


def hammer(folder: Path) -> int:
    """The disk hammer (its own process): write and fsync until killed."""
    chunk = os.urandom(8 << 20)
    path = folder / "hammer.bin"
    while True:
        with open(path, "wb") as f:
            for _ in range(8):
                f.write(chunk)
                f.flush()
                os.fsync(f.fileno())


class JsonMap:
    """The map as the old ways fed it: each new located post as a point, all
    of them JSON (what `MapBridge.add_points` sends)."""

    def add_point_blobs(self, blobs: bytes) -> None:
        from geotweets_desktop.core.point_batch import decode_points, point_columns
        from geotweets_desktop.ui.map.bridge import to_json

        to_json(point_columns(decode_points(blobs)))


class BlobMap:
    """The map as it is fed now (`MapBridge.add_point_blobs`): the blob in base64."""

    def add_point_blobs(self, blobs: bytes) -> None:
        base64.b64encode(blobs).decode("ascii")


WAYS = ("in place", "writer, points rebuilt", "writer")


def run(way: str, posts: list[object], db: Path) -> tuple[list[float], list[float]]:
    """Flush lags (ms) and, for the writer, hand-over-to-acknowledged times (ms)."""
    from geotweets_desktop.core.session import SessionEngine
    from geotweets_desktop.core.store import SessionStore
    from geotweets_desktop.core.store_writer import StoreWriter

    store = SessionStore(db)
    writer = StoreWriter(db) if way != "in place" else None
    map_sink = BlobMap() if way == "writer" else JsonMap()
    engine = SessionEngine(
        store, label="bench", terms=["rain"], synthetic=False, writer=writer, map_sink=map_sink
    )
    lags: list[float] = []
    acknowledged: list[float] = []
    handed: list[float] = []
    pending = list(posts)
    next_tick = time.perf_counter()

    def timed(step: Callable[[], None]) -> None:
        started = time.perf_counter()
        step()
        lags.append((time.perf_counter() - started) * 1000)

    def flush_with_writer() -> None:
        assert writer is not None
        delivered = writer.deliver()
        now = time.perf_counter()
        acknowledged.extend((now - handed.pop(0)) * 1000 for _ in range(delivered))
        if pending and writer.unfinished < MAX_WRITING:
            engine.hand_over(pending[:BATCH])  # type: ignore[arg-type]
            handed.append(time.perf_counter())
            del pending[:BATCH]

    def flush_in_place() -> None:
        engine.add(pending[:BATCH])  # type: ignore[arg-type]
        del pending[:BATCH]

    while pending or (writer is not None and writer.unfinished):
        timed(flush_with_writer if writer is not None else flush_in_place)
        next_tick += TICK_S
        time.sleep(max(0.0, next_tick - time.perf_counter()))
    if writer is not None:
        writer.close(60)
    store.close()
    return lags, acknowledged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--hammer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.hammer:
        return hammer(Path(args.hammer))
    sys.path.insert(0, str(ROOT))
    from bench.archives import make_archive
    from bench.common import percentile
    from geotweets_desktop import startup
    from geotweets_desktop.core.archive import ArchiveReader
    from geotweets_desktop.core.gazetteer import gazetteer, locate_profile

    startup.prepare_window_process()  # as in the window: the lock changes hands every 1 ms
    gazetteer().load_all()
    with tempfile.TemporaryDirectory(prefix="geotweets-bench-") as scratch_name:
        scratch = Path(scratch_name)
        archive = scratch / "archive.jsonl"
        make_archive(archive, args.posts)
        posts: list[object] = list(ArchiveReader(archive, locate_profile).posts())
        archive.unlink()
        startup.settle()
        for disk in ("idle disk", "disk hammered"):
            hammering = (
                subprocess.Popen([sys.executable, __file__, "--hammer", str(scratch)])
                if disk == "disk hammered"
                else None
            )
            try:
                for way in WAYS:
                    db = scratch / f"{way}-{disk}.db".replace(" ", "-")
                    lags, acknowledged = run(way, posts, db)
                    line = (
                        f"{disk}, {way:22}: flush lag p50 {percentile(lags, 0.5):5.1f} ms, "
                        f"p99 {percentile(lags, 0.99):5.1f} ms, max {max(lags):5.1f} ms "
                        f"({len(lags):,} flushes of up to {BATCH} posts)"
                    )
                    if acknowledged:
                        line += (
                            f"; hand-over to acknowledged p50 {percentile(acknowledged, 0.5):.0f}"
                            f" ms, p99 {percentile(acknowledged, 0.99):.0f} ms"
                        )
                    print(line, flush=True)
                    db.unlink()
            finally:
                if hammering is not None:
                    hammering.kill()
                    hammering.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
