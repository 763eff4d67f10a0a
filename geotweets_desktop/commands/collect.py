"""`geotweets collect`: run a source without a window and write the session store.

For scripts and servers. The source runs on a thread; the main thread
stores what arrives every 200 ms, so a kill loses at most that much. An
archive replayed as fast as possible is read by forked processes instead,
one a core (see bulk_replay.py). SIGINT and SIGTERM end the run cleanly. `--out` ending
in `.geojson`, `.csv` or `.parquet` collects into a temporary session store
and exports it at the end.
"""

from __future__ import annotations

import queue
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from geotweets_desktop.commands import bulk_replay
from geotweets_desktop.core.archive.summary import notices_text, reading_text
from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.export import EXPORT_SUFFIXES, ExportError, export_session
from geotweets_desktop.core.live_stats import LiveStats
from geotweets_desktop.core.post import LOCATION_KINDS, Post
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.core.terms import parse_terms
from geotweets_desktop.paths import store_path
from geotweets_desktop.sources.base import Source, StatusEvent
from geotweets_desktop.sources.replay import ReplaySource

STORE_EVERY_S = 0.2
# Headless runs end (non-zero) when X cannot be reached for this long.
NETWORK_GIVE_UP_S = 120.0


class _QueueSink:
    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[list[Post] | StatusEvent] = queue.SimpleQueue()
        # Held by the main thread while it writes a batch. A fast source (a
        # replay at max speed) then waits instead of parsing alongside: two
        # busy threads fight over the GIL, which SQLite releases on every row,
        # and both run at half speed or worse.
        self.writing = threading.Lock()

    def posts(self, posts: list[Post]) -> None:
        with self.writing:
            self.queue.put(posts)

    def status(self, event: StatusEvent) -> None:
        self.queue.put(event)


def _make_source(
    terms: list[str], *, x: bool, search: bool, located_only: bool, areas: list[Area]
) -> Source | None:
    if not x:
        from geotweets_desktop.sources.demo import DemoSource

        return DemoSource(terms)
    from geotweets_desktop import credentials
    from geotweets_desktop.sources.x_search import XRecentSearchSource
    from geotweets_desktop.sources.x_stream import XStreamSource

    token, origin = credentials.resolve_token()
    if token is None:
        print(
            "geotweets collect: no X token: store one in the app (Settings → X credentials) "
            f"or set {credentials.ENV_TOKEN}.",
            file=sys.stderr,
        )
        return None
    print(f"geotweets collect: using the X token from {origin}", file=sys.stderr)
    if search:
        source: XStreamSource | XRecentSearchSource = XRecentSearchSource(
            terms, token, located_only=located_only, areas=areas
        )
    else:
        source = XStreamSource(
            terms,
            token,
            located_only=located_only,
            areas=areas,
            network_give_up_s=NETWORK_GIVE_UP_S,
        )
    if areas:
        print(f"geotweets collect: {source.following_summary()}", file=sys.stderr)
    return source


def collect(
    terms: list[str],
    *,
    demo: bool,
    x: bool = False,
    search: bool = False,
    areas: Sequence[Area] = (),
    replay: str | None = None,
    speed: float | None = None,
    located_only: bool = True,
    out: str | None,
    duration: float | None,
    max_posts: int | None,
) -> int:
    if demo + x + bool(replay) != 1:
        print(
            "geotweets collect: choose one source: --demo, --x or --replay FILE.",
            file=sys.stderr,
        )
        return 2
    if areas and not (x or replay):
        print("geotweets collect: areas work with --x or --replay.", file=sys.stderr)
        return 2
    if not terms and not replay and not (x and areas):
        print(
            "geotweets collect: --term is required (optional with --replay, and with --x "
            "and an area).",
            file=sys.stderr,
        )
        return 2
    if search and not x:
        print("geotweets collect: --search goes with --x.", file=sys.stderr)
        return 2
    path = Path(out) if out else store_path()
    if path.suffix.lower() not in EXPORT_SUFFIXES:
        print(
            f"geotweets collect: {path.name}: write a {', '.join(EXPORT_SUFFIXES)} file.",
            file=sys.stderr,
        )
        return 2
    parsed = parse_terms(terms) if terms else []
    if replay:
        if not Path(replay).is_file():
            print(f"geotweets collect: {replay}: no such file.", file=sys.stderr)
            return 2
        replay_source = ReplaySource(replay, parsed, speed=speed, areas=areas)
        try:
            not_an_archive = replay_source.reader.not_an_archive()
        except OSError as exc:
            not_an_archive = f"cannot read {replay}: {exc.strerror or exc}"
        if not_an_archive:
            print(f"geotweets collect: {not_an_archive}", file=sys.stderr)
            return 2
        source: Source | None = replay_source
        _settle_for_volume()
    else:
        source = _make_source(
            parsed, x=x, search=search, located_only=located_only, areas=list(areas)
        )
    if source is None:
        return 2
    if path.suffix.lower() == ".db":
        status, _session_id, summary = _collect_into(source, path, duration, max_posts)
        print(f"{summary} -> {path}")
        return status
    with tempfile.TemporaryDirectory(prefix="geotweets-collect-") as scratch:
        return _collect_and_export(source, Path(scratch) / "collect.db", path, duration, max_posts)


def _settle_for_volume() -> None:
    """Before a big replay: build the gazetteer now (it also takes itself out of
    the garbage collector's sight, see gazetteer._load), not in mid-stream."""
    from geotweets_desktop.core.gazetteer import gazetteer

    gazetteer().load_all()


def _collect_and_export(
    source: Source, scratch: Path, out: Path, duration: float | None, max_posts: int | None
) -> int:
    """Collect into a scratch store, then export its one session to `out`."""
    status, session_id, summary = _collect_into(source, scratch, duration, max_posts)
    store = SessionStore(scratch)
    try:
        export_session(store, session_id, out)
    except (ExportError, OSError) as exc:
        print(f"geotweets collect: cannot write {out}: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(f"{summary} -> {out}")
    return status


def _collect_into(
    source: Source, path: Path, duration: float | None, max_posts: int | None
) -> tuple[int, int, str]:
    """Run `source` into the store at `path`: (exit status, session id, summary)."""
    if (
        isinstance(source, ReplaySource)
        and source.speed is None
        and duration is None
        and not source.areas
        and bulk_replay.available()
    ):
        # As fast as possible: reader processes feed this one (see bulk_replay.py).
        return _bulk_collect_into(source, path, max_posts)
    store = SessionStore(path)
    areas = list(getattr(source, "areas", ()))
    session_id = store.start_session(source.label, source.terms, source.synthetic, areas)
    sink = _QueueSink()
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    worker = threading.Thread(target=source.run, args=(sink,), name="source", daemon=True)
    worker.start()
    stats = LiveStats()
    kinds: Counter[str] = Counter()
    error: str | None = None
    deadline = time.monotonic() + duration if duration else None
    try:
        while not stop.is_set():
            stop.wait(STORE_EVERY_S)
            # Asked before draining: a source that ended after the drain
            # would otherwise lose its last batch.
            finished = not worker.is_alive()
            batch: list[Post] = []
            while not sink.queue.empty():
                item = sink.queue.get()
                if isinstance(item, StatusEvent):
                    if item.state == "error":
                        error = item.message
                        stop.set()
                    continue
                batch.extend(item)
            if max_posts is not None:
                batch = batch[: max(0, max_posts - stats.received)]
            with sink.writing:
                added = store.add_posts(session_id, batch)
            stats.add((post for _, post in added), duplicates=len(batch) - len(added))
            kinds.update(p.location.kind for _, p in added if p.location)
            if max_posts is not None and stats.received >= max_posts:
                break
            if deadline is not None and time.monotonic() >= deadline:
                break
            if finished:
                break
    finally:
        source.stop()
        worker.join(timeout=2)
        store.end_session(session_id)
        store.close()
    duplicates = f"{stats.duplicates} duplicates skipped"
    located = f"{stats.located} located ({_by_kind(kinds)})"
    reader = getattr(source, "reader", None)
    if reader is not None:  # a replay: what the file held, and what was wrong with it
        stopped = str(reader.stopped) if reader.stopped else None
        reading = reading_text(
            reader.bad_records, reader.posts_with_faults, reader.notices, stopped
        )
        summary = (
            f"session {session_id}: {reader.posts_read} posts read, {stats.received} kept, "
            f"{duplicates}, {located}, {reading}"
        )
        _report_problems(reader.problems, reader.bad_records)
    else:
        notices = notices_text(getattr(source, "notices", {}))
        summary = f"session {session_id}: {stats.received} posts, {duplicates}, {located}"
        summary += f", {notices}" if notices else ""
    if error:
        print(f"geotweets collect: {error}", file=sys.stderr)
        return 1, session_id, summary
    return 0, session_id, summary


def _bulk_collect_into(
    source: ReplaySource, path: Path, max_posts: int | None
) -> tuple[int, int, str]:
    store = SessionStore(path)
    session_id = store.start_session(source.label, source.terms, source.synthetic)
    try:
        result = bulk_replay.bulk_replay(source.path, source.terms, store, session_id, max_posts)
    finally:
        store.end_session(session_id)
        store.close()
    kinds = result.kinds
    reading = reading_text(
        result.bad_records, result.posts_with_faults, result.notices, result.stopped
    )
    summary = (
        f"session {session_id}: {result.posts_read} posts read, {result.added} kept, "
        f"{result.kept - result.added} duplicates skipped, "
        f"{sum(kinds.values())} located ({_by_kind(kinds)}), {reading}"
    )
    _report_problems(result.problems, result.bad_records)
    if result.error:
        print(f"geotweets collect: {result.error}", file=sys.stderr)
        return 1, session_id, summary
    return 0, session_id, summary


def _by_kind(kinds: Counter[str]) -> str:
    return ", ".join(f"{k} {kinds[k]}" for k in LOCATION_KINDS)


def _report_problems(problems: Sequence[object], total: int, show: int = 5) -> None:
    """The first few problems of a replayed file, one a line on stderr."""
    for problem in problems[:show]:
        print(f"geotweets collect: {problem}", file=sys.stderr)
    if len(problems) > show or total > show:
        more = max(len(problems), total) - show
        print(f"geotweets collect: ... and {more} more problems", file=sys.stderr)
