"""`geotweets collect --replay FILE` at full speed: the file is read in other processes.

Reading a post (decoding its JSON, locating it, compressing its payload)
costs about three times what writing it does (SQLite). In one Python process
they would take turns under the interpreter lock. Here forked reader
processes do all the reading and send ready-made rows in batches; the main
process only writes.

A plain JSON-lines file is cut into parts of `PART_BYTES` at line starts,
dealt round to the readers (part 0 to reader 0, part 1 to reader 1, ...),
one reader per core up to `MAX_READERS`. The writer takes the parts in file
order, each from the reader that has it, so the rows are stored in file
order; what the other readers send meanwhile waits in the writer's process
(`reader_inbox.py`), so every reader reads on while the writer stores. A
gzip file or a JSON array can only be read whole: one reader reads it, as
one part.

With `by_reference`, a post whose payload is one line of the (plain) file
is stored with a reference to that line instead of a copy (see
`core/archive_payload.py`): no compression in the readers, a small row
for the writer.

Used where `fork` exists (Linux, macOS) and the replay is "as fast as
possible"; otherwise `collect` runs the ReplaySource on a thread as usual.
The window uses it too (`sources/fast_replay.py`): there the rows go to its
store writer instead of a session engine (`RowsInto`).
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import pickle
import time
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from geotweets_desktop.commands.parent_death import end_with_parent
from geotweets_desktop.commands.reader_inbox import ReaderInbox, enlarge_pipe
from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.core.archive.reader import MAX_KEPT_PROBLEMS, Problem
from geotweets_desktop.core.area.inside import post_inside
from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.gazetteer import gazetteer, locate_profile
from geotweets_desktop.core.point_batch import Columns
from geotweets_desktop.core.point_blobs import columns_of_rows
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.session import ArchiveReport, SessionEngine
from geotweets_desktop.core.store import post_row
from geotweets_desktop.core.term_match import TermMatcher

BATCH = 2_000
PART_BYTES = 8 << 20
MAX_READERS = 4

Part = tuple[int, int | None]  # byte range [start, end); (0, None) is the whole file


@dataclass
class BulkResult:
    """What the file held; what was stored is counted by the session engine."""

    posts_read: int = 0
    bad_records: int = 0
    posts_with_faults: int = 0
    notices: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    stopped: str | None = None  # where and why reading ended before the end of the file
    error: str | None = None
    by_reference: int = 0  # posts sent with their payload kept by reference to the file

    @property
    def report(self) -> ArchiveReport:
        return ArchiveReport(
            self.posts_read,
            self.bad_records,
            self.posts_with_faults,
            dict(self.notices),
            self.stopped,
            tuple(self.problems),
        )


class RowsInto(Protocol):
    """Where the rows go: a session engine (`collect`), or the window's replay source."""

    @property
    def session_id(self) -> int: ...

    @property
    def areas(self) -> Sequence[Area]: ...

    def add_rows(self, rows: Sequence[tuple[Any, ...]], points: Columns | None) -> object: ...

    def limit_reached(self) -> str | None: ...


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def plan_parts(path: Path, readers: int | None = None) -> tuple[list[Part], int]:
    """The parts of `path` and how many readers share them."""
    readers = readers or max(1, min(MAX_READERS, os.cpu_count() or 1))
    try:
        size = path.stat().st_size
        whole = readers == 1 or size < 2 * PART_BYTES or not ArchiveReader(path).splittable()
    except OSError:
        whole = True  # the reader says what is wrong with the file
    if whole:
        return [(0, None)], 1
    starts = range(0, size, PART_BYTES)
    return [(start, min(start + PART_BYTES, size)) for start in starts], readers


def bulk_replay(
    path: Path,
    terms: Sequence[str],
    engine: RowsInto,
    readers: int | None = None,
    *,
    by_reference: bool = False,
    on_part: Callable[[BulkResult, int, int], None] | None = None,
) -> BulkResult:
    """Replay `path` into the engine's session as fast as the cores allow
    (up to the engine's post limit), keeping to the engine's areas if any;
    with `by_reference`, payloads are kept by reference where they can be
    (a session engine only). `on_part(result so far, parts stored, parts in
    all)` follows each part."""
    parts, readers = plan_parts(path, readers)
    archive_id = None
    if by_reference:
        assert isinstance(engine, SessionEngine), "only a session engine keeps references"
        archive_id = engine.store.add_archive(path)
    context = multiprocessing.get_context("fork")
    gazetteer().load_all()  # built once here, not in each reader
    pipes: list[Connection] = []
    processes = []
    # A forked reader inherits every object of this process, garbage included.
    # Had its garbage collector finalized an inherited SQLite statement, it
    # would have taken SQLite's memory lock, which another thread here (the
    # WAL checkpointer) may have held at the fork: held for ever in the child,
    # which hung. So no collection runs from the fork until the reader has
    # frozen what it inherited (see _read). Nor does one run here while the
    # rows are stored: batches (tuples of plain values) hold no cycles to
    # find, and each collection walked the batches in flight again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for index in range(readers):
            receiving, sending = context.Pipe(duplex=False)
            process = context.Process(
                target=_read,
                args=(
                    path,
                    list(terms),
                    list(engine.areas),
                    engine.session_id,
                    archive_id,
                    parts[index::readers],
                    sending,
                    [*pipes, receiving],  # the read ends this reader must not keep open
                    os.getpid(),
                ),
                name=f"archive-reader-{index}",
            )
            enlarge_pipe(sending)
            process.start()
            sending.close()
            pipes.append(receiving)
            processes.append(process)
    except BaseException:
        if collecting:
            gc.enable()
        raise
    result = BulkResult()
    inbox = ReaderInbox(pipes)
    lines_before = 0  # lines in the parts already stored: problems count from the file's start
    try:
        for number in range(len(parts)):
            summary = _store_part(inbox, number % readers, engine, result)
            if summary is None:  # the limit was reached, or a reader failed
                break
            for line, reason, unit, kept in summary["problems"]:
                if len(result.problems) < MAX_KEPT_PROBLEMS:
                    shift = lines_before if unit == "line" else 0
                    result.problems.append(str(Problem(line + shift, reason, unit, kept)))
            result.posts_read += summary["posts_read"]
            result.bad_records += summary["bad_records"]
            result.posts_with_faults += summary["posts_with_faults"]
            result.notices.update(summary["notices"])
            result.by_reference += summary["by_reference"]
            if summary["stopped"] is not None:
                line, reason, unit, fatal = summary["stopped"]
                shift = lines_before if unit == "line" else 0
                result.stopped = str(Problem(line + shift, reason, unit))
                if fatal:
                    result.error = f"reading stopped at {result.stopped}"
                break
            lines_before += summary["lines"]
            if on_part is not None:
                on_part(result, number + 1, len(parts))
    except EOFError:
        result.error = (
            f"the archive reader stopped unexpectedly after line {lines_before}"
            " (the posts before it are stored)"
        )
    finally:
        for pipe in pipes:
            pipe.close()
        for process in processes:
            process.terminate()
            process.join()
        if collecting:
            gc.enable()
    return result


def _store_part(
    inbox: ReaderInbox, reader: int, engine: RowsInto, result: BulkResult
) -> dict[str, Any] | None:
    """Store one part's rows as they come from its reader; the reader's
    summary, or None to stop."""
    while True:
        kind, payload = pickle.loads(inbox.next(reader))
        if kind == "error":
            result.error = payload
            return None
        if kind == "done":
            summary: dict[str, Any] = payload
            return summary
        rows, points = payload
        engine.add_rows(rows, points)
        if engine.limit_reached() is not None:
            return None


def _read(
    path: Path,
    terms: list[str],
    areas: list[Area],
    session_id: int,
    archive_id: int | None,
    parts: list[Part],
    out: Connection,
    read_ends: list[Connection],
    parent: int,
) -> None:
    """A reader process: for each of its parts, batches of rows, then a summary."""
    # Never finalize what the parent had (see bulk_replay), and collect
    # nothing after: a reader's posts and rows hold no cycles, reference
    # counts free them, and collections walked each batch in flight again
    # (2-3 µs a post).
    gc.freeze()
    # Only the parent may hold the pipes' read ends: then, should it die
    # (killed, crashed), a reader's next write fails instead of waiting for ever.
    for read_end in read_ends:
        read_end.close()
    end_with_parent(parent)
    reader = ArchiveReader(path, locate_profile, spans=archive_id is not None)
    matcher = TermMatcher(terms)
    try:
        for start, end in parts:
            posts = reader.posts() if end is None else reader.posts_between(start, end)
            if not _send_part(reader, posts, matcher, areas, session_id, archive_id, out):
                break  # reading stopped: what came after cannot be trusted to follow on
    except BrokenPipeError:
        pass  # the main process stopped listening (a limit, Ctrl+C)
    except OSError as exc:
        out.send_bytes(pickle.dumps(("error", f"cannot read {path.name}: {exc}")))
    finally:
        out.close()


def _send_part(
    reader: ArchiveReader,
    posts: Generator[Post, None, None],
    matcher: TermMatcher,
    areas: list[Area],
    session_id: int,
    archive_id: int | None,
    out: Connection,
) -> bool:
    """Send one part's rows in batches, then its summary; False when reading
    stopped inside the part (the rows before are sent all the same)."""
    batch = _Batch()
    fatal: str | None = None
    by_reference = 0
    try:
        for post in posts:
            if matcher.terms:
                post.terms = matcher.matching(post.text)
                if not post.terms:
                    continue
            if areas and not post_inside(post, areas):
                continue
            span = reader.span
            if archive_id is not None and span is not None:
                batch.add(post_row(session_id, post, batch.now, (archive_id, span)), post)
                by_reference += 1
            else:
                batch.add(post_row(session_id, post, batch.now), post)
            if len(batch.rows) >= BATCH:
                batch.send(out)
                batch = _Batch()
    except OSError:
        raise  # the file or the pipe: _read says which
    except Exception as exc:  # a fault here must not lose the rows read before it
        posts.close()  # sets reader.lines_read to the line it stopped at
        fatal = f"unexpected fault ({type(exc).__name__}: {exc})"
    if batch.rows:
        batch.send(out)
    stopped = reader.stopped
    summary = {
        "lines": reader.lines_read,
        "posts_read": reader.posts_read,
        "bad_records": reader.bad_records,
        "posts_with_faults": reader.posts_with_faults,
        "notices": dict(reader.notices),
        "by_reference": by_reference,
        "problems": [(p.line, p.reason, p.unit, p.kept) for p in reader.problems],
        "stopped": (
            (reader.lines_read, fatal, "line", True)
            if fatal is not None
            else (stopped.line, stopped.reason, stopped.unit, False)
            if stopped is not None
            else None
        ),
    }
    out.send_bytes(pickle.dumps(("done", summary)))
    return summary["stopped"] is None


class _Batch:
    """One batch for the writer: its rows, and what the map's columns of its
    located posts need that the rows do not hold (their places in the batch,
    terms and times). Posts are not kept once their row is made: a batch of
    them, payloads and all, was megabytes passing through the caches."""

    def __init__(self) -> None:
        self.now = time.time()
        self.rows: list[tuple[Any, ...]] = []
        self.located: list[int] = []  # the places of the located posts' rows
        self.terms: list[tuple[str, ...]] = []
        self.times: list[float] = []

    def add(self, row: tuple[Any, ...], post: Post) -> None:
        if post.location is not None:
            self.located.append(len(self.rows))
            self.terms.append(post.terms)
            created_at = post.created_at
            self.times.append(math.nan if created_at is None else created_at.timestamp())
        self.rows.append(row)

    def send(self, out: Connection) -> None:
        """The rows, and the map's columns made here, by the rows' places (the
        writer only gives them keys and codes their strings with the session's)."""
        points = (
            columns_of_rows(self.rows, self.located, self.terms, self.times)
            if self.located
            else None
        )
        out.send_bytes(
            pickle.dumps(("rows", (self.rows, points)), protocol=pickle.HIGHEST_PROTOCOL)
        )
