"""The bulk replay's writer takes each reader's frames in order, and drains
every reader's pipe meanwhile, so no reader waits on a full pipe while the
writer stores another's part (commands/reader_inbox.py)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from multiprocessing.connection import Connection

import pytest

from geotweets_desktop.commands.reader_inbox import ReaderInbox


@pytest.fixture
def pipes() -> Iterator[tuple[list[Connection], list[Connection]]]:
    """Two readers' pipes: (the writer's ends, the readers' ends)."""
    pairs = [multiprocessing.Pipe(duplex=False) for _ in range(2)]
    yield [receiving for receiving, _ in pairs], [sending for _, sending in pairs]
    for receiving, sending in pairs:
        receiving.close()
        sending.close()


def test_each_readers_frames_come_in_order_and_the_others_are_taken_meanwhile(
    pipes: tuple[list[Connection], list[Connection]],
) -> None:
    receiving, sending = pipes
    inbox = ReaderInbox(receiving)
    sending[1].send_bytes(b"part 1, batch 1")
    sending[1].send_bytes(b"part 1, batch 2")
    sending[0].send_bytes(b"part 0, batch 1")
    assert inbox.next(0) == b"part 0, batch 1"
    assert not receiving[1].poll()  # reader 1's pipe was emptied: it could send on
    assert inbox.next(1) == b"part 1, batch 1"
    assert inbox.next(1) == b"part 1, batch 2"


def test_past_the_bytes_held_only_the_reader_needed_is_read(
    pipes: tuple[list[Connection], list[Connection]],
) -> None:
    receiving, sending = pipes
    inbox = ReaderInbox(receiving, held_bytes=10)
    sending[1].send_bytes(b"more than ten bytes")
    sending[0].send_bytes(b"first")
    sending[0].send_bytes(b"second")
    assert inbox.next(0) == b"first"  # reader 1's frame is held: 19 bytes
    sending[1].send_bytes(b"waits in its pipe")
    assert inbox.next(0) == b"second"
    assert receiving[1].poll()
    assert inbox.next(1) == b"more than ten bytes"
    assert inbox.next(1) == b"waits in its pipe"


def test_a_reader_that_ended_gives_what_it_sent_then_eof(
    pipes: tuple[list[Connection], list[Connection]],
) -> None:
    receiving, sending = pipes
    inbox = ReaderInbox(receiving)
    sending[0].send_bytes(b"last words")
    sending[0].close()
    sending[1].send_bytes(b"still reading")
    assert inbox.next(0) == b"last words"
    with pytest.raises(EOFError):
        inbox.next(0)
    assert inbox.next(1) == b"still reading"
