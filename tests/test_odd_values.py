"""Property-based: one odd JSON value anywhere in a real-shaped record never
ends a reader, a replay or a live stream.

Each example takes a record in a shape X (or a tool) really writes, picks
one place in it (any key or item, at any depth) and puts there a value of
an unexpected type: null, a bool, a huge or negative number, NaN, a long
string, control characters, a lone surrogate, a list, an object, nesting
thousands deep; or leaves the key out. Then it goes through every reader
(JSON lines, JSON array, pretty-printed documents, the bulk replay's part
reader), the live stream's line handler and the recent-search page handler.
Whatever happens, nothing raises, every record is a post or a counted bad
record (or a notice), the store and the exports take every post read, and
no fault needs the last-resort "unexpected fault" catch.
"""

from __future__ import annotations

import copy
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archive_samples import (
    MELBOURNE_BBOX,
    NOTICES,
    SYDNEY,
    box_ring,
    twarc_flat,
    twarc_page,
    v1_search_response,
    v1_status,
    v2_line,
)
from helpers import RecordingSink
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.core.export.csv_file import write_csv
from geotweets_desktop.core.export.geojson import write_geojson
from geotweets_desktop.core.export.privacy import Privacy
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.sources.x_search import XRecentSearchSource
from geotweets_desktop.sources.x_stream import XStreamSource

# Deterministic (the same examples on every run and machine), no clock.
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
UNEXPECTED = "unexpected fault"


def _stream_line() -> dict[str, Any]:
    line = v2_line("1860000000000000101", "rain &amp; more", point=list(SYDNEY))
    line["data"]["geo"]["place_id"] = "feed000000000101"
    line["data"]["note_tweet"] = {"text": "the whole rain &amp; more"}
    line["data"]["referenced_tweets"] = [{"type": "retweeted", "id": "1860000000000000100"}]
    line["includes"]["places"] = [
        {
            "id": "feed000000000101",
            "full_name": "Melbourne, Victoria",
            "geo": {"type": "Feature", "bbox": list(MELBOURNE_BBOX), "properties": {}},
        }
    ]
    line["includes"]["tweets"] = [{"id": "1860000000000000100", "text": "original"}]
    return line


def _v1_status() -> dict[str, Any]:
    status = v1_status(
        "1050000000000000101",
        "rain &lt;3",
        coordinates=list(SYDNEY),
        polygon=box_ring(*MELBOURNE_BBOX),
        profile="Lisbon, Portugal",
        text_field="extended",
    )
    status["retweeted_status"] = v1_status(
        "1050000000000000100", "original", text_field="full_text"
    )
    return status


RECORDS: dict[str, dict[str, Any]] = {
    "v2 stream line": _stream_line(),
    "twarc2 page": twarc_page(
        [_stream_line(), v2_line("1860000000000000102", bbox=[177, -19, -179, -16])]
    ),
    "twarc2 flattened": twarc_flat(v2_line("1860000000000000103", bbox=MELBOURNE_BBOX)),
    "v1.1 status": _v1_status(),
    "v1.1 search response": v1_search_response([_v1_status()]),
    "v2 error line": NOTICES["errors"],
}
GOOD = v2_line("1860000000000000900", "good neighbour", point=list(SYDNEY))


class Deep:
    """JSON nested `depth` deep, spliced in as text (json.dumps would recurse)."""

    def __init__(self, depth: int) -> None:
        self.depth = depth


ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "\x00\x01\x1b", "\ud800", "a\udfffb", "\u2028", "x" * 200_000]),
    st.lists(st.integers() | st.none() | st.text(max_size=5), max_size=5),
    st.dictionaries(st.text(max_size=8), st.integers() | st.none(), max_size=4),
    st.builds(Deep, st.integers(min_value=900, max_value=5000)),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@st.composite
def mutated(draw: st.DrawFn, name: str | None = None) -> tuple[str, Any]:
    """(kind, record) with one value replaced by an odd one, or one key left out."""
    kind = name or draw(st.sampled_from(sorted(RECORDS)))
    record = copy.deepcopy(RECORDS[kind])
    path = draw(st.sampled_from(list(_paths(record))))
    parent = record
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(ODD_VALUES)
    return kind, record


def _encode(record: Any, *, ascii_only: bool = True) -> bytes:
    deep: list[Deep] = []

    def default(value: Any) -> str:
        deep.append(value)
        return f"@@deep{len(deep) - 1}@@"

    text = json.dumps(record, ensure_ascii=ascii_only, default=default)
    for index, value in enumerate(deep):
        text = text.replace(f'"@@deep{index}@@"', "[" * value.depth + "]" * value.depth)
    return text.encode("utf-8", "surrogatepass" if not ascii_only else "strict")


def _store_and_export(posts: list[Post]) -> None:
    """Everything read must go into the store and out through the exports."""
    with tempfile.TemporaryDirectory() as folder:
        store = SessionStore(Path(folder) / "s.db")
        try:
            session = store.start_session("test", [], synthetic=False)
            added = store.add_posts(session, posts)
            stored = [p for chunk in store.iter_posts(session) for p in chunk]
        finally:
            store.close()
    assert len(added) == len({p.id for p in posts}) == len(stored)
    write_geojson(stored, io.BytesIO(), Privacy())
    write_csv(stored, io.StringIO(), Privacy())


def _check_reader(reader: ArchiveReader, posts: list[Post], records: int) -> None:
    texts = [p.text for p in posts]
    assert texts.count("good neighbour") == 2, reader.problems
    accounted = len(posts) - 2 + reader.bad_records + sum(reader.notices.values())
    assert accounted + reader.empty_responses >= records - 2
    assert not any(UNEXPECTED in p.reason for p in reader.problems), reader.problems
    assert reader.stopped is None
    _store_and_export(posts)


def _read_three(body: bytes, *, in_parts_too: bool = False) -> None:
    """Read a file of three records (good, odd, good) and check it; with
    `in_parts_too`, also as a bulk-replay reader reads a part of it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive"
        path.write_bytes(body)
        reader = ArchiveReader(path, profile_matcher=None)
        posts = list(reader.posts())
        _check_reader(reader, posts, 3)
        if in_parts_too:
            part = ArchiveReader(path, profile_matcher=None)
            in_part = part.posts_between(0, path.stat().st_size)
            assert [p.id for p in in_part] == [p.id for p in posts]


@PROPERTY
@given(mutated(), st.booleans())
def test_json_lines_reader(case: tuple[str, Any], ascii_only: bool) -> None:
    odd = _encode(case[1], ascii_only=ascii_only)
    _read_three(b"\n".join([_encode(GOOD), odd, _encode(GOOD)]), in_parts_too=True)


@PROPERTY
@given(mutated())
def test_json_array_reader(case: tuple[str, Any]) -> None:
    _read_three(b"[" + b",\n".join([_encode(GOOD), _encode(case[1]), _encode(GOOD)]) + b"]")


@PROPERTY
@given(mutated())
def test_pretty_printed_reader(case: tuple[str, Any]) -> None:
    pretty = json.dumps(GOOD, indent=2).encode()
    _read_three(pretty + b"\n" + _encode(case[1]) + b"\n" + pretty + b"\n")


@PROPERTY
@given(mutated("v2 stream line") | mutated("v2 error line"), st.booleans())
def test_the_live_streams_line_handler(case: tuple[str, Any], ascii_only: bool) -> None:
    _, record = case
    source = XStreamSource(["rain"], "made-up-token")
    sink = RecordingSink()
    reason = source.handle_line(_encode(record, ascii_only=ascii_only), sink)
    assert reason is None or "stopped by X" in reason
    assert len(sink.received) + source.malformed_lines + sum(source.notices.values()) == 1
    _store_and_export(sink.received)


@PROPERTY
@given(mutated("twarc2 page"))
def test_the_recent_search_page_handler(case: tuple[str, Any]) -> None:
    _, page = case
    source = XRecentSearchSource(["rain"], "made-up-token")
    try:
        parsed = json.loads(_encode(page))
    except RecursionError:  # as requests' .json() fails: the poller reads it as no JSON
        parsed = None
    posts = source.posts_from_page(parsed)
    data = parsed.get("data") if isinstance(parsed, dict) else None
    expected = len(data) if isinstance(data, list) else 0
    assert len(posts) + source.bad_records >= expected
    _store_and_export(posts)
