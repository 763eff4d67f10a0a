"""Every archive format the reader knows, plain and gzipped, and the coordinate order."""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from archive_samples import (
    MELBOURNE_BBOX,
    SYDNEY,
    box_ring,
    twarc_flat,
    twarc_page,
    v1_status,
    v2_line,
    write_array,
    write_lines,
)

from geotweets_desktop.core.archive import ArchiveReader
from geotweets_desktop.core.payload import post_from_v2
from geotweets_desktop.core.post import Location, Post

PROFILE_SPOT = Location(lon=-0.1276, lat=51.5072, kind="profile", radius_m=25_000.0, label="X")


def fake_profile(text: str) -> Location | None:
    """A stand-in gazetteer: knows one made-up town."""
    return PROFILE_SPOT if text == "Invented Town" else None


def read(path: Path) -> tuple[ArchiveReader, list[Post]]:
    reader = ArchiveReader(path, fake_profile)
    return reader, list(reader.posts())


def _v2_lines() -> list[dict[str, Any]]:
    return [
        v2_line("1860000000000000001", "exact ☔ point", point=list(SYDNEY)),
        v2_line("1860000000000000002", "place box", bbox=MELBOURNE_BBOX),
        v2_line("1860000000000000003", "profile only", profile="Invented Town"),
        v2_line("1860000000000000004", "nowhere at all", profile="in your heart"),
    ]


def _v1_statuses() -> list[dict[str, Any]]:
    return [
        v1_status("1050000000000000001", "exact ☔ point", coordinates=list(SYDNEY)),
        v1_status("1050000000000000002", "place box", polygon=box_ring(*MELBOURNE_BBOX)),
        v1_status("1050000000000000003", "profile only", profile="Invented Town"),
        v1_status("1050000000000000004", "nowhere at all", profile=None),
    ]


def _write_v2_stream(path: Path, gz: bool) -> Path:
    return write_lines(path, _v2_lines(), compress=gz)


def _write_twarc_pages(path: Path, gz: bool) -> Path:
    lines = _v2_lines()
    return write_lines(path, [twarc_page(lines[:3]), twarc_page(lines[3:])], compress=gz)


def _write_twarc_flat(path: Path, gz: bool) -> Path:
    return write_lines(path, [twarc_flat(line) for line in _v2_lines()], compress=gz)


def _write_twarc_flat_nested(path: Path, gz: bool) -> Path:
    flat = [twarc_flat(line, nested_place=True) for line in _v2_lines()]
    return write_lines(path, flat, compress=gz)


def _write_v1_lines(path: Path, gz: bool) -> Path:
    return write_lines(path, _v1_statuses(), compress=gz)


def _write_v1_array(path: Path, gz: bool) -> Path:
    return write_array(path, _v1_statuses(), compress=gz)


WRITERS: dict[str, tuple[Callable[[Path, bool], Path], str, str]] = {
    "v2-stream": (_write_v2_stream, "v2-stream", "lines"),
    "twarc2-pages": (_write_twarc_pages, "twarc2-pages", "lines"),
    "twarc2-flat": (_write_twarc_flat, "twarc2-flat", "lines"),
    "twarc2-flat-nested": (_write_twarc_flat_nested, "twarc2-flat", "lines"),
    "v1.1-lines": (_write_v1_lines, "v1.1", "lines"),
    "v1.1-array": (_write_v1_array, "v1.1", "array"),
}


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("kind", list(WRITERS))
def test_every_format_reads_the_same_four_posts(tmp_path: Path, kind: str, gz: bool) -> None:
    write, expected_format, container = WRITERS[kind]
    # A neutral name: detection must come from the content, not the suffix.
    path = write(tmp_path / "archive.data", gz)
    reader, posts = read(path)
    assert reader.problems == [] and reader.bad_records == 0
    assert reader.format == expected_format
    assert reader.compressed is gz
    assert reader.container == container
    assert reader.posts_read == 4
    assert reader.bytes_read == reader.total_bytes == path.stat().st_size
    assert [p.text for p in posts] == [
        "exact ☔ point",
        "place box",
        "profile only",
        "nowhere at all",
    ]
    exact, place, profile, nowhere = (p.location for p in posts)
    assert exact == Location(lon=151.2, lat=-33.87, kind="exact", radius_m=0.0)
    assert place is not None and place.kind == "place"
    assert (round(place.lon, 6), round(place.lat, 6)) == (145.0, -37.8)
    assert place.label.startswith(("Melbourne", "Invented Place"))
    assert not place.coarse
    assert profile == PROFILE_SPOT
    assert nowhere is None
    for post in posts:
        assert post.id.isdigit() and post.terms == () and not post.synthetic
        assert post.author_handle and post.author_name
        assert post.created_at.tzinfo is not None
        assert post.lang == "en"
        assert json.loads(post.raw)  # the record, kept as JSON


def test_gzip_is_found_by_its_magic_bytes_not_the_name(tmp_path: Path) -> None:
    lines = _v2_lines()
    zipped = write_lines(tmp_path / "looks-plain.jsonl", lines, compress=True)
    plain = write_lines(tmp_path / "looks-zipped.jsonl.gz", lines)
    for path, compressed in ((zipped, True), (plain, False)):
        reader, posts = read(path)
        assert reader.compressed is compressed
        assert len(posts) == 4 and reader.problems == []


def test_v2_fields_and_time(tmp_path: Path) -> None:
    line = v2_line("1860000000000000009", "hello", point=list(SYDNEY), username="someone_made_up")
    _, [post] = read(write_lines(tmp_path / "a.jsonl", [line]))
    assert post.id == "1860000000000000009"
    assert post.author_handle == "someone_made_up"
    assert post.author_name == "Imaginary Person"
    assert post.created_at == datetime(2026, 11, 28, 16, 49, 56, tzinfo=UTC)
    assert post.url == "https://x.com/someone_made_up/status/1860000000000000009"
    # The raw text is the line as it was in the file.
    assert json.loads(post.raw) == line


def test_a_twarc_page_post_keeps_a_raw_payload_that_parses_again(tmp_path: Path) -> None:
    page = twarc_page(_v2_lines())
    _, posts = read(write_lines(tmp_path / "p.jsonl", [page]))
    again = [post_from_v2(json.loads(p.raw), lambda _t: None, fake_profile) for p in posts]
    assert [(p.id, p.text, p.author_handle, p.location) for p in again] == [
        (p.id, p.text, p.author_handle, p.location) for p in posts
    ]


def test_a_twarc_page_gives_each_post_its_own_author(tmp_path: Path) -> None:
    lines = [
        v2_line("1860000000000000011", "one", username="first_made_up"),
        v2_line("1860000000000000022", "two", username="second_made_up"),
    ]
    _, posts = read(write_lines(tmp_path / "p.jsonl", [twarc_page(lines)]))
    assert [p.author_handle for p in posts] == ["first_made_up", "second_made_up"]


def test_twarc_page_without_posts_is_neither_a_post_nor_a_problem(tmp_path: Path) -> None:
    empty = {"meta": {"result_count": 0}, "__twarc": {"version": "2"}}
    reader, posts = read(write_lines(tmp_path / "p.jsonl", [empty, _v2_lines()[0]]))
    assert len(posts) == 1 and reader.problems == [] and not reader.notices
    assert reader.empty_responses == 1


# -- coordinate order -------------------------------------------------------


@pytest.mark.parametrize(
    "record",
    [
        v2_line("1860000000000000031", point=[151.2, -33.87]),
        twarc_flat(v2_line("1860000000000000032", point=[151.2, -33.87])),
        v1_status("1050000000000000033", coordinates=[151.2, -33.87]),
        # v1.1 `geo` is [latitude, longitude]: read the other way round, this
        # pair would put the latitude at 151.2, which does not exist.
        v1_status("1050000000000000034", geo=[-33.87, 151.2]),
    ],
    ids=["v2", "flat", "v1-coordinates", "v1-geo"],
)
def test_sydney_stays_in_sydney(tmp_path: Path, record: dict[str, Any]) -> None:
    reader, [post] = read(write_lines(tmp_path / "a.jsonl", [record]))
    assert reader.problems == []
    assert post.location == Location(lon=151.2, lat=-33.87, kind="exact", radius_m=0.0)


def test_v1_geo_order_where_both_readings_are_valid(tmp_path: Path) -> None:
    # Madrid: lat 40.4, lon -3.7. Swapped it would be in Antarctica's ocean.
    _, [post] = read(
        write_lines(tmp_path / "a.jsonl", [v1_status("1050000000000000035", geo=[40.4, -3.7])])
    )
    assert post.location is not None
    assert (post.location.lon, post.location.lat) == (-3.7, 40.4)


def test_v1_coordinates_win_over_geo_and_place(tmp_path: Path) -> None:
    status = v1_status(
        "1050000000000000036",
        coordinates=[2.35, 48.85],
        geo=[0.0, 0.0],
        polygon=box_ring(*MELBOURNE_BBOX),
    )
    _, [post] = read(write_lines(tmp_path / "a.jsonl", [status]))
    # The point wins; the place still names where it is.
    assert post.location == Location(
        lon=2.35, lat=48.85, kind="exact", radius_m=0.0, label="Invented Place, Nowhere"
    )


def test_v1_polygon_corner_order_does_not_matter(tmp_path: Path) -> None:
    ring = list(reversed(box_ring(*MELBOURNE_BBOX)))
    _, [post] = read(
        write_lines(tmp_path / "a.jsonl", [v1_status("1050000000000000037", polygon=ring)])
    )
    assert post.location is not None
    assert (round(post.location.lon, 6), round(post.location.lat, 6)) == (145.0, -37.8)


@pytest.mark.parametrize(
    ("ring", "centre_lon"),
    [
        # Fiji-like: west edge at 177 E, east edge at 178 W.
        (box_ring(177.0, -19.0, -178.0, -16.0), 179.5),
        # A box whose centre falls just west of the line.
        (box_ring(170.0, -19.0, -172.0, -16.0), 179.0),
        # East of the line.
        (box_ring(178.0, 60.0, -170.0, 66.0), -176.0),
    ],
)
def test_v1_antimeridian_boxes(tmp_path: Path, ring: list[list[float]], centre_lon: float) -> None:
    _, [post] = read(
        write_lines(tmp_path / "a.jsonl", [v1_status("1050000000000000038", polygon=ring)])
    )
    assert post.location is not None and post.location.kind == "place"
    assert post.location.lon == pytest.approx(centre_lon)
    # The radius is a few hundred km, not half the planet.
    assert post.location.radius_m < 1_000_000


def test_country_sized_boxes_are_coarse(tmp_path: Path) -> None:
    # A made-up "country" the size of Russia, across the antimeridian.
    country = v1_status("1050000000000000039", polygon=box_ring(19.6, 41.2, -169.0, 81.9))
    city = v2_line("1860000000000000039", bbox=MELBOURNE_BBOX)
    _, posts = read(write_lines(tmp_path / "a.jsonl", [country, city]))
    big, small = (p.location for p in posts)
    assert big is not None and small is not None
    assert big.coarse and not small.coarse
    assert 60 < big.lat < 62 and 100 < big.lon < 110


# -- v1.1 text and time -----------------------------------------------------


@pytest.mark.parametrize("field", ["text", "full_text", "extended"])
def test_v1_full_text_wins(tmp_path: Path, field: str) -> None:
    long = "a made-up post that is longer than one hundred and forty characters " * 3
    status = v1_status("1050000000000000041", long, text_field=field)
    _, [post] = read(write_lines(tmp_path / "a.jsonl", [status]))
    assert post.text == long


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("Wed Oct 10 20:19:24 +0000 2018", datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)),
        ("Mon Feb 29 23:59:59 +0200 2016", datetime(2016, 2, 29, 21, 59, 59, tzinfo=UTC)),
        ("Sun Jan 01 00:30:00 -0130 2023", datetime(2023, 1, 1, 2, 0, 0, tzinfo=UTC)),
    ],
)
def test_v1_created_at(tmp_path: Path, stamp: str, expected: datetime) -> None:
    status = v1_status("1050000000000000042", created_at=stamp)
    _, [post] = read(write_lines(tmp_path / "a.jsonl", [status]))
    assert post.created_at == expected


def test_v1_author_and_numeric_id_fallback(tmp_path: Path) -> None:
    status = v1_status("1050000000000000043", screen_name="made_up_v1_handle")
    del status["id_str"]
    _, [post] = read(write_lines(tmp_path / "a.jsonl", [status]))
    assert post.id == "1050000000000000043"
    assert post.author_handle == "made_up_v1_handle"
    assert post.author_name == "Imaginary V1 Person"


# -- files as a whole -------------------------------------------------------


def test_mixed_shapes_are_all_read(tmp_path: Path) -> None:
    records = [_v2_lines()[0], _v1_statuses()[1], twarc_flat(_v2_lines()[2])]
    reader, posts = read(write_lines(tmp_path / "a.jsonl", records))
    assert len(posts) == 3 and reader.format == "mixed"
    assert "mixed" in reader.description


def test_description_names_format_container_and_compression(tmp_path: Path) -> None:
    reader, _ = read(write_array(tmp_path / "a.json", _v1_statuses(), compress=True))
    assert reader.description == "X API v1.1 statuses (JSON array, gzip)"


def test_empty_files(tmp_path: Path) -> None:
    for name, body in (("empty", b""), ("blank", b"\n\n  \n"), ("array", b"[]")):
        path = tmp_path / name
        path.write_bytes(body)
        reader, posts = read(path)
        assert posts == [] and reader.problems == [], name
        assert reader.format is None


def test_gzipped_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "e.gz"
    path.write_bytes(gzip.compress(b""))
    reader, posts = read(path)
    assert posts == [] and reader.problems == [] and reader.compressed


def test_a_missing_file_raises_oserror_when_iterated(tmp_path: Path) -> None:
    reader = ArchiveReader(tmp_path / "nope.jsonl", fake_profile)
    with pytest.raises(FileNotFoundError):
        next(reader.posts())


def test_progress_grows_while_reading(tmp_path: Path) -> None:
    rng = random.Random(5)
    lines = [
        v2_line(f"18600000000{i:08d}", f"{rng.getrandbits(256):x}", point=list(SYDNEY))
        for i in range(12_000)
    ]
    for gz in (False, True):
        path = write_lines(tmp_path / f"big{gz}.jsonl", lines, compress=gz)
        reader = ArchiveReader(path, fake_profile)
        seen: list[int] = []
        for count, _post in enumerate(reader.posts()):
            if count % 1000 == 0:
                seen.append(reader.bytes_read)
        assert seen == sorted(seen)
        assert 0 < seen[len(seen) // 2] < reader.total_bytes
        assert reader.bytes_read == reader.total_bytes
        assert reader.fraction == 1.0


def test_reading_again_starts_afresh(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", [*_v2_lines(), b"{broken"])
    reader = ArchiveReader(path, fake_profile)
    assert len(list(reader.posts())) == 4
    assert len(list(reader.posts())) == 4
    assert reader.posts_read == 4 and reader.bad_records == 1


def test_the_real_gazetteer_is_the_default_profile_matcher(tmp_path: Path) -> None:
    line = v2_line("1860000000000000051", profile="Melbourne, Australia")
    [post] = ArchiveReader(write_lines(tmp_path / "a.jsonl", [line])).posts()
    assert post.location is not None and post.location.kind == "profile"
    assert post.location.lon == pytest.approx(144.96, abs=0.1)
