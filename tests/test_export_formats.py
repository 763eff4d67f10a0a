"""Exporting a stored session: GeoJSON (RFC 7946), CSV, a copy of the store, privacy options."""

from __future__ import annotations

import csv
import json
import math
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from geotweets_desktop.core.export import ExportError, Privacy, export_session
from geotweets_desktop.core.export.privacy import snap
from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.store import SessionStore

# Text that a careless CSV or JSON writer would mangle.
HOSTILE_TEXTS = [
    "plain words about rain",
    'quotes "inside", commas, and a trailing comma,',
    "two\nlines\r\nand a CR\ronly",
    "emoji ☔🌧️👩🏽‍🚒 and a zero-width joiner",
    "RTL: مطر غزير في المدينة — גשם חזק",
    "=1+1 looks like a formula",
    "</script><b>not html</b> & \\ backslash \u2028 line separator",
    "",
]
HANDLES = [f"zq_invented_handle_{i}" for i in range(len(HOSTILE_TEXTS))]
NAMES = [f"Zq Invented Name {i}" for i in range(len(HOSTILE_TEXTS))]

SYDNEY = Location(lon=151.2093, lat=-33.8688, kind="exact", radius_m=0.0)
PLACE = Location(lon=144.9631, lat=-37.8136, kind="place", radius_m=12_000.0, label="Melbourne, AU")
PROFILE = Location(lon=-0.1276, lat=51.5072, kind="profile", radius_m=25_000.0, label="London, GB")
COUNTRY = Location(lon=134.49, lat=-25.73, kind="place", radius_m=2_000_000.0, label="Australia")


def make_posts() -> list[Post]:
    locations = [SYDNEY, PLACE, PROFILE, None, COUNTRY, SYDNEY, None, PLACE]
    return [
        Post(
            id=str(1_860_000_000_000_000_000 + i),
            created_at=datetime(2026, 11, 28, 16, 49, i, tzinfo=UTC),
            text=text,
            author_name=NAMES[i],
            author_handle=HANDLES[i],
            terms=("rain", "#storm") if i % 2 else ("rain",),
            location=locations[i],
            raw=json.dumps(
                {"data": {"id": str(i), "author": HANDLES[i], "geo": [1.23456, 2.34567]}}
            ),
            lang="und",
        )
        for i, text in enumerate(HOSTILE_TEXTS)
    ]


@pytest.fixture
def store(tmp_path: Path) -> Any:
    store = SessionStore(tmp_path / "sessions.db")
    other = store.start_session("Demo (synthetic)", ["snow"], synthetic=True)
    store.add_posts(other, [make_posts()[0]])
    session = store.start_session("Replay: made-up.jsonl", ["rain", "#storm"], synthetic=False)
    store.add_posts(session, make_posts())
    store.end_session(session)
    yield store, session, other
    store.close()


# -- GeoJSON ----------------------------------------------------------------


def test_geojson_is_an_rfc7946_feature_collection(store: Any, tmp_path: Path) -> None:
    db, session, _ = store
    out = tmp_path / "out.geojson"
    result = export_session(db, session, out)
    assert (result.written, result.left_out) == (6, 2)
    doc = json.loads(out.read_bytes().decode("utf-8"))
    assert set(doc) == {"type", "features"}  # no "crs": RFC 7946 dropped it
    assert doc["type"] == "FeatureCollection"
    features = doc["features"]
    assert len(features) == 6
    for feature in features:
        assert set(feature) == {"type", "geometry", "properties"}
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert isinstance(lon, float) and isinstance(lat, float)
        assert math.isfinite(lon) and math.isfinite(lat)
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = feature["properties"]
        for key in (
            "id",
            "author_name",
            "author_handle",
            "text",
            "created_at",
            "terms",
            "location_kind",
            "radius_m",
            "place_label",
        ):
            assert key in props, key
        assert props["location_kind"] in ("exact", "place", "profile")
    first = features[0]
    # [longitude, latitude]: Sydney is east and south.
    assert first["geometry"]["coordinates"] == [151.2093, -33.8688]
    assert first["properties"]["id"] == "1860000000000000000"
    assert first["properties"]["created_at"] == "2026-11-28T16:49:00Z"
    assert first["properties"]["terms"] == ["rain"]
    assert first["properties"]["author_handle"] == HANDLES[0]
    assert first["properties"]["url"].endswith("/zq_invented_handle_0/status/1860000000000000000")
    texts = [f["properties"]["text"] for f in features]
    assert texts == [HOSTILE_TEXTS[i] for i in (0, 1, 2, 4, 5, 7)]
    coarse = [f["properties"]["coarse"] for f in features]
    assert coarse == [False, False, False, True, False, False]
    assert features[1]["properties"]["place_label"] == "Melbourne, AU"
    assert features[1]["properties"]["radius_m"] == 12_000


def test_geojson_of_an_empty_session(tmp_path: Path) -> None:
    db = SessionStore(tmp_path / "s.db")
    session = db.start_session("x", ["rain"], synthetic=False)
    out = tmp_path / "empty.geojson"
    export_session(db, session, out)
    assert json.loads(out.read_text()) == {"type": "FeatureCollection", "features": []}
    db.close()


# -- CSV --------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_round_trips_every_text_and_keeps_unlocated_posts(store: Any, tmp_path: Path) -> None:
    db, session, _ = store
    out = tmp_path / "out.csv"
    result = export_session(db, session, out)
    assert (result.written, result.left_out) == (8, 0)
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark
    raw.decode("utf-8")
    rows = read_csv(out)
    # Every text comes back, a formula-looking one behind an apostrophe.
    assert [r["text"] for r in rows] == ["'" + t if t.startswith("=") else t for t in HOSTILE_TEXTS]
    assert [r["author_handle"] for r in rows] == HANDLES
    assert list(rows[0]) == [
        "id",
        "created_at",
        "author_name",
        "author_handle",
        "text",
        "lang",
        "terms",
        "lon",
        "lat",
        "location_kind",
        "radius_m",
        "place_label",
        "coarse",
        "url",
        "time_from_id",
    ]
    assert (rows[0]["lon"], rows[0]["lat"]) == ("151.2093", "-33.8688")
    assert rows[3]["lon"] == rows[3]["lat"] == rows[3]["location_kind"] == ""
    assert rows[1]["terms"] == "rain; #storm"
    assert rows[1]["place_label"] == "Melbourne, AU"
    # The plain csv.reader agrees with DictReader: one record per post.
    with open(out, encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    assert len(records) == 1 + len(HOSTILE_TEXTS)
    assert {len(r) for r in records} == {15}


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://example.invalid","click")', "'=HYPERLINK("),
        ("+1 for rain", "'+1 for rain"),
        ("-10 degrees and snow", "'-10 degrees and snow"),
        ("@someone look at this rain", "'@someone look at this rain"),
        ("\tindented rain", "'\tindented rain"),
        ("rain = wet", "rain = wet"),
    ],
)
def test_csv_cells_a_spreadsheet_would_run_are_written_as_text(
    tmp_path: Path, text: str, written: str
) -> None:
    db = SessionStore(tmp_path / "s.db")
    session = db.start_session("test", ["rain"], synthetic=False)
    post = replace(make_posts()[0], text=text, author_name="=cmd|'/c calc'!A1", location=SYDNEY)
    db.add_posts(session, [post])
    out = tmp_path / "f.csv"
    export_session(db, session, out)
    db.close()
    (row,) = read_csv(out)
    assert row["text"].startswith(written)
    assert row["author_name"] == "'=cmd|'/c calc'!A1"
    assert (row["lon"], row["lat"]) == ("151.2093", "-33.8688")  # numbers untouched


def test_csv_of_a_text_with_only_a_newline(tmp_path: Path) -> None:
    db = SessionStore(tmp_path / "s.db")
    session = db.start_session("x", ["rain"], synthetic=False)
    post = make_posts()[0]
    post.text = "\n"
    db.add_posts(session, [post])
    out = tmp_path / "nl.csv"
    export_session(db, session, out)
    assert [r["text"] for r in read_csv(out)] == ["\n"]
    db.close()


# -- privacy: coarsening ----------------------------------------------------


@pytest.mark.parametrize(("option", "step"), [("1km", 0.01), ("10km", 0.1)])
def test_coarsening_snaps_every_point_to_the_grid(
    store: Any, tmp_path: Path, option: str, step: float
) -> None:
    db, session, _ = store
    out = tmp_path / "coarse.geojson"
    export_session(db, session, out, Privacy(coarsen=option))
    features = json.loads(out.read_text())["features"]
    originals = [SYDNEY, PLACE, PROFILE, COUNTRY, SYDNEY, PLACE]
    for feature, original in zip(features, originals, strict=True):
        lon, lat = feature["geometry"]["coordinates"]
        for value in (lon, lat):
            cells = value / step
            assert abs(cells - round(cells)) < 1e-6, value  # on a grid node
        # It moved by at most half a cell in each direction...
        assert abs(lon - original.lon) <= step / 2 + 1e-9
        assert abs(lat - original.lat) <= step / 2 + 1e-9
        # ...and the radius owns up to the cell's size.
        assert feature["properties"]["radius_m"] >= round(step * 111_320.0) - 1
    # Sydney's exact point really moved.
    assert features[0]["geometry"]["coordinates"] != [151.2093, -33.8688]
    expected = [round(151.2093 / step) * step, round(-33.8688 / step) * step]
    assert features[0]["geometry"]["coordinates"] == pytest.approx(expected)


def test_coarsened_csv(store: Any, tmp_path: Path) -> None:
    db, session, _ = store
    out = tmp_path / "coarse.csv"
    export_session(db, session, out, Privacy(coarsen="10km"))
    rows = read_csv(out)
    assert (rows[0]["lon"], rows[0]["lat"]) == ("151.2", "-33.9")
    assert "151.2093" not in out.read_text()


@pytest.mark.parametrize(
    ("value", "step", "expected"),
    [
        (151.2093, 0.01, 151.21),
        (-33.8688, 0.01, -33.87),
        (-33.8688, 0.1, -33.9),
        (179.96, 0.1, 180.0),
        (0.04, 0.1, 0.0),
        (-0.06, 0.1, -0.1),
    ],
)
def test_snap(value: float, step: float, expected: float) -> None:
    assert snap(value, step) == expected


def test_privacy_rejects_unknown_grids() -> None:
    with pytest.raises(ValueError):
        Privacy(coarsen="5km")


# -- privacy: dropping authors ----------------------------------------------


@pytest.mark.parametrize("suffix", [".geojson", ".csv", ".db"])
def test_dropped_authors_are_absent_from_the_file_bytes(
    store: Any, tmp_path: Path, suffix: str
) -> None:
    db, session, _ = store
    out = tmp_path / f"anon{suffix}"
    export_session(db, session, out, Privacy(drop_authors=True))
    body = out.read_bytes()
    for handle, name in zip(HANDLES, NAMES, strict=True):
        assert handle.encode() not in body
        assert name.encode() not in body
    assert b"rain" in body  # the posts themselves are there
    assert not list(tmp_path.glob("anon*-wal"))


def test_dropped_authors_csv_has_no_author_columns_and_no_handle_in_links(
    store: Any, tmp_path: Path
) -> None:
    db, session, _ = store
    out = tmp_path / "anon.csv"
    export_session(db, session, out, Privacy(drop_authors=True))
    rows = read_csv(out)
    assert "author_handle" not in rows[0] and "author_name" not in rows[0]
    assert rows[0]["url"] == "https://x.com/i/status/1860000000000000000"


# -- a copy of the store ----------------------------------------------------


def test_db_export_of_one_session_opens_as_a_store(store: Any, tmp_path: Path) -> None:
    db, session, other = store
    out = tmp_path / "one.db"
    result = export_session(db, session, out)
    assert result.written == 8
    copy = SessionStore(out)
    try:
        [info] = copy.sessions()
        assert info.id == session
        assert info.terms == ("rain", "#storm")
        assert (info.received, info.located) == (8, 6)
        assert info.ended_at is not None
        posts = [p for chunk in copy.iter_posts(session) for p in chunk]
        assert [p.text for p in posts] == HOSTILE_TEXTS
        assert posts[0].location == SYDNEY
        assert copy.session(other) is None
    finally:
        copy.close()
    # A single self-contained file.
    assert not Path(f"{out}-wal").exists() and not Path(f"{out}-journal").exists()
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_db_export_of_every_session(store: Any, tmp_path: Path) -> None:
    db, session, other = store
    out = tmp_path / "all.db"
    result = export_session(db, None, out)
    assert result.written == 9
    copy = SessionStore(out)
    assert sorted(s.id for s in copy.sessions()) == sorted([session, other])
    copy.close()


def test_db_export_with_coarsening(store: Any, tmp_path: Path) -> None:
    db, session, _ = store
    out = tmp_path / "coarse.db"
    export_session(db, session, out, Privacy(coarsen="1km"))
    copy = SessionStore(out)
    posts = [p for chunk in copy.iter_posts(session) for p in chunk]
    copy.close()
    located = [p.location for p in posts if p.location is not None]
    assert len(located) == 6
    for location in located:
        assert location.lon == snap(location.lon, 0.01)
        assert location.lat == snap(location.lat, 0.01)
    assert located[0].lon == pytest.approx(151.21) and located[0].lat == pytest.approx(-33.87)
    # The raw payload held the exact point: it is gone.
    assert all(p.raw == "" for p in posts)
    assert b"2.34567" not in out.read_bytes()


def test_the_export_replaces_an_older_file(store: Any, tmp_path: Path) -> None:
    db, session, _ = store
    out = tmp_path / "again.db"
    export_session(db, session, out)
    export_session(db, session, out)
    copy = SessionStore(out)
    assert len(copy.sessions()) == 1
    copy.close()


# -- bad requests -----------------------------------------------------------


def test_unknown_session(store: Any, tmp_path: Path) -> None:
    db, _, _ = store
    with pytest.raises(ExportError, match="no session 999"):
        export_session(db, 999, tmp_path / "x.geojson")
    assert not (tmp_path / "x.geojson").exists()


@pytest.mark.parametrize("name", ["x.txt", "x.json", "x", "x.geojson.bak"])
def test_wrong_suffix(store: Any, tmp_path: Path, name: str) -> None:
    db, session, _ = store
    with pytest.raises(ExportError, match="cannot tell the format"):
        export_session(db, session, tmp_path / name)


def test_all_sessions_only_for_a_db(store: Any, tmp_path: Path) -> None:
    db, _, _ = store
    with pytest.raises(ExportError, match=r"only a \.db"):
        export_session(db, None, tmp_path / "x.csv")


def test_the_store_cannot_be_its_own_export(store: Any) -> None:
    db, session, _ = store
    with pytest.raises(ExportError, match="session store itself"):
        export_session(db, session, db.path)


def test_suffix_case_does_not_matter(store: Any, tmp_path: Path) -> None:
    db, session, _ = store
    out = tmp_path / "UPPER.GeoJSON"
    export_session(db, session, out)
    assert json.loads(out.read_text())["type"] == "FeatureCollection"
