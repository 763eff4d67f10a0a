"""`geotweets export SESSION_OR_DB --out PATH`: write a stored session to a file.

SESSION_OR_DB is either a session id in the app's own store, or the path of
a session-store file (then its latest session, `--session ID`, or with a
`.db` output `--all-sessions` to copy the whole store). `--since`,
`--until` and `--lang` keep only the posts of a time range and languages,
`--view FILE` those a saved view's brush and filters keep (the areas, only
those located in them), in every format. Any bad input is one line on
stderr and exit status 2; no traceback.
"""

from __future__ import annotations

import math
import sqlite3
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.export import ExportError, PostFilter, Privacy, export_session
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.core.view_state import SavedView, ViewStateError, read_view_file
from geotweets_desktop.paths import store_path


def _fail(message: str) -> int:
    print(f"geotweets export: {message}", file=sys.stderr)
    return 2


def time_option(text: str, option: str) -> float:
    """`--since`/`--until`: ISO 8601 (a time without a zone is UTC) or Unix
    seconds; ExportError naming the option otherwise."""
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if math.isfinite(seconds):
            return seconds
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ExportError(
            f"{option}: {text!r} is not a time: give ISO 8601 (2026-11-30T21:00Z, "
            "2026-11-30) or Unix seconds"
        ) from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def post_filter_options(
    since: str | None, until: str | None, langs: Sequence[str]
) -> PostFilter | None:
    """The filter `--since`, `--until` and `--lang` (repeatable, or comma lists)
    ask for; None when none is given."""
    start = time_option(since, "--since") if since is not None else None
    end = time_option(until, "--until") if until is not None else None
    if start is not None and end is not None and not start < end:
        raise ExportError("--until must be later than --since")
    codes = frozenset(code.strip() for value in langs for code in value.split(","))
    if "" in codes:
        raise ExportError("--lang: give language codes (en, pt, ...), separated by commas")
    if start is None and end is None and not codes:
        return None
    return PostFilter(since=start, until=end, langs=codes or None)


def _view_filter(store: SessionStore, session_id: int | None, view: SavedView) -> PostFilter:
    """What `view`'s brush and filters keep of the session exported (its terms
    are the ones the view's switches name)."""
    if session_id is None:
        raise ExportError("--view filters one session's posts: not with --all-sessions")
    info = store.session(session_id)
    return PostFilter.from_filters(view.state.filters, info.terms if info is not None else ())


def _open_store(path: Path) -> SessionStore:
    """Open an existing session-store file without creating or changing anything
    in a file that is not one (SessionStore would add its tables to any SQLite
    file). Raises ExportError with the reason."""
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master")}
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        raise ExportError(f"{path}: not a GeoTweets session store ({exc})") from None
    if not {"sessions", "posts", "meta"} <= tables:
        raise ExportError(f"{path}: not a GeoTweets session store")
    try:
        return SessionStore(path)
    except (sqlite3.DatabaseError, RuntimeError) as exc:
        raise ExportError(f"{path}: {exc}") from None


def run_export(
    session_or_db: str,
    *,
    out: str,
    session: int | None = None,
    coarsen: str | None = None,
    drop_authors: bool = False,
    all_sessions: bool = False,
    areas: Sequence[Area] = (),
    partition: str | None = None,
    since: str | None = None,
    until: str | None = None,
    langs: Sequence[str] = (),
    view: str | None = None,
) -> int:
    privacy = Privacy(coarsen=coarsen, drop_authors=drop_authors)
    as_path = Path(session_or_db)
    try:
        keep = post_filter_options(since, until, langs)
        if view is not None and keep is not None:
            return _fail("--view brings its own filters: not with --since, --until or --lang")
        saved = read_view_file(Path(view)) if view is not None else None
        if session_or_db.isdigit() and not as_path.exists():
            if session is not None:
                return _fail("--session is only for a .db file argument")
            if not store_path().is_file():
                return _fail(f"no session {session_or_db}: there is no {store_path()} yet")
            store = _open_store(store_path())
            session_id: int | None = int(session_or_db)
        else:
            store = _open_store(as_path)
            session_id = session
            if all_sessions:
                if session is not None or partition or Path(out).suffix.lower() != ".db":
                    store.close()
                    return _fail("--all-sessions copies a whole store: only to a .db file")
            elif session_id is None:
                sessions = store.sessions()
                if not sessions:
                    store.close()
                    return _fail(f"{as_path}: holds no sessions")
                session_id = sessions[0].id
        try:
            if saved is not None:
                keep = _view_filter(store, session_id, saved)
            result = export_session(
                store, session_id, Path(out), privacy, areas, partition=partition, keep=keep
            )
        finally:
            store.close()
    except (ExportError, ViewStateError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write {out}: {exc.strerror or exc}")
    extra = f" ({result.left_out} unlocated posts left out)" if result.left_out else ""
    if result.outside_areas:
        extra += f" ({result.outside_areas} posts outside the areas left out)"
    if result.filtered_out:
        extra += f" ({result.filtered_out} posts the filters left out)"
    which = "all sessions" if session_id is None else f"session {session_id}"
    print(f"{which}: {result.written} posts -> {result.path}{extra}")
    return 0
