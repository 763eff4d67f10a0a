"""File shapes other tools write, read from fixture files in each shape.

tests/data/archives/ holds made-up files as the tools save them:
- v1_search_response.json: a v1.1 `search/tweets` response saved whole,
  pretty-printed (tweepy's or python-twitter's raw JSON, `json.dump(..., indent=4)`);
- v2_response.json: a v2 search response saved as one JSON document;
- jq_concatenated.json: three v2 stream lines pretty-printed one after
  another, as `jq .` writes them;
- notices.jsonl: one notice of each kind X sends between two posts.
They also carry what X's own wire format does to text, time and places:
long posts, reposts, `&amp;`, a missing `created_at`, a point with a place,
boxes across the antimeridian, a point beyond Web Mercator's 85.05°.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from archive_samples import (
    NOTICES,
    SYDNEY,
    twarc_flat,
    v1_search_response,
    v1_status,
    v2_line,
    v2_response,
    write_lines,
    write_pretty,
)

from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.post_time import time_from_id

ARCHIVES = Path(__file__).parent / "data" / "archives"
LONG_TEXT = (
    "A made-up long post about the rain & the river <3: " + "the water keeps rising, " * 14 + "end."
)


def read(path: Path) -> tuple[ArchiveReader, list[Post]]:
    reader = ArchiveReader(path, profile_matcher=None)
    return reader, list(reader.posts())


def by_id(posts: list[Post]) -> dict[str, Post]:
    return {post.id: post for post in posts}


# -- the shapes ----------------------------------------------------------------


def test_a_v1_search_response_saved_whole() -> None:
    reader, posts = read(ARCHIVES / "v1_search_response.json")
    assert len(posts) == 6 and reader.problems == []
    assert reader.format == "v1.1-search" and reader.container == "documents"
    assert reader.description == "X API v1.1 search responses (pretty-printed JSON)"


def test_a_v2_response_saved_as_one_document() -> None:
    reader, posts = read(ARCHIVES / "v2_response.json")
    assert [p.id for p in posts] == [f"186000000000000020{i}" for i in range(1, 6)]
    assert reader.problems == [] and reader.format == "twarc2-pages"
    assert by_id(posts)["1860000000000000201"].author_handle == "made_up"


def test_pretty_printed_objects_one_after_another_as_jq_writes_them() -> None:
    reader, posts = read(ARCHIVES / "jq_concatenated.json")
    assert [p.text for p in posts] == ["first of three", "second of three", "third of three"]
    assert reader.problems == [] and reader.format == "v2-stream"
    sydney = posts[0].location
    assert sydney is not None and (sydney.lon, sydney.lat) == SYDNEY


def test_pretty_printed_shapes_are_read_gzipped_and_after_compact_lines(tmp_path: Path) -> None:
    compact = json.dumps(v2_line("1860000000000000501", "compact first")) + "\n"
    pretty = (ARCHIVES / "jq_concatenated.json").read_text(encoding="utf-8")
    path = tmp_path / "mixed.json.gz"
    path.write_bytes(gzip.compress((compact + pretty).encode()))
    reader, posts = read(path)
    assert len(posts) == 4 and reader.problems == [] and reader.compressed


def test_one_pretty_printed_status_and_an_array_in_a_stream_of_documents(tmp_path: Path) -> None:
    path = write_pretty(
        tmp_path / "one.json",
        [
            v1_status("1050000000000000601", "alone"),
            [v1_status("1050000000000000602", "in a list")],
        ],
    )
    reader, posts = read(path)
    assert [p.text for p in posts] == ["alone", "in a list"] and reader.problems == []


def test_a_broken_pretty_printed_document_is_one_problem_at_its_first_line(
    tmp_path: Path,
) -> None:
    path = write_pretty(
        tmp_path / "a.json",
        [v2_line("1860000000000000701", "one"), {"x": 1}, v2_line("1860000000000000703", "three")],
    )
    lines = path.read_text().splitlines()
    first_line_of_second = next(i for i, line in enumerate(lines) if line == "{" and i > 0)
    lines[first_line_of_second + 1] = '  "x": oops'
    path.write_text("\n".join(lines) + "\n")
    reader, posts = read(path)
    assert [p.text for p in posts] == ["one", "three"]
    [problem] = reader.problems
    assert problem.line == first_line_of_second + 1 and "broken JSON" in problem.reason


def test_a_pretty_printed_document_cut_short(tmp_path: Path) -> None:
    path = write_pretty(tmp_path / "a.json", [v2_line("1860000000000000801", "whole")] * 2)
    text = path.read_text()
    path.write_text(text[: len(text) - 40])
    reader, posts = read(path)
    assert [p.text for p in posts] == ["whole"]
    assert reader.stopped is not None and "ends early" in reader.stopped.reason


def test_v1_search_responses_one_a_line(tmp_path: Path) -> None:
    pages = [
        v1_search_response([v1_status("1050000000000000901", "a")]),
        v1_search_response([]),
        v1_search_response([v1_status("1050000000000000902", "b"), {"id_str": "3"}]),
    ]
    reader, posts = read(write_lines(tmp_path / "s.jsonl", pages))
    assert [p.text for p in posts] == ["a", "b"]
    assert [str(p) for p in reader.problems] == [
        "line 3: status 2 of the response: post 3 without text"
    ]


def test_v2_responses_one_a_line_as_twarc2_writes_them(tmp_path: Path) -> None:
    pages = [v2_response([v2_line("1860000000000000911", "p")]), {"meta": {"result_count": 0}}]
    reader, posts = read(write_lines(tmp_path / "p.jsonl", pages))
    assert len(posts) == 1 and reader.problems == [] and reader.empty_responses == 1


# -- files that are no archive --------------------------------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"id,text\n1,hello\n", "line 1: broken JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
        (b'{"name": "a settings file", "version": 3}\n', "not a post in any format"),
        (b'[{"name": "a list of something else"}]', "item 1: not a post"),
        (b"", "is empty"),
        (b"\n\n", "is empty"),
    ],
)
def test_a_file_that_is_no_archive_says_so_in_one_line(
    tmp_path: Path, body: bytes, words: str
) -> None:
    path = tmp_path / "not-posts.txt"
    path.write_bytes(body)
    reason = ArchiveReader(path, profile_matcher=None).not_an_archive()
    assert reason is not None and words in reason and "\n" not in reason
    assert reason.startswith("not-posts.txt ")


@pytest.mark.parametrize(
    "name", ["v1_search_response.json", "v2_response.json", "jq_concatenated.json", "notices.jsonl"]
)
def test_every_fixture_is_an_archive(name: str) -> None:
    assert ArchiveReader(ARCHIVES / name, profile_matcher=None).not_an_archive() is None


def test_a_file_of_notices_only_is_an_archive(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "n.jsonl", [NOTICES["delete"], NOTICES["limit"]])
    assert ArchiveReader(path, profile_matcher=None).not_an_archive() is None


# -- notices ----------------------------------------------------------------------


def test_one_notice_of_each_kind_between_two_posts() -> None:
    reader, posts = read(ARCHIVES / "notices.jsonl")
    assert [p.text for p in posts] == ["before the notices", "after the notices"]
    assert reader.problems == [] and reader.bad_records == 0
    assert reader.notices == {kind: 1 for kind in NOTICES}


# -- whole text, X's escaping ---------------------------------------------------------


def test_long_posts_show_their_whole_text_unescaped() -> None:
    _, v1 = read(ARCHIVES / "v1_search_response.json")
    _, v2 = read(ARCHIVES / "v2_response.json")
    for post in (by_id(v1)["1050000000000000101"], by_id(v2)["1860000000000000201"]):
        assert post.text == LONG_TEXT
        assert len(post.text) > 280


def test_reposts_show_the_originals_whole_text() -> None:
    _, v1 = read(ARCHIVES / "v1_search_response.json")
    _, v2 = read(ARCHIVES / "v2_response.json")
    assert by_id(v1)["1050000000000000103"].text == (
        "RT @original_v1: The original whole text of a reposted status, longer than what the"
        " repost carries: rain rain rain rain rain rain rain rain rain rain rain rain rain rain."
    )
    assert by_id(v2)["1860000000000000202"].text == (
        "RT @original_v2: A v2 original, whole: rain & wind, here in full."
    )


def test_a_flattened_repost_carries_its_original_inline(tmp_path: Path) -> None:
    original = v2_line("1860000000000000995", "the original, whole &amp; long")
    repost = v2_line("1860000000000000996", "RT @imaginary_person: the original, wh…")
    repost["data"]["referenced_tweets"] = [{"type": "retweeted", "id": "1860000000000000995"}]
    repost["includes"]["tweets"] = [original["data"]]
    flat = twarc_flat(repost)
    # twarc2's flatten merges the included post into the reference itself.
    flat["referenced_tweets"] = [{"type": "retweeted", **original["data"]}]
    _, [post] = read(write_lines(tmp_path / "f.jsonl", [flat]))
    assert post.text == "RT @imaginary_person: the original, whole & long"


def test_partial_errors_beside_a_responses_posts_are_notices(tmp_path: Path) -> None:
    page = v2_response([v2_line("1860000000000000997", "kept")])
    page["errors"] = [{"title": "Not Found Error", "detail": "Could not find tweet with id: [1]."}]
    reader, posts = read(write_lines(tmp_path / "p.jsonl", [page]))
    assert len(posts) == 1 and reader.notices == {"errors": 1} and reader.problems == []


def test_only_xs_three_entities_are_decoded_and_the_raw_payload_stays_as_sent(
    tmp_path: Path,
) -> None:
    wire = "a &amp;lt; b &gt; c &lt; d &amp; e &quot;f&quot; &#39;g"
    _, [post] = read(write_lines(tmp_path / "a.jsonl", [v2_line("1860000000000000990", wire)]))
    assert post.text == "a &lt; b > c < d & e &quot;f&quot; &#39;g"
    raw = post.raw.decode() if isinstance(post.raw, bytes) else post.raw
    assert json.loads(raw)["data"]["text"] == wire


def test_v2_full_shows_the_same_text_whichever_decoder_reads_it(tmp_path: Path) -> None:
    """The fast decoder and the general path agree on note_tweet and reposts."""
    document = json.loads((ARCHIVES / "v2_response.json").read_text())
    includes = document["includes"]
    lines = [{"data": data, "includes": includes} for data in document["data"]]
    _, fast = read(write_lines(tmp_path / "fast.jsonl", lines))
    _, general = read(ARCHIVES / "v2_response.json")
    assert [p.text for p in fast] == [p.text for p in general]


# -- time -------------------------------------------------------------------------------


def test_a_post_without_created_at_takes_the_time_in_its_id() -> None:
    _, v1 = read(ARCHIVES / "v1_search_response.json")
    _, v2 = read(ARCHIVES / "v2_response.json")
    for post in (by_id(v1)["1050000000000000106"], by_id(v2)["1860000000000000205"]):
        assert post.time_from_id
        assert post.created_at == time_from_id(post.id)
    assert not by_id(v1)["1050000000000000101"].time_from_id


def test_time_from_id_follows_xs_formula() -> None:
    # (id >> 22) + 1288834974657 ms since the Unix epoch; the low 22 bits
    # (machine and sequence) carry no time.
    written = datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)
    milliseconds = round(written.timestamp() * 1000) - 1_288_834_974_657
    for low_bits in (0, 0x3FFFFF):
        assert time_from_id(str(milliseconds << 22 | low_bits)) == written


@pytest.mark.parametrize("post_id", ["20", "29700859247", "abc", "", "1" * 25, "-5"])
def test_ids_that_carry_no_time(post_id: str) -> None:
    assert time_from_id(post_id) is None


def test_a_post_with_no_time_at_all_is_never_given_the_time_of_reading(tmp_path: Path) -> None:
    status = v1_status("1050000000000000991", "old and timeless")
    del status["created_at"]
    status["id_str"] = "12345"
    reader, [post] = read(write_lines(tmp_path / "a.jsonl", [status]))
    assert post.created_at is None and not post.time_from_id and reader.problems == []


# -- places ------------------------------------------------------------------------------


def test_an_exact_point_keeps_the_name_of_its_place() -> None:
    _, v1 = read(ARCHIVES / "v1_search_response.json")
    _, v2 = read(ARCHIVES / "v2_response.json")
    lisbon = by_id(v1)["1050000000000000101"].location
    assert lisbon is not None and lisbon.kind == "exact" and lisbon.label == "Lisbon, Portugal"
    assert (lisbon.lon, lisbon.lat) == (-9.14, 38.72)
    melbourne = by_id(v2)["1860000000000000203"].location
    assert melbourne is not None and melbourne.kind == "exact"
    assert melbourne.label == "Melbourne, Victoria"


def test_antimeridian_place_boxes_in_both_spellings() -> None:
    _, v1 = read(ARCHIVES / "v1_search_response.json")
    _, v2 = read(ARCHIVES / "v2_response.json")
    for post in (by_id(v1)["1050000000000000104"], by_id(v2)["1860000000000000204"]):
        place = post.location
        assert place is not None and place.kind == "place", post.id
        assert place.lon == pytest.approx(179.0) and place.lat == pytest.approx(-17.5)
        assert place.label == "Fiji-ish, Invented"


def test_points_beyond_web_mercator_are_kept() -> None:
    _, v1 = read(ARCHIVES / "v1_search_response.json")
    polar = by_id(v1)["1050000000000000105"].location
    assert polar is not None and (polar.lon, polar.lat) == (15.6, 88.5)
