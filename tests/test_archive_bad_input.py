"""Damaged archives: every fault is reported by line and reason, and the rest loads.

A record that cannot be a post is skipped; a post with a damaged part (a
point, a place box) is kept without that part, and the part is reported.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from archive_samples import (
    MELBOURNE_BBOX,
    NOTICES,
    SYDNEY,
    box_ring,
    twarc_page,
    v1_status,
    v2_line,
    write_array,
    write_lines,
)

from geotweets_desktop.core.archive import MAX_KEPT_PROBLEMS, ArchiveReader, Problem
from geotweets_desktop.core.post import Location, Post


def read(path: Path) -> tuple[ArchiveReader, list[Post]]:
    reader = ArchiveReader(path, profile_matcher=None)
    return reader, list(reader.posts())


def good(n: int) -> dict[str, Any]:
    return v2_line(f"18600000000000{n:05d}", f"good post {n}", point=list(SYDNEY))


def one_bad_line(tmp_path: Path, bad: Any) -> tuple[ArchiveReader, list[Post]]:
    """good, good, BAD, good: the bad record is line 3."""
    return read(write_lines(tmp_path / "a.jsonl", [good(1), good(2), bad, good(4)]))


def assert_only_line_3(reader: ArchiveReader, posts: list[Post], *reason_words: str) -> Problem:
    assert [p.text for p in posts] == ["good post 1", "good post 2", "good post 4"]
    assert reader.bad_records == 1
    [problem] = reader.problems
    assert problem.line == 3 and problem.unit == "line"
    for word in reason_words:
        assert word in problem.reason, problem.reason
    assert str(problem).startswith("line 3: ")
    return problem


def assert_line_3_kept_without_a_part(
    reader: ArchiveReader, posts: list[Post], *reason_words: str
) -> Problem:
    """The post of line 3 is kept (unlocated: it has nothing else) and its
    damaged part is reported, as a part of a kept post, not a bad line."""
    assert [p.text for p in posts][:2] == ["good post 1", "good post 2"]
    assert len(posts) == 4 and posts[3].text == "good post 4"
    assert posts[2].location is None
    assert reader.bad_records == 0 and reader.posts_with_faults == 1
    [problem] = reader.problems
    assert problem.line == 3 and problem.kept
    for word in reason_words:
        assert word in problem.reason, problem.reason
    assert str(problem).startswith("line 3: ") and str(problem).endswith("(post kept)")
    return problem


def test_broken_json_line(tmp_path: Path) -> None:
    reader, posts = one_bad_line(tmp_path, b'{"data": {"id": "1", "text": "cut he')
    assert_only_line_3(reader, posts, "broken JSON")


def test_latin1_bytes(tmp_path: Path) -> None:
    # "café" written by a tool that used Latin-1: é is the single byte 0xE9.
    line = json.dumps(good(3)).replace("good post 3", "caf\u00e9 post").encode("latin-1")
    reader, posts = one_bad_line(tmp_path, line)
    assert_only_line_3(reader, posts, "not UTF-8", "0xe9")


def test_a_line_that_is_not_an_object(tmp_path: Path) -> None:
    reader, posts = one_bad_line(tmp_path, b"42")
    assert_only_line_3(reader, posts, "not a JSON object")


def test_an_object_that_is_no_post(tmp_path: Path) -> None:
    reader, posts = one_bad_line(tmp_path, {"hello": "world"})
    assert_only_line_3(reader, posts, "not a post")


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ({"data": {"text": "no id here", "author_id": "1"}}, ("without an id",)),
        ({"data": {"id": "", "text": "empty id"}}, ("without an id",)),
        ({"data": {"id": "1860000000000000777", "author_id": "1"}}, ("without text",)),
        ({"data": {"id": "1860000000000000777", "text": None}}, ("without text",)),
        ({"created_at": "x", "user": {"screen_name": "a"}, "text": "v1 no id"}, ("without an id",)),
        ({"id_str": "1050000000000000777", "user": {}}, ("without text",)),
        ({"id": "1860000000000000777", "author": {"username": "a"}}, ("without text",)),
    ],
    ids=["v2-no-id", "v2-empty-id", "v2-no-text", "v2-null-text", "v1-no-id", "v1-no-text", "flat"],
)
def test_missing_id_or_text(tmp_path: Path, bad: dict[str, Any], words: tuple[str, ...]) -> None:
    reader, posts = one_bad_line(tmp_path, bad)
    assert_only_line_3(reader, posts, *words)


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        (v2_line("1860000000000000701", point=[200.0, 10.0]), ("longitude out of range", "200")),
        (v2_line("1860000000000000702", point=[10.0, -91.0]), ("latitude out of range",)),
        (v2_line("1860000000000000703", point=[10.0]), ("not a [lon, lat] pair",)),
        (v2_line("1860000000000000704", point=["10", "20"]), ("not finite numbers",)),
        (v2_line("1860000000000000705", point=[True, 20]), ("not finite numbers",)),
        (v2_line("1860000000000000706", bbox=[200.0, -37.9, 145.1, -37.7]), ("place box",)),
        (v2_line("1860000000000000711", bbox=[144.9, -37.9, 145.1]), ("place box",)),
        (v2_line("1860000000000000707", bbox=[144.9, -37.7, 145.1, -37.9]), ("south above",)),
        (v1_status("1050000000000000708", coordinates=[200.0, 10.0]), ("longitude out of range",)),
        # v1.1 geo is [lat, lon]: 95 is the latitude here, and out of range.
        (v1_status("1050000000000000709", geo=[95.0, 10.0]), ("geo", "latitude out of range")),
        (
            v1_status("1050000000000000710", polygon=box_ring(144.9, -37.9, 600.0, -37.7)),
            ("place box", "longitude out of range"),
        ),
    ],
    ids=[
        "lon-200",
        "lat-minus-91",
        "one-number",
        "strings",
        "bool",
        "v2-box",
        "v2-box-three-numbers",
        "v2-box-upside-down",
        "v1-lon-200",
        "v1-geo-lat-95",
        "v1-polygon",
    ],
)
def test_out_of_range_coordinates(
    tmp_path: Path, bad: dict[str, Any], words: tuple[str, ...]
) -> None:
    reader, posts = one_bad_line(tmp_path, bad)
    assert_line_3_kept_without_a_part(reader, posts, *words)


def test_a_damaged_point_gives_way_to_the_place_then_the_profile(tmp_path: Path) -> None:
    with_place = v2_line("1860000000000000730", point=[200.0, 1.0], bbox=MELBOURNE_BBOX)
    with_profile = v1_status("1050000000000000731", coordinates=[1.0, 95.0], profile="Somewhere")
    reader = ArchiveReader(
        write_lines(tmp_path / "a.jsonl", [with_place, with_profile]),
        profile_matcher=lambda text: Location(1.0, 2.0, "profile", 25_000.0, text),
    )
    place, profile = list(reader.posts())
    assert place.location is not None and place.location.kind == "place"
    assert (place.location.lon, place.location.lat) == pytest.approx((145.0, -37.8))
    assert profile.location is not None and profile.location.kind == "profile"
    assert [(p.line, p.kept) for p in reader.problems] == [(1, True), (2, True)]
    assert "point ignored (longitude out of range: 200.0)" in reader.problems[0].reason


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_coordinates(tmp_path: Path, value: str) -> None:
    # Python's json.dumps writes NaN like this; strict JSON parsers refuse it.
    line = json.dumps(v2_line("1860000000000000720", point=[151.2, -33.87]))
    line = line.replace("-33.87", value)
    reader, posts = one_bad_line(tmp_path, line.encode())
    assert_line_3_kept_without_a_part(reader, posts, "not finite")


def test_nan_in_a_v1_geo(tmp_path: Path) -> None:
    line = json.dumps(v1_status("1050000000000000721", geo=[1.5, 2.5])).replace("1.5", "NaN")
    reader, posts = one_bad_line(tmp_path, line.encode())
    assert_line_3_kept_without_a_part(reader, posts, "not finite")


def test_a_bad_post_inside_a_twarc_page_skips_only_that_post(tmp_path: Path) -> None:
    page = twarc_page([good(1), good(2), good(3)])
    del page["data"][1]["text"]
    page["data"][2]["geo"]["coordinates"]["coordinates"] = [151.2, 123.0]
    reader, posts = read(write_lines(tmp_path / "p.jsonl", [good(0), page]))
    assert [p.text for p in posts] == ["good post 0", "good post 1", "good post 3"]
    assert [(p.line, p.reason, p.kept) for p in reader.problems] == [
        (2, "post 2 of the page: post 1860000000000000002 without text", False),
        (2, "post 3 of the page: point ignored (latitude out of range: 123.0)", True),
    ]
    assert reader.bad_records == 1 and reader.posts_with_faults == 1


def test_notices_are_counted_by_kind_not_reported(tmp_path: Path) -> None:
    notices = [NOTICES["delete"], NOTICES["limit"], NOTICES["errors"], NOTICES["limit"]]
    reader, posts = read(write_lines(tmp_path / "a.jsonl", [good(1), *notices, good(2)]))
    assert len(posts) == 2 and reader.problems == [] and reader.bad_records == 0
    assert reader.notices == {"delete": 1, "limit": 2, "errors": 1}


@pytest.mark.parametrize("kind", sorted(NOTICES))
def test_each_notice_kind_is_a_notice(tmp_path: Path, kind: str) -> None:
    reader, posts = read(write_lines(tmp_path / "a.jsonl", [NOTICES[kind], good(1)]))
    assert len(posts) == 1 and reader.problems == []
    assert reader.notices == {kind: 1}


def test_blank_lines_and_a_byte_order_mark_are_fine(tmp_path: Path) -> None:
    body = (
        b"\xef\xbb\xbf"
        + json.dumps(good(1)).encode()
        + b"\n\n   \r\n"
        + json.dumps(good(2)).encode()
    )
    path = tmp_path / "a.jsonl"
    path.write_bytes(body + b"\r\n")
    reader, posts = read(path)
    assert [p.text for p in posts] == ["good post 1", "good post 2"]
    assert reader.problems == []
    raw = posts[1].raw
    assert not (raw.decode() if isinstance(raw, bytes) else raw).endswith(("\r", "\n"))


def test_a_last_line_without_newline_still_counts(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(json.dumps(good(1)).encode() + b"\n" + json.dumps(good(2)).encode())
    _, posts = read(path)
    assert len(posts) == 2


def test_many_bad_lines_are_all_counted_but_only_some_kept(tmp_path: Path) -> None:
    lines: list[Any] = [b"{nope"] * (MAX_KEPT_PROBLEMS + 25) + [good(1)]
    reader, posts = read(write_lines(tmp_path / "a.jsonl", lines))
    assert len(posts) == 1
    assert reader.bad_records == MAX_KEPT_PROBLEMS + 25
    assert len(reader.problems) == MAX_KEPT_PROBLEMS
    assert reader.problems[-1].line == MAX_KEPT_PROBLEMS


def test_every_kind_of_damage_in_one_file(tmp_path: Path) -> None:
    lines: list[Any] = [
        good(1),
        b"{broken",
        json.dumps(good(3)).replace("good", "s\u00fc\u00df").encode("latin-1"),
        {"data": {"text": "no id"}},
        v2_line("1860000000000000705", point=[200.0, 1.0]),
        json.dumps(v2_line("1860000000000000706", point=[1.0, 2.5])).replace("2.5", "NaN").encode(),
        v1_status("1050000000000000707", geo=[-33.87, 151.2]),
        {"data": {"id": "1860000000000000708", "text": "odd includes"}, "includes": {"users": 7}},
        good(9),
    ]
    reader, posts = read(write_lines(tmp_path / "a.jsonl", lines))
    assert [p.id for p in posts] == [
        "1860000000000000001",
        "1860000000000000705",
        "1860000000000000706",
        "1050000000000000707",
        "1860000000000000708",
        "1860000000000000009",
    ]
    assert [(p.line, p.kept) for p in reader.problems] == [
        (2, False),
        (3, False),
        (4, False),
        (5, True),
        (6, True),
        (8, True),
    ]
    assert reader.problems[-1].reason == "includes.users ignored (not a list: 7)"
    assert reader.posts_read == 6 and reader.bad_records == 3 and reader.posts_with_faults == 3


# -- truncated and damaged gzip ---------------------------------------------


def _gz_lines(n: int) -> bytes:
    # Varied text so the compressed stream is long enough to cut in the middle.
    lines = [v2_line(f"186000000{i:010d}", f"post {i} {i * 7919 % 100003:x}") for i in range(n)]
    return gzip.compress(b"".join(json.dumps(line).encode() + b"\n" for line in lines))


def test_a_truncated_gzip_keeps_what_came_before_the_cut(tmp_path: Path) -> None:
    whole = _gz_lines(3000)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    reader, posts = read(path)
    assert 0 < len(posts) < 3000
    assert [p.id for p in posts] == [f"186000000{i:010d}" for i in range(len(posts))]
    [problem] = reader.problems
    assert "truncated" in problem.reason
    assert problem.line > len(posts)
    assert reader.compressed is True


def test_a_gzip_cut_inside_its_header(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gz"
    path.write_bytes(_gz_lines(10)[:5])
    reader, posts = read(path)
    assert posts == []
    [problem] = reader.problems
    assert "gzip" in problem.reason


def test_damaged_gzip_data(tmp_path: Path) -> None:
    whole = bytearray(_gz_lines(3000))
    middle = len(whole) // 2
    whole[middle : middle + 64] = b"\x00" * 64
    path = tmp_path / "damaged.gz"
    path.write_bytes(bytes(whole))
    reader, posts = read(path)
    assert len(posts) < 3000
    assert reader.problems, "the damage must be reported"
    assert "gzip" in reader.problems[-1].reason or "broken JSON" in reader.problems[-1].reason


# -- JSON arrays ------------------------------------------------------------


def _statuses(n: int) -> list[dict[str, Any]]:
    return [v1_status(f"10500000000000{i:05d}", f"status {i}") for i in range(n)]


def test_a_truncated_array_keeps_the_items_before_the_cut(tmp_path: Path) -> None:
    path = write_array(tmp_path / "a.json", _statuses(50))
    body = path.read_bytes()
    path.write_bytes(body[: len(body) // 2])
    reader, posts = read(path)
    assert 0 < len(posts) < 50
    [problem] = reader.problems
    assert problem.unit == "item" and problem.line == len(posts) + 1
    assert "the rest of the array is lost" in problem.reason


def test_a_truncated_gzipped_array(tmp_path: Path) -> None:
    path = write_array(tmp_path / "a.json.gz", _statuses(400), compress=True)
    body = path.read_bytes()
    path.write_bytes(body[: len(body) // 2])
    reader, posts = read(path)
    assert 0 < len(posts) < 400
    assert "truncated" in reader.problems[-1].reason


def test_a_broken_item_in_an_array(tmp_path: Path) -> None:
    path = write_array(tmp_path / "a.json", _statuses(6))
    text = path.read_text()
    path.write_text(text.replace('"status 3"', '"status 3" oops'))
    reader, posts = read(path)
    assert [p.text for p in posts] == ["status 0", "status 1", "status 2"]
    [problem] = reader.problems
    assert problem.line == 4 and "broken JSON" in problem.reason


def test_bad_items_in_an_array_are_skipped_one_by_one(tmp_path: Path) -> None:
    items: list[Any] = _statuses(4)
    del items[1]["id_str"], items[1]["id"]
    items[2]["coordinates"] = {"type": "Point", "coordinates": [181.0, 0.0]}
    items.insert(3, "not an object")
    reader, posts = read(write_array(tmp_path / "a.json", items))
    assert [p.text for p in posts] == ["status 0", "status 2", "status 3"]
    assert [(p.line, p.unit, p.kept) for p in reader.problems] == [
        (2, "item", False),
        (3, "item", True),
        (4, "item", False),
    ]
    assert str(reader.problems[0]) == "item 2: post without an id"
    assert str(reader.problems[2]) == "item 4: not a JSON object but a string"


def test_an_array_with_latin1_bytes(tmp_path: Path) -> None:
    items = _statuses(5)
    items[3]["text"] = "caf\u00e9"
    path = tmp_path / "a.json"
    path.write_bytes(json.dumps(items, ensure_ascii=False).encode("latin-1"))
    reader, posts = read(path)
    assert [p.text for p in posts] == ["status 0", "status 1", "status 2"]
    assert "not UTF-8" in reader.problems[-1].reason


def test_an_array_with_nan_reports_that_item(tmp_path: Path) -> None:
    items = [v1_status(f"10500000000000{i:05d}", f"s{i}", coordinates=[1.0, 2.0]) for i in range(3)]
    items[1]["coordinates"]["coordinates"] = [float("nan"), 2.0]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(items))  # stdlib writes NaN
    reader, posts = read(path)
    assert [p.text for p in posts] == ["s0", "s1", "s2"]
    [problem] = reader.problems
    assert problem.line == 2 and problem.kept and "not finite" in problem.reason


def test_an_array_of_twarc_pages_and_v2_lines(tmp_path: Path) -> None:
    items = [
        good(1),
        twarc_page([good(2), good(3)]),
        v2_line("1860000000000000009", bbox=MELBOURNE_BBOX),
    ]
    reader, posts = read(write_array(tmp_path / "a.json", items))
    assert len(posts) == 4 and reader.problems == [] and reader.format == "mixed"
