"""The window's X stream read and stored in a process of its own
(commands/stream_process.py), followed by its source (sources/x_stream_apart.py)
on a plain thread: no Qt, a real process, real tweepy, the loopback fake, a real store."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_x import DEFAULT_TOKEN, FakeX, payloads
from helpers import STOP_WITHIN_S, RecordingSink, wait_for
from helpers.point_blob import decode_blobs

from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.sources.x_stream import XStreamSource
from geotweets_desktop.sources.x_stream_apart import XStreamApartSource


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeX]:
    with FakeX(keepalive_interval=0.2) as server:
        monkeypatch.setenv("GEOTWEETS_X_API_URL", server.base_url)
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    store = SessionStore(tmp_path / "sessions.db")
    yield store
    store.close()


class Following:
    """The source running on a thread, as the window's worker runs it."""

    def __init__(self, store: SessionStore, terms: list[str]) -> None:
        self.session_id = store.start_session("X filtered stream", terms, False, [])
        self.source = XStreamApartSource(XStreamSource(terms, DEFAULT_TOKEN))
        self.source.store_path, self.source.session_id = store.path, self.session_id
        self.sink = RecordingSink()
        self.thread = threading.Thread(target=self.source.run, args=(self.sink,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.source.stop()
        self.ended()

    def ended(self) -> None:
        self.thread.join(STOP_WITHIN_S)
        assert not self.thread.is_alive(), f"the source did not end within {STOP_WITHIN_S} s"

    def kept(self) -> int:
        return sum(batch.kept for batch in self.sink.stored_batches)


def test_posts_are_stored_by_the_streams_process_and_reported_with_their_points(
    fake: FakeX, store: SessionStore
) -> None:
    following = Following(store, ["rain", "sun"])
    assert following.sink.went_live.wait(30) and fake.wait_until(lambda: fake.open_streams == 1)
    pid = following.source.pid
    assert pid is not None and pid != os.getpid()
    # It gives way to the window when both want a core.
    assert os.getpriority(os.PRIO_PROCESS, pid) > os.getpriority(os.PRIO_PROCESS, 0)
    new_york = payloads.point_post(-74.006, 40.7128, text="rain in New York")
    fake.push(new_york, matches="rain has:geo")
    fake.push(payloads.place_post(text="sun in Nairobi"), matches="sun has:geo")
    fake.push(payloads.bare_post(text="rain, no idea where"), matches="rain has:geo")
    wait_for(lambda: following.kept() == 3, what="three posts stored")
    following.stop()
    # The window's side held no post: it was handed what was stored.
    assert following.sink.received == []
    assert following.sink.last.state == "stopped"
    batches = following.sink.stored_batches
    assert sum(b.added for b in batches) == 3
    assert sum(b.located for b in batches) == 2
    session = store.session(following.session_id)
    assert session is not None and (session.received, session.located) == (3, 2)
    stored_keys = [p.key for chunk in store.points(following.session_id) for p in chunk]
    reported = [k for b in batches for blob in decode_blobs(b.blobs) for k in blob["key"]]
    assert sorted(int(k) for k in reported) == sorted(stored_keys)
    texts = {post.text for key in stored_keys if (post := store.post(key)) is not None}
    assert texts == {"rain in New York", "sun in Nairobi"}


def test_a_rejected_token_is_said_in_words(fake: FakeX, store: SessionStore) -> None:
    fake.fail_next_connection(401)
    following = Following(store, ["rain"])
    following.ended()
    assert following.sink.last.state == "error"
    assert "rejected the token" in following.sink.last.message


def test_a_killed_process_is_said_in_words_and_what_it_stored_is_counted(
    fake: FakeX, store: SessionStore
) -> None:
    following = Following(store, ["rain"])
    assert following.sink.went_live.wait(30) and fake.wait_until(lambda: fake.open_streams == 1)
    posts = [payloads.point_post(i / 10, i / 20, text=f"rain {i}") for i in range(300)]
    fake.inject(fake.prepare_posts(posts, matches="rain has:geo"))
    wait_for(lambda: following.kept() > 0, what="a first batch stored")
    pid = following.source.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    following.ended()
    last = following.sink.last
    assert last.state == "error" and "was ended (SIGKILL)" in last.message
    session = store.session(following.session_id)
    assert session is not None
    assert sum(b.added for b in following.sink.stored_batches) == session.received
