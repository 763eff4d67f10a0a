"""GeoParquet exports, read back with DuckDB and checked against the store.

DuckDB's spatial extension cannot be downloaded here (no network), but
DuckDB 2.0 itself reads GeoParquet's `geo` metadata into a GEOMETRY column
and has ST_AsText, ST_AsWKB, ST_CRS and ST_Intersects_Extent built in: the
area queries use those and, as a reader without spatial types would, the
bbox covering columns.
"""

from __future__ import annotations

import itertools
import json
import struct
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pyarrow.parquet as pq
import pytest

from geotweets_desktop.cli import main
from geotweets_desktop.core.export import ExportError, Privacy, export_session
from geotweets_desktop.core.export.geoparquet import GeoParquetWriter
from geotweets_desktop.core.export.privacy import coarsen_location
from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.store import SessionStore

SCHEMA = Path(__file__).parent / "data" / "geoparquet-1.1.0.schema.json"

HOSTILE = '\'); DROP TABLE posts;-- "quoted", \\N NULL \x00nul\ttab\nnew line \u2028'
EMOJI = "flood 🌊🏳️‍🌈👩🏽‍🚒 at the bridge"
RTL_NAME = "מזג אוויר — طقس"
ANTIMERIDIAN = Location(lon=180.0, lat=-16.5, kind="exact", radius_m=0.0)
FIJI_WEST = Location(lon=-179.99, lat=-16.8, kind="place", radius_m=9_400.4, label="Taveuni, FJ")
LISBON = Location(lon=-9.1393, lat=38.7223, kind="profile", radius_m=25_000.0, label="Lisbon")
SYDNEY = Location(lon=151.2093, lat=-33.8688, kind="exact", radius_m=0.0)
START = datetime(2026, 11, 28, 22, 10, 0, 123456, tzinfo=UTC)


def made_up_posts() -> list[Post]:
    """Twelve posts over two UTC days, stored out of time order on purpose, and
    one that carries no time."""
    texts = [HOSTILE, EMOJI, "rain", "plain", "", "RTL: مطر غزير"] * 2
    locations = [ANTIMERIDIAN, FIJI_WEST, None, LISBON, SYDNEY, None] * 2
    timeless = Post(
        id="20",
        created_at=None,
        text="from an archive of 2009, before ids held the time",
        author_name="Made Up Old",
        author_handle="made_up_old",
        terms=("rain",),
        location=SYDNEY,
        raw="{}",
    )
    return [timeless] + [
        Post(
            id=str(1_870_000_000_000_000_000 + i),
            created_at=START + timedelta(minutes=(11 - i) * 23 if i % 2 else i * 19),
            text=text,
            author_name=RTL_NAME if i % 3 == 0 else f"Made Up {i}",
            author_handle=f"made_up_{i}",
            terms=("rain", "#flood") if i % 2 else ("rain",),
            location=location,
            raw="{}",
            lang="he" if i % 3 == 0 else "en",
        )
        for i, (text, location) in enumerate(zip(texts, locations, strict=True))
    ]


def by_time(posts: list[Post]) -> list[Post]:
    """As the export orders them: posts without a time first."""
    return sorted(posts, key=lambda p: (p.created_at is not None, p.created_at or START))


@pytest.fixture
def stored(tmp_path: Path) -> Any:
    store = SessionStore(tmp_path / "sessions.db")
    other = store.start_session("Demo (synthetic)", ["snow"], synthetic=True)
    store.add_posts(other, made_up_posts()[:1])
    session = store.start_session("Replay: made-up.jsonl", ["rain", "#flood"], synthetic=False)
    store.add_posts(session, made_up_posts())
    store.end_session(session)
    yield store, session
    store.close()


def store_posts(store: SessionStore, session: int) -> list[Post]:
    return [p for chunk in store.iter_posts(session) for p in chunk]


def query(sql: str, *params: object) -> list[tuple[Any, ...]]:
    with duckdb.connect() as db:
        return db.execute(sql, list(params)).fetchall()


def geo_metadata(path: Path) -> dict[str, Any]:
    [(raw,)] = query("SELECT value FROM parquet_kv_metadata(?) WHERE key = 'geo'::BLOB", str(path))
    result: dict[str, Any] = json.loads(raw)
    return result


def wkb(lon: float, lat: float) -> bytes:
    return struct.pack("<BIdd", 1, 1, lon, lat)


def test_every_post_survives_the_round_trip_unchanged(stored: Any, tmp_path: Path) -> None:
    store, session = stored
    out = tmp_path / "out.parquet"
    result = export_session(store, session, out)
    assert (result.written, result.left_out) == (13, 0)
    rows = query(
        "SELECT id, created_at, author_name, author_handle, text, lang, terms, lon, lat,"
        " location_kind, radius_m, place_label, coarse, url, ST_AsWKB(geometry), bbox,"
        " time_from_id FROM read_parquet(?)",
        str(out),
    )
    posts = store_posts(store, session)
    # Rows go by time, not in the order they were stored.
    assert [r[0] for r in rows] == [p.id for p in by_time(posts)]
    by_id = {p.id: p for p in posts}
    for row in rows:
        post = by_id[row[0]]
        loc = post.location
        assert row[1] == post.created_at  # microseconds kept
        assert row[2:7] == (
            post.author_name,
            post.author_handle,
            post.text,
            post.lang,
            list(post.terms),
        )
        assert (row[13], row[16]) == (post.url, False)
        if loc is None:
            assert row[7:13] == (None,) * 6 and row[14:16] == (None, None)
        else:
            assert row[7:13] == (loc.lon, loc.lat, loc.kind, round(loc.radius_m), loc.label, False)
            assert row[14] == wkb(loc.lon, loc.lat)
            assert row[15] == {"xmin": loc.lon, "ymin": loc.lat, "xmax": loc.lon, "ymax": loc.lat}
    texts = {r[4] for r in rows}
    assert {HOSTILE, EMOJI, "RTL: مطر غزير", ""} <= texts
    assert RTL_NAME in {r[2] for r in rows}
    assert (180.0, -16.5) in {(r[7], r[8]) for r in rows}


def test_counts_terms_and_an_area_query_agree_with_the_store(stored: Any, tmp_path: Path) -> None:
    store, session = stored
    out = tmp_path / "out.parquet"
    export_session(store, session, out)
    posts = store_posts(store, session)
    assert query("SELECT count(*) FROM read_parquet(?)", str(out)) == [(len(posts),)]
    per_term = query(
        "SELECT term, count(*) FROM (SELECT unnest(terms) AS term FROM read_parquet(?))"
        " GROUP BY term ORDER BY term",
        str(out),
    )
    assert dict(per_term) == Counter(t for p in posts for t in p.terms)
    # The Pacific west of the antimeridian, by the covering columns and by geometry.
    west, south, east, north = 170.0, -20.0, 180.0, -10.0
    expected = sorted(
        p.id
        for p in posts
        if p.location and west <= p.location.lon <= east and south <= p.location.lat <= north
    )
    by_bbox = query(
        "SELECT id FROM read_parquet(?) WHERE bbox.xmin >= ? AND bbox.xmax <= ?"
        " AND bbox.ymin >= ? AND bbox.ymax <= ? ORDER BY id",
        str(out),
        west,
        east,
        south,
        north,
    )
    by_geometry = query(
        "SELECT id FROM read_parquet(?) WHERE ST_Intersects_Extent(geometry,"
        " 'POLYGON((170 -20, 180 -20, 180 -10, 170 -10, 170 -20))'::GEOMETRY) ORDER BY id",
        str(out),
    )
    assert [r[0] for r in by_bbox] == [r[0] for r in by_geometry] == expected
    assert len(expected) == 2
    assert query("SELECT count(*) FROM read_parquet(?) WHERE geometry IS NULL", str(out)) == [
        (sum(p.location is None for p in posts),)
    ]


def test_geo_metadata_follows_geoparquet_1_1(stored: Any, tmp_path: Path) -> None:
    store, session = stored
    out = tmp_path / "out.parquet"
    export_session(store, session, out)
    geo = geo_metadata(out)
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(geo)
    column = geo["columns"]["geometry"]
    assert geo["version"] == "1.1.0" and geo["primary_column"] == "geometry"
    assert column["encoding"] == "WKB" and column["geometry_types"] == ["Point"]
    assert "crs" not in column  # the spec's default: OGC:CRS84
    assert query("SELECT DISTINCT ST_CRS(geometry) FROM read_parquet(?)", str(out)) == [
        ("OGC:CRS84",)
    ]
    located = [p.location for p in store_posts(store, session) if p.location]
    lons, lats = [loc.lon for loc in located], [loc.lat for loc in located]
    assert column["bbox"] == [min(lons), min(lats), max(lons), max(lats)]
    assert column["covering"] == {
        "bbox": {c: ["bbox", c] for c in ("xmin", "ymin", "xmax", "ymax")}
    }
    # pyarrow (and so GeoPandas) sees the same metadata on the schema.
    assert json.loads(pq.read_schema(out).metadata[b"geo"]) == geo


def test_an_empty_session_is_a_valid_file_without_a_bbox(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions.db")
    session = store.start_session("Demo (synthetic)", ["rain"], synthetic=True)
    out = tmp_path / "empty.parquet"
    assert export_session(store, session, out).written == 0
    store.close()
    geo = geo_metadata(out)
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(geo)
    assert "bbox" not in geo["columns"]["geometry"]
    assert query("SELECT count(*) FROM read_parquet(?)", str(out)) == [(0,)]


def test_privacy_options(stored: Any, tmp_path: Path) -> None:
    store, session = stored
    out = tmp_path / "private.parquet"
    export_session(store, session, out, Privacy(coarsen="10km", drop_authors=True))
    names = pq.read_schema(out).names
    assert "author_name" not in names and "author_handle" not in names
    rows = query(
        "SELECT id, lon, lat, radius_m, coarse, geometry::BLOB, url FROM read_parquet(?)", str(out)
    )
    by_id = {p.id: p for p in store_posts(store, session)}
    for post_id, lon, lat, radius, coarse, geometry, url in rows:
        loc = by_id[post_id].location
        assert "made_up" not in url
        if loc is None:
            continue
        snapped = coarsen_location(loc, 0.1)
        assert (lon, lat, radius, coarse) == (
            snapped.lon,
            snapped.lat,
            round(snapped.radius_m),
            snapped.coarse,
        )
        assert geometry == wkb(snapped.lon, snapped.lat)


def test_row_groups_carry_statistics_for_time_and_area(tmp_path: Path) -> None:
    out = tmp_path / "groups.parquet"
    writer = GeoParquetWriter(out, Privacy(), rows_per_group=4)
    posts = by_time([p for p in made_up_posts() if p.created_at is not None])
    for post in posts:
        writer.add(post)
    writer.close()
    meta = pq.read_metadata(out)
    assert meta.num_row_groups == 3
    names = [meta.schema.column(i).path for i in range(meta.num_columns)]
    spans = []
    for group in range(meta.num_row_groups):
        stats = {name: meta.row_group(group).column(i).statistics for i, name in enumerate(names)}
        assert all(stats[f"bbox.{c}"].has_min_max for c in ("xmin", "ymin", "xmax", "ymax"))
        spans.append((stats["created_at"].min, stats["created_at"].max))
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_partitioned_by_day_reads_as_one_table(stored: Any, tmp_path: Path) -> None:
    store, session = stored
    folder = tmp_path / "by-day"
    folder.mkdir()  # an empty folder is fine
    result = export_session(store, session, folder, partition="day")
    assert result.written == 13
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.parquet"))
    assert files == [
        "date=2026-11-28/part-0.parquet",
        "date=2026-11-29/part-0.parquet",
        "date=__HIVE_DEFAULT_PARTITION__/part-0.parquet",  # a null date to the engines
    ]
    posts = store_posts(store, session)
    per_day = query(
        "SELECT date::VARCHAR, count(*) FROM read_parquet(?, hive_partitioning = true)"
        " GROUP BY ALL ORDER BY 1",
        str(folder / "**" / "*.parquet"),
    )
    assert dict(per_day) == Counter(
        p.created_at.date().isoformat() if p.created_at else None for p in posts
    )
    single = tmp_path / "one.parquet"
    export_session(store, session, single)
    assert query(
        "SELECT * EXCLUDE (date) FROM read_parquet(?, hive_partitioning = true) ORDER BY"
        " created_at NULLS FIRST, id",
        str(folder / "**" / "*.parquet"),
    ) == query("SELECT * FROM read_parquet(?)", str(single))
    for path in folder.rglob("*.parquet"):
        jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(
            geo_metadata(path)
        )


def test_a_partitioned_export_needs_a_new_or_empty_folder(stored: Any, tmp_path: Path) -> None:
    store, session = stored
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="new or empty folder"):
        export_session(store, session, folder, partition="day")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    with pytest.raises(ExportError, match="cannot partition by 'hour'"):
        export_session(store, session, tmp_path / "new", partition="hour")


def test_progress_counts_every_post(stored: Any, tmp_path: Path) -> None:
    store, session = stored
    seen: list[int] = []
    export_session(store, session, tmp_path / "out.parquet", progress=seen.append)
    assert seen and seen[-1] == 13


def test_the_command_line_writes_a_file_and_a_folder(
    stored: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, session = stored
    db = str(store.path)
    out = tmp_path / "cli.parquet"
    assert main(["export", db, "--session", str(session), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"session {session}: 13 posts -> {out}\n"
    folder = tmp_path / "cli-days"
    args = ["export", db, "--session", str(session), "--out", f"{folder}/", "--partition", "day"]
    assert main(args) == 0
    assert capsys.readouterr().out == f"session {session}: 13 posts -> {folder}\n"
    assert query("SELECT count(*) FROM read_parquet(?)", str(folder / "*" / "*.parquet")) == [(13,)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("geotweets export: ") and "new or empty folder" in err
