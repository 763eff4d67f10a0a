"""`geotweets collect`: run a source without a window and write the session store.

For scripts and servers. The source runs on a thread; the main thread
stores what arrives every 200 ms, so a kill loses at most that much. An
archive replayed as fast as possible is read by forked processes instead,
one a core (see bulk_replay.py). SIGINT and SIGTERM end the run cleanly. `--out` ending
in `.geojson`, `.csv` or `.parquet` (or a folder, with `--partition day`)
collects into a temporary session store and exports it at the end.
`--report PATH.html` writes the session's report file at the end (core/report).
"""

from __future__ import annotations

import queue
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from geotweets_desktop import startup
from geotweets_desktop.commands import bulk_replay
from geotweets_desktop.core.archive_payload import reference_refusal
from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.export import (
    EXPORT_SUFFIXES,
    ExportError,
    check_partition_folder,
    export_session,
)
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.report import ReportError, check_report_path, write_report
from geotweets_desktop.core.session import (
    ArchiveReport,
    SessionEngine,
    SessionLimits,
    SessionSummary,
)
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.core.terms import parse_terms
from geotweets_desktop.paths import cache_dir, store_path
from geotweets_desktop.sources import factory
from geotweets_desktop.sources.base import (
    CountsNotices,
    FollowsAreas,
    ReadsArchive,
    Source,
    StatusEvent,
    areas_of,
)

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


def _make_source(choice: factory.SourceChoice) -> Source | None:
    """The chosen source; None (and a line on stderr) when X has no token."""
    token = None
    if choice.kind in factory.X_KINDS:
        from geotweets_desktop import credentials

        token, origin = credentials.resolve_token()
        if token is None:
            print(
                "geotweets collect: no X token: store one in the app (Settings → X credentials) "
                f"or set {credentials.ENV_TOKEN}.",
                file=sys.stderr,
            )
            return None
        print(f"geotweets collect: using the X token from {origin}", file=sys.stderr)
    source = factory.build_source(choice, token)
    if isinstance(source, FollowsAreas) and source.areas:
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
    copy_payloads: bool = False,
    located_only: bool = True,
    out: str | None,
    partition: str | None = None,
    duration: float | None,
    max_posts: int | None,
    report: str | None = None,
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
    if partition is not None:
        # Checked before collecting: a long collection must not end on a folder it cannot use.
        if out is None:
            print("geotweets collect: --partition needs --out FOLDER.", file=sys.stderr)
            return 2
        try:
            check_partition_folder(path, partition)
        except ExportError as exc:
            print(f"geotweets collect: {exc}", file=sys.stderr)
            return 2
    elif path.suffix.lower() not in EXPORT_SUFFIXES:
        print(
            f"geotweets collect: {path.name}: write a {', '.join(EXPORT_SUFFIXES)} file.",
            file=sys.stderr,
        )
        return 2
    report_path = Path(report) if report else None
    if report_path is not None:
        # Checked before collecting, like --out: the report is written at the end.
        try:
            check_report_path(report_path)
        except ReportError as exc:
            print(f"geotweets collect: --report: {exc}.", file=sys.stderr)
            return 2
    parsed = parse_terms(terms) if terms else []
    if replay and not Path(replay).is_file():
        print(f"geotweets collect: {replay}: no such file.", file=sys.stderr)
        return 2
    if replay:
        kind = factory.REPLAY
    elif x:
        kind = factory.X_SEARCH if search else factory.X_STREAM
    else:
        kind = factory.DEMO
    choice = factory.SourceChoice(
        kind,
        parsed,
        located_only=located_only,
        archive=Path(replay) if replay else None,
        speed=speed,
        areas=areas,
        network_give_up_s=NETWORK_GIVE_UP_S,
    )
    source = _make_source(choice)
    if source is None:
        return 2
    if isinstance(source, ReadsArchive) and (reason := source.not_an_archive()):
        print(f"geotweets collect: {reason}", file=sys.stderr)
        return 2
    if path.suffix.lower() == ".db" and partition is None:
        status, summary = _collect_into(
            source, path, duration, max_posts, copy_payloads=copy_payloads
        )
        print(f"{summary.line()} -> {path}")
        return _report(path, summary.session_id, report_path) or status
    with tempfile.TemporaryDirectory(prefix="geotweets-collect-") as scratch:
        return _collect_and_export(
            source, Path(scratch) / "collect.db", path, partition, duration, max_posts, report_path
        )


def _collect_and_export(
    source: Source,
    scratch: Path,
    out: Path,
    partition: str | None,
    duration: float | None,
    max_posts: int | None,
    report: Path | None,
) -> int:
    """Collect into a scratch store, then export its one session to `out`
    (which holds no raw payloads: the scratch store keeps them by reference)."""
    status, summary = _collect_into(source, scratch, duration, max_posts, scratch=True)
    store = SessionStore(scratch)
    try:
        export_session(store, summary.session_id, out, partition=partition)
    except (ExportError, OSError) as exc:
        print(f"geotweets collect: cannot write {out}: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(f"{summary.line()} -> {out}")
    return _report(scratch, summary.session_id, report) or status


def _report(store_path: Path, session_id: int, out: Path | None) -> int:
    """Write the session's report to `out` (if asked): 0, or 2 with one line on stderr."""
    if out is None:
        return 0
    try:
        write_report(store_path, session_id, out)
    except OSError as exc:
        why = exc.strerror or exc
        print(f"geotweets collect: cannot write the report {out}: {why}", file=sys.stderr)
        return 2
    print(f"report -> {out}")
    return 0


def _collect_into(
    source: Source,
    path: Path,
    duration: float | None,
    max_posts: int | None,
    *,
    copy_payloads: bool = False,
    scratch: bool = False,
) -> tuple[int, SessionSummary]:
    """Run `source` into the store at `path`: (exit status, what it caught).

    A replay at full speed keeps payloads by reference where it may (unless
    `copy_payloads`), and says so unless the store is a `scratch` one."""
    store = SessionStore(path)
    engine = SessionEngine(
        store,
        label=source.label,
        terms=source.terms,
        synthetic=source.synthetic,
        areas=areas_of(source),
        limits=SessionLimits(max_posts=max_posts, max_seconds=duration),
    )
    try:
        if (
            isinstance(source, ReadsArchive)
            and source.speed is None
            and duration is None
            and bulk_replay.available()
        ):
            # As fast as possible: reader processes feed this one (see bulk_replay.py).
            # The whole gazetteer, read from its snapshot (a fifth of building it).
            startup.settle(cache_dir())
            by_reference = not copy_payloads and (scratch or reference_refusal(source.path) is None)
            result = bulk_replay.bulk_replay(
                source.path, source.terms, engine, by_reference=by_reference
            )
            if result.by_reference and not scratch:
                print(
                    f"geotweets collect: {result.by_reference} raw payloads are kept by "
                    f"reference to {source.path.resolve()}, not copied: keep the file there "
                    "(or replay with --copy-payloads)",
                    file=sys.stderr,
                )
            report: ArchiveReport | None = result.report
            engine.note_status("error" if result.error else "stopped", result.error or "")
        else:
            _run_on_thread(source, engine)
            report = source.archive_report() if isinstance(source, ReadsArchive) else None
    finally:
        engine.end()
        store.close()
    if report is not None:  # a replay: what was wrong with the file
        _report_problems(report.problems, report.bad_records)
    notices = source.notices if isinstance(source, CountsNotices) else None
    summary = engine.summary(report, notices)
    if engine.error:
        print(f"geotweets collect: {engine.error}", file=sys.stderr)
        return 1, summary
    return 0, summary


def _run_on_thread(source: Source, engine: SessionEngine) -> None:
    """Run `source` on a thread, handing what it sends to `engine` every
    `STORE_EVERY_S`, until it ends, fails, reaches a limit or is signalled."""
    sink = _QueueSink()
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    worker = threading.Thread(target=source.run, args=(sink,), name="source", daemon=True)
    worker.start()
    startup.settle()  # while the source connects or opens its file, before posts pour in
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
                    engine.note_status(item.state, item.message)
                    if engine.error:
                        stop.set()
                    continue
                batch.extend(item)
            with sink.writing:
                engine.add(batch)
            if finished or engine.limit_reached() is not None:
                break
    finally:
        source.stop()
        worker.join(timeout=2)


def _report_problems(problems: Sequence[object], total: int, show: int = 5) -> None:
    """The first few problems of a replayed file, one a line on stderr."""
    for problem in problems[:show]:
        print(f"geotweets collect: {problem}", file=sys.stderr)
    if len(problems) > show or total > show:
        more = max(len(problems), total) - show
        print(f"geotweets collect: ... and {more} more problems", file=sys.stderr)
