"""ReplaySource: an archive played back as a stream, with pace, pause, stop and a term filter."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from archive_samples import MELBOURNE_BBOX, SYDNEY, v1_status, v2_line, write_lines
from helpers import WAIT_TIMEOUT_S, RecordingSink, VirtualClock, wait_for

from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.sources.base import Source
from geotweets_desktop.sources.replay import ReplaySource, parse_speed

START = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)


def stamp(seconds: float) -> str:
    return (
        (START + timedelta(seconds=seconds))
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def archive(tmp_path: Path, gaps_s: list[float], texts: list[str] | None = None) -> Path:
    """Posts at START + each offset in `gaps_s` (cumulative), exact points."""
    records: list[Any] = []
    for i, at in enumerate(gaps_s):
        text = texts[i] if texts else f"post {i} about rain"
        records.append(
            v2_line(f"18600000000000{i:05d}", text, point=list(SYDNEY), created_at=stamp(at))
        )
    return write_lines(tmp_path / "replay.jsonl", records)


def no_profile(_text: str) -> Location | None:
    return None


def paced(path: Path, clock: VirtualClock, **options: Any) -> ReplaySource:
    """A replay that keeps time by `clock` and waits through it."""
    return ReplaySource(path, profile_matcher=no_profile, clock=clock, wait=clock.wait, **options)


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


def start(source: ReplaySource, sink: RecordingSink) -> threading.Thread:
    thread = threading.Thread(target=source.run, args=(sink,), daemon=True)
    thread.start()
    return thread


def test_it_is_a_source() -> None:
    source: Source = ReplaySource("x.jsonl", ["rain"], profile_matcher=no_profile)
    assert source.label == "Replay: x.jsonl"
    assert source.synthetic is False
    assert source.terms == ["rain"]


def test_max_speed_sends_everything_in_big_batches(tmp_path: Path) -> None:
    path = archive(tmp_path, [float(i) for i in range(2500)])
    clock = VirtualClock()  # stands still: however slow the reading, no batch is cut by time
    sink = RecordingSink(clock)
    paced(path, clock, speed=None).run(sink)
    posts = sink.received
    assert len(posts) == 2500
    assert [p.id for p in posts] == [f"18600000000000{i:05d}" for i in range(2500)]
    assert all(len(batch) <= 1000 for _, batch in sink.batches)
    assert len(sink.batches) <= 25  # batched, not one call a post
    assert all(p.terms == () for p in posts)  # no terms: everything passes
    assert sink.last.state == "stopped"
    assert sink.last.message.startswith("Replayed replay.jsonl: 2,500 posts read, 2,500 located")
    assert "2,500 located (exact 2,500, place 0, profile 0)" in sink.last.message
    assert "0 bad lines" in sink.last.message


def test_batches_are_flushed_by_size_and_by_time(tmp_path: Path) -> None:
    path = archive(tmp_path, [float(i) for i in range(50)])
    sink = RecordingSink()
    ReplaySource(path, batch_size=7, profile_matcher=no_profile).run(sink)
    sizes = [len(b) for _, b in sink.batches]
    assert sum(sizes) == 50 and max(sizes) <= 7


def test_the_term_filter(tmp_path: Path) -> None:
    texts = [
        "Heavy RAIN in town",
        "rainy day",
        "a #storm is coming",
        "heavy rain and a #storm",
        "nothing to see",
    ]
    path = archive(tmp_path, [0, 1, 2, 3, 4], texts)
    sink = RecordingSink()
    source = ReplaySource(path, ["rain", "#storm"], profile_matcher=no_profile)
    source.run(sink)
    got = [(p.text, p.terms) for p in sink.received]
    assert got == [
        ("Heavy RAIN in town", ("rain",)),
        ("a #storm is coming", ("#storm",)),
        ("heavy rain and a #storm", ("rain", "#storm")),
    ]
    assert "Replayed replay.jsonl: 5 posts read, 3 matched, 3 located" in sink.last.message


def test_summary_counts_kinds_and_bad_lines(tmp_path: Path) -> None:
    records: list[Any] = [
        v2_line("1860000000000000001", "a", point=list(SYDNEY)),
        v2_line("1860000000000000002", "b", bbox=MELBOURNE_BBOX),
        b"{not json",
        v1_status("1050000000000000004", "c", profile="Invented Town"),
        v2_line("1860000000000000005", "d", point=[500.0, 0.0]),
        {"delete": {"status": {"id_str": "1"}}},
    ]
    path = write_lines(tmp_path / "mixed.jsonl", records)
    sink = RecordingSink()
    source = ReplaySource(path, profile_matcher=lambda t: Location(1.0, 2.0, "profile", 25_000.0))
    source.run(sink)
    assert len(sink.received) == 4
    assert sink.last.message == (
        "Replayed mixed.jsonl: 4 posts read, 3 located (exact 1, place 1, profile 1),"
        " 1 bad lines, 1 post kept without a damaged part, notices: 1 delete"
    )
    assert source.reader.bad_records == 1
    assert [(p.line, p.kept) for p in source.reader.problems] == [(3, False), (5, True)]


def test_speed_100_on_posts_one_second_apart_gives_10_ms_gaps(tmp_path: Path) -> None:
    path = archive(tmp_path, [float(i) for i in range(21)])
    clock = VirtualClock()
    sink = RecordingSink(clock)
    began = clock()
    paced(path, clock, speed=100).run(sink)
    assert len(sink.arrivals) == 21
    assert gaps(sink.arrivals) == pytest.approx([0.010] * 20)
    assert sink.arrivals[0] == began  # the first post at once
    assert clock() - began == pytest.approx(0.200)


def test_speed_10_and_1(tmp_path: Path) -> None:
    path = archive(tmp_path, [0.0, 0.5, 1.0])
    for speed, expected in ((10.0, [0.05, 0.05]), (1.0, [0.5, 0.5])):
        clock = VirtualClock()
        sink = RecordingSink(clock)
        paced(path, clock, speed=speed).run(sink)
        assert gaps(sink.arrivals) == pytest.approx(expected)


def test_out_of_order_posts_are_played_in_time_order(tmp_path: Path) -> None:
    path = archive(tmp_path, [0.0, 10.0, 5.0, 10.1])
    clock = VirtualClock()
    sink = RecordingSink(clock)
    paced(path, clock, speed=100).run(sink)
    assert [p.created_at for p in sink.received] == [stamp_time(s) for s in (0, 5, 10, 10.1)]
    assert gaps(sink.arrivals) == pytest.approx([0.05, 0.05, 0.001])


def test_a_newest_first_archive_is_paced_oldest_first(tmp_path: Path) -> None:
    """Search results (and twarc2 captures of them) come newest first: played
    in file order, every post would be "late" and the replay over at once."""
    path = archive(tmp_path, [3.0, 2.0, 1.0, 0.0])
    clock = VirtualClock()
    source = paced(path, clock, speed=10)
    sink = RecordingSink(clock)
    source.run(sink)
    assert [p.id[-1] for p in sink.received] == ["3", "2", "1", "0"]
    assert gaps(sink.arrivals) == pytest.approx([0.1, 0.1, 0.1])  # 3 s of archive at 10x
    assert source.fraction == 1.0 and source.finished


def stamp_time(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def test_a_wild_timestamp_does_not_stall_the_replay(tmp_path: Path) -> None:
    # One post dated years later (a broken clock): waited out at 1x, this
    # would take years. Gaps over an hour are closed up instead.
    path = archive(tmp_path, [0.0, 0.1, 10 * 365 * 86400.0, 0.2, 0.3])
    clock = VirtualClock()
    sink = RecordingSink(clock)
    began = clock()
    paced(path, clock, speed=1.0).run(sink)
    assert len(sink.received) == 5
    assert clock() - began < 1.5


class PausingSink(RecordingSink):
    """Pauses the source once `after` posts have arrived (from the source's own
    thread, so the pause falls at exactly that point of the replay)."""

    def __init__(self, clock: VirtualClock, after: int) -> None:
        super().__init__(clock)
        self.source: ReplaySource | None = None
        self._after = after

    def posts(self, posts: list[Post]) -> None:
        super().posts(posts)
        if self.source is not None and len(self.received) == self._after:
            self.source.pause()


def test_pause_and_resume_while_pacing(tmp_path: Path) -> None:
    path = archive(tmp_path, [i * 0.5 for i in range(7)])  # 50 ms apart at 10x
    clock = VirtualClock()
    sink = PausingSink(clock, after=3)
    source = paced(path, clock, speed=10)
    sink.source = source
    thread = start(source, sink)
    wait_for(clock.parked.is_set, what="the replay to wait while paused")
    assert source.paused
    assert len(sink.received) == 3  # nothing while paused
    clock.advance(10.0)  # ten seconds go by before Resume
    source.resume()
    thread.join(WAIT_TIMEOUT_S)
    assert not thread.is_alive()
    assert len(sink.received) == 7
    # The pause pushed the rest of the schedule back by the time paused: the
    # rest keeps its pace instead of rushing out to catch up.
    assert gaps(sink.arrivals) == pytest.approx([0.05, 0.05, 10.05, 0.05, 0.05, 0.05])


def test_pause_at_max_speed(tmp_path: Path) -> None:
    path = archive(tmp_path, [float(i) for i in range(3000)])
    clock = VirtualClock()
    sink = RecordingSink(clock)
    source = paced(path, clock, speed=None, batch_size=100)
    source.pause()
    thread = start(source, sink)
    wait_for(clock.parked.is_set, what="the replay to wait while paused")
    assert sink.received == []
    assert any("Replaying" in e.message for e in sink.events)
    source.resume()
    thread.join(WAIT_TIMEOUT_S)
    assert not thread.is_alive()
    assert len(sink.received) == 3000


@pytest.mark.parametrize("paused", [False, True])
def test_stop_ends_even_a_ten_minute_wait(tmp_path: Path, paused: bool) -> None:
    # Ten minutes between the two posts at 1x, on a clock that stands still
    # while the source waits: only Stop can end the wait.
    path = archive(tmp_path, [0.0, 600.0])
    clock = VirtualClock(hold=True)
    sink = RecordingSink(clock)
    source = paced(path, clock, speed=1.0)
    thread = start(source, sink)
    wait_for(clock.parked.is_set, what="the replay to wait for its next post")
    if paused:
        source.pause()
    source.stop()
    thread.join(WAIT_TIMEOUT_S)
    assert not thread.is_alive()
    assert len(sink.received) == 1
    assert sink.last.state == "stopped"
    assert sink.last.message.startswith(
        "Replay of replay.jsonl stopped: 2 posts read, 1 sent, 1 located"
    )


class StoppingSink(RecordingSink):
    """Stops the source when the first batch arrives, from the source's thread."""

    source: ReplaySource

    def posts(self, posts: list[Post]) -> None:
        super().posts(posts)
        self.source.stop()


def test_stop_during_a_max_speed_run(tmp_path: Path) -> None:
    path = archive(tmp_path, [float(i) for i in range(20_000)])
    clock = VirtualClock()  # stands still: every batch is cut by size, none by time
    sink = StoppingSink(clock)
    source = paced(path, clock, speed=None, batch_size=50)
    sink.source = source
    source.run(sink)
    assert len(sink.received) == 50  # not one post read after Stop is sent on
    assert not source.finished
    assert sink.last.state == "stopped"


def test_progress_is_reported_a_few_times_a_second_at_most(tmp_path: Path) -> None:
    path = archive(tmp_path, [i * 0.1 for i in range(40)])  # 4 s of posts at 4x: ~1 s
    clock = VirtualClock()
    sink = RecordingSink(clock)
    began = clock()
    paced(path, clock, speed=4.0).run(sink)
    took = clock() - began
    live = [(at, e) for at, e in sink.statuses if e.state == "live"]
    assert len(live) >= 3
    assert len(live) <= took / 0.25 + 3
    assert all(b - a >= 0.25 for a, b in itertools.pairwise(at for at, _ in live[1:]))
    assert any("%" in e.message and "posts read" in e.message for _, e in live)
    states = [e.state for _, e in sink.statuses]
    assert states[0] == "connecting" and states[-1] == "stopped"


def test_a_missing_file_is_an_error_status(tmp_path: Path) -> None:
    sink = RecordingSink()
    ReplaySource(tmp_path / "gone.jsonl", profile_matcher=no_profile).run(sink)
    assert sink.last.state == "error"
    assert "gone.jsonl" in sink.last.message
    assert sink.received == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("max", None), ("MAX", None), ("1", 1.0), ("10", 10.0), ("100", 100.0), ("2.5", 2.5)],
)
def test_parse_speed(text: str, value: float | None) -> None:
    assert parse_speed(text) == value


@pytest.mark.parametrize("text", ["0", "-1", "fast-ish", "inf", "nan", ""])
def test_parse_speed_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_speed(text)


class FailingSink(RecordingSink):
    """A sink whose third batch fails, as a full disk or a closed store would."""

    def posts(self, posts: list[Post]) -> None:
        if len(self.batches) == 2:
            raise RuntimeError("made-up fault while storing")
        super().posts(posts)


def test_a_fault_mid_replay_keeps_what_came_before_and_says_where(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "a.jsonl", [v2_line(f"18600000000000000{i:02d}") for i in range(6)]
    )
    sink = FailingSink()
    ReplaySource(path, batch_size=1, profile_matcher=None).run(sink)
    assert [p.id for p in sink.received] == ["1860000000000000000", "1860000000000000001"]
    assert sink.last.state == "error"
    assert sink.last.message.endswith(
        "stopped at line 3: unexpected fault (RuntimeError: made-up fault while storing)"
    )


def test_a_file_that_is_no_archive_ends_the_replay_with_an_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are notes\nnot posts\n", encoding="utf-8")
    sink = RecordingSink()
    ReplaySource(path, profile_matcher=None).run(sink)
    assert sink.last.state == "error"
    assert sink.last.message.startswith("notes.txt is not an archive of posts (line 1: ")
    assert sink.received == []


def test_a_paced_replay_plays_posts_with_no_time_at_once(tmp_path: Path) -> None:
    timeless = v1_status("1050000000000000001", "no time, an id from 2006")
    del timeless["created_at"]
    timeless["id_str"] = "20"
    records = [
        v2_line("1860000000000000002", "second", created_at="2026-01-01T00:00:01.000Z"),
        timeless,
        v2_line("1860000000000000001", "first", created_at="2026-01-01T00:00:00.000Z"),
    ]
    sink = RecordingSink()
    ReplaySource(write_lines(tmp_path / "a.jsonl", records), speed=100, profile_matcher=None).run(
        sink
    )
    assert [p.text for p in sink.received] == ["no time, an id from 2006", "first", "second"]
    assert sink.last.state == "stopped"
