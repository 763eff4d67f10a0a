"""`geotweets collect --replay FILE` at full speed: the file is read in a second process.

Reading a post (decoding its JSON, locating it, compressing its payload) and
writing it (SQLite) take about as long as each other. In one Python process
they take turns under the interpreter lock, and a reader thread only makes
it worse (the two threads hand the lock back and forth on every row). Here a
forked reader process does all the reading and sends ready-made rows in
batches; the main process only writes. Both cores work, and the rows arrive
in file order.

Used where `fork` exists (Linux, macOS) and the replay is "as fast as
possible"; otherwise `collect` runs the ReplaySource on a thread as usual.
"""

from __future__ import annotations

import multiprocessing
import pickle
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.core.gazetteer import locate_profile
from geotweets_desktop.core.store import SessionStore, post_row
from geotweets_desktop.core.term_match import TermMatcher

BATCH = 2_000


@dataclass
class BulkResult:
    posts_read: int = 0
    kept: int = 0
    added: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    bad_records: int = 0
    problems: list[str] = field(default_factory=list)
    error: str | None = None


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def bulk_replay(
    path: Path,
    terms: Sequence[str],
    store: SessionStore,
    session_id: int,
    max_posts: int | None = None,
) -> BulkResult:
    """Replay `path` into `session_id` of `store` as fast as both cores allow."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    reader = context.Process(
        target=_read, args=(path, list(terms), session_id, sending), name="archive-reader"
    )
    reader.start()
    sending.close()
    result = BulkResult()
    try:
        while True:
            message = pickle.loads(receiving.recv_bytes())
            if isinstance(message, dict):  # the reader's last word
                for name, value in message.items():
                    setattr(result, name, value)
                break
            if max_posts is not None:
                message = message[: max(0, max_posts - result.kept)]
            result.added += store.add_rows(message)
            result.kept += len(message)
            result.kinds.update(row[11] for row in message if row[11] is not None)
            if max_posts is not None and result.kept >= max_posts:
                break
    except EOFError:
        result.error = "the archive reader stopped unexpectedly"
    finally:
        receiving.close()
        reader.terminate()
        reader.join()
    return result


def _read(path: Path, terms: list[str], session_id: int, out: Connection) -> None:
    """The reader process: rows for every kept post, then a summary dict."""
    reader = ArchiveReader(path, locate_profile)
    matcher = TermMatcher(terms)
    try:
        _send_rows(reader, matcher, terms, session_id, out)
    except BrokenPipeError:
        pass  # the main process stopped listening (a limit, Ctrl+C)
    except OSError as exc:
        out.send_bytes(pickle.dumps({"error": f"cannot read {path.name}: {exc}"}))
    finally:
        out.close()


def _send_rows(
    reader: ArchiveReader,
    matcher: TermMatcher,
    terms: list[str],
    session_id: int,
    out: Connection,
) -> None:
    now = time.time()
    batch: list[tuple[Any, ...]] = []
    for post in reader.posts():
        if terms:
            post.terms = matcher.matching(post.text)
            if not post.terms:
                continue
        batch.append(post_row(session_id, post, now))
        if len(batch) >= BATCH:
            out.send_bytes(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
            batch = []
            now = time.time()
    if batch:
        out.send_bytes(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
    summary = {
        "posts_read": reader.posts_read,
        "bad_records": reader.bad_records,
        "problems": [str(p) for p in reader.problems],
    }
    out.send_bytes(pickle.dumps(summary))
