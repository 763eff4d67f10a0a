"""`geotweets collect`: run a source without a window and write the session store.

For scripts and servers. The source runs on a thread; the main thread
stores what arrives every 200 ms, so a kill loses at most that much.
SIGINT and SIGTERM end the run cleanly.
"""

from __future__ import annotations

import queue
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType

from geotweets_desktop.core.live_stats import LiveStats
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.core.terms import parse_terms
from geotweets_desktop.paths import store_path
from geotweets_desktop.sources.base import Source, StatusEvent

STORE_EVERY_S = 0.2
# Headless runs end (non-zero) when X cannot be reached for this long.
NETWORK_GIVE_UP_S = 120.0


class _QueueSink:
    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[list[Post] | StatusEvent] = queue.SimpleQueue()

    def posts(self, posts: list[Post]) -> None:
        self.queue.put(posts)

    def status(self, event: StatusEvent) -> None:
        self.queue.put(event)


def _make_source(terms: list[str], *, x: bool, located_only: bool) -> Source | None:
    if not x:
        from geotweets_desktop.sources.demo import DemoSource

        return DemoSource(terms)
    from geotweets_desktop import secrets
    from geotweets_desktop.sources.x_stream import XStreamSource

    token, origin = secrets.resolve_token()
    if token is None:
        print(
            "geotweets collect: no X token: store one in the app (Settings → X credentials) "
            f"or set {secrets.ENV_TOKEN}.",
            file=sys.stderr,
        )
        return None
    print(f"geotweets collect: using the X token from {origin}", file=sys.stderr)
    return XStreamSource(
        terms, token, located_only=located_only, network_give_up_s=NETWORK_GIVE_UP_S
    )


def collect(
    terms: list[str],
    *,
    demo: bool,
    x: bool = False,
    located_only: bool = True,
    out: str | None,
    duration: float | None,
    max_posts: int | None,
) -> int:
    if demo == x:
        print("geotweets collect: choose one source: --demo or --x.", file=sys.stderr)
        return 2
    path = Path(out) if out else store_path()
    if path.suffix != ".db":
        print(
            f"geotweets collect: {path.name}: only a .db session store can be written "
            "by this version.",
            file=sys.stderr,
        )
        return 2
    source = _make_source(parse_terms(terms), x=x, located_only=located_only)
    if source is None:
        return 2
    store = SessionStore(path)
    session_id = store.start_session(source.label, source.terms, source.synthetic)
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
            added = store.add_posts(session_id, batch)
            stats.add(batch)
            kinds.update(p.location.kind for _, p in added if p.location)
            if max_posts is not None and stats.received >= max_posts:
                break
            if deadline is not None and time.monotonic() >= deadline:
                break
            if not worker.is_alive():
                break
    finally:
        source.stop()
        worker.join(timeout=2)
        store.end_session(session_id)
        store.close()
    by_kind = ", ".join(f"{k} {kinds[k]}" for k in ("exact", "place", "profile"))
    print(
        f"session {session_id}: {stats.received} posts, {stats.located} located "
        f"({by_kind}) -> {path}"
    )
    if error:
        print(f"geotweets collect: {error}", file=sys.stderr)
        return 1
    return 0
