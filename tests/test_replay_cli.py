"""`geotweets collect --replay FILE`: each output suffix, the term filter, the summary line."""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from archive_samples import MELBOURNE_BBOX, SYDNEY, v1_status, v2_line, write_lines

from geotweets_desktop.cli import main
from geotweets_desktop.core.store import SessionStore

SUMMARY = re.compile(
    r"^session (?P<id>\d+): (?P<read>\d+) posts read, (?P<kept>\d+) kept, "
    r"(?P<duplicates>\d+) duplicates skipped, (?P<located>\d+) "
    r"located \(exact (?P<exact>\d+), place (?P<place>\d+), profile (?P<profile>\d+)\), "
    r"(?P<bad>\d+) bad lines(?P<more>[,;] .*)? -> (?P<path>.+)$"
)


# collect installs SIGINT/SIGTERM handlers and freezes the GC (see conftest.py).
pytestmark = pytest.mark.usefixtures("restore_process_state")


def archive(tmp_path: Path, *, gz: bool = False) -> Path:
    """Seven made-up posts (three kinds of location, unlocated ones, one with a
    point out of range that is kept without it), one bad line."""
    records: list[Any] = [
        v2_line("1860000000000000001", "rain over the harbour ☔", point=list(SYDNEY)),
        v2_line("1860000000000000002", "#storm warning", bbox=MELBOURNE_BBOX),
        b'{"data": {"id": "broken',
        v1_status("1050000000000000004", "heavy rain\nin two lines", profile="Lagos, Nigeria"),
        v2_line("1860000000000000005", "sunny, nothing here but rainy", profile="nowhere really"),
        v2_line("1860000000000000006", "lon out of range", point=[200.0, 10.0]),
        v1_status("1050000000000000007", "RTL مطر and rain", geo=[-33.87, 151.2]),
        v2_line("1860000000000000008", "nothing located, rain", profile=None),
    ]
    return write_lines(
        tmp_path / ("made-up.jsonl.gz" if gz else "made-up.jsonl"), records, compress=gz
    )


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["collect", *args])
    out, err = capsys.readouterr()
    return code, out, err


def summary(out: str) -> dict[str, str]:
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    return match.groupdict()


@pytest.mark.parametrize("gz", [False, True])
def test_replay_into_a_db(tmp_path: Path, capsys: pytest.CaptureFixture[str], gz: bool) -> None:
    out = tmp_path / "out.db"
    code, stdout, stderr = run(
        "--replay", str(archive(tmp_path, gz=gz)), "--out", str(out), capsys=capsys
    )
    assert code == 0, stderr
    figures = summary(stdout)
    assert Path(figures["path"]) == out
    assert (figures["read"], figures["kept"], figures["located"]) == ("7", "7", "4")
    assert (figures["exact"], figures["place"], figures["profile"], figures["bad"]) == (
        "2",
        "1",
        "1",
        "1",
    )
    assert figures["duplicates"] == "0"
    assert figures["more"] == ", 1 post kept without a damaged part"
    assert "line 3: broken JSON" in stderr
    assert "line 6: point ignored (longitude out of range: 200.0) (post kept)" in stderr
    store = SessionStore(out)
    try:
        [info] = store.sessions()
        assert info.source.startswith("Replay: made-up.jsonl")
        assert info.synthetic is False and info.terms == ()
        assert (info.received, info.located) == (7, 4)
        assert info.ended_at is not None
        posts = [p for chunk in store.iter_posts(info.id) for p in chunk]
        assert posts[0].location is not None
        assert (posts[0].location.lon, posts[0].location.lat) == (151.2, -33.87)
        assert posts[2].text == "heavy rain\nin two lines"
    finally:
        store.close()


def test_replay_with_terms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.db"
    code, stdout, _ = run(
        "--replay",
        str(archive(tmp_path)),
        "--term",
        "rain",
        "--term",
        "#storm",
        "--out",
        str(out),
        capsys=capsys,
    )
    assert code == 0
    figures = summary(stdout)
    assert (figures["read"], figures["kept"]) == ("7", "5")
    store = SessionStore(out)
    [info] = store.sessions()
    assert info.terms == ("rain", "#storm")
    posts = [p for chunk in store.iter_posts(info.id) for p in chunk]
    store.close()
    assert [p.terms for p in posts] == [("rain",), ("#storm",), ("rain",), ("rain",), ("rain",)]


def test_replay_into_geojson(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    out = tmp_path / "out.geojson"
    code, stdout, _ = run("--replay", str(archive(tmp_path)), "--out", str(out), capsys=capsys)
    assert code == 0
    assert Path(summary(stdout)["path"]) == out
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    coords = [f["geometry"]["coordinates"] for f in doc["features"]]
    assert len(coords) == 4
    assert coords[0] == [151.2, -33.87] and coords[-1] == [151.2, -33.87]
    # Nothing was left in the app's own store, nor a scratch file beside the output.
    assert not (data_dir / "sessions.db").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["made-up.jsonl", "out.geojson"]


def test_replay_into_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.csv"
    code, stdout, _ = run("--replay", str(archive(tmp_path)), "--out", str(out), capsys=capsys)
    assert code == 0
    assert Path(summary(stdout)["path"]) == out
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 7
    assert rows[2]["text"] == "heavy rain\nin two lines"
    assert rows[5]["text"] == "RTL مطر and rain"
    assert rows[4]["lon"] == rows[4]["lat"] == rows[6]["lon"] == ""


def test_replay_into_geoparquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.parquet"
    code, stdout, _ = run("--replay", str(archive(tmp_path)), "--out", str(out), capsys=capsys)
    assert code == 0
    assert Path(summary(stdout)["path"]) == out
    with duckdb.connect() as db:
        rows = db.execute(
            "SELECT text, ST_AsText(geometry) FROM read_parquet(?) ORDER BY id", [str(out)]
        ).fetchall()
    assert len(rows) == 7  # every post, as in the CSV
    assert ("RTL مطر and rain", "POINT (151.2 -33.87)") in rows
    assert ("nothing located, rain", None) in rows


def test_replay_into_a_folder_a_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "days"
    args = ["--replay", str(archive(tmp_path)), "--out", f"{folder}/", "--partition", "day"]
    code, stdout, _ = run(*args, capsys=capsys)
    assert code == 0
    assert Path(summary(stdout)["path"]) == folder
    with duckdb.connect() as db:
        rows = db.execute(
            "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
            [str(folder / "*" / "*.parquet")],
        ).fetchall()
    assert rows == [(7,)]  # the same posts as one file
    # A folder that is not empty is refused before anything is read.
    code, _, err = run(*args, capsys=capsys)
    assert code == 2
    assert err.startswith("geotweets collect: ") and "new or empty folder" in err
    code, _, err = run("--replay", str(archive(tmp_path)), "--partition", "day", capsys=capsys)
    assert code == 2
    assert "--partition needs --out FOLDER" in err


def test_replay_into_the_apps_own_store_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, stdout, _ = run("--replay", str(archive(tmp_path)), capsys=capsys)
    assert code == 0
    assert Path(summary(stdout)["path"]) == data_dir / "sessions.db"


@pytest.mark.parametrize("speed", ["max", "100"])
def test_speed_option(tmp_path: Path, capsys: pytest.CaptureFixture[str], speed: str) -> None:
    records = [
        v2_line(
            f"18600000000000000{i:02d}", f"rain {i}", created_at=f"2026-01-01T00:00:{i:02d}.000Z"
        )
        for i in range(11)
    ]
    path = write_lines(tmp_path / "paced.jsonl", records)
    code, stdout, _ = run(
        "--replay", str(path), "--speed", speed, "--out", str(tmp_path / "o.db"), capsys=capsys
    )
    assert code == 0 and summary(stdout)["kept"] == "11"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--demo", "--replay", "x.jsonl"], "choose one source"),
        (["--replay", "MISSING"], "no such file"),
        (["--replay", "ARCHIVE", "--out", "out.txt"], "write a .geojson, .csv, .parquet, .db file"),
        (["--demo"], "--term is required"),
        (["--replay", "ARCHIVE", "--term", '"unclosed'], "closing quote"),
    ],
)
def test_bad_requests_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    path = str(archive(tmp_path))
    args = [
        a.replace("ARCHIVE", path).replace("MISSING", str(tmp_path / "missing.jsonl")) for a in args
    ]
    code, stdout, stderr = run(*args, capsys=capsys)
    assert code == 2
    assert message in stderr
    assert stdout == "" and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("speed", ["0", "fast-ish", "-3"])
def test_bad_speed_is_an_argument_error(capsys: pytest.CaptureFixture[str], speed: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["collect", "--replay", "x.jsonl", "--speed", speed])
    assert exit_info.value.code == 2
    assert "--speed" in capsys.readouterr().err


@pytest.mark.slow
def test_collect_replay_as_a_separate_process(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl.gz"
    lines = [
        json.dumps(v2_line(f"186000000{i:010d}", f"rain {i}", point=[float(i % 360 - 180), 0.0]))
        for i in range(5000)
    ]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    out = tmp_path / "big.db"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "geotweets_desktop",
            "collect",
            "--replay",
            str(path),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    figures = summary(result.stdout)
    assert (figures["read"], figures["kept"], figures["exact"], figures["bad"]) == (
        "5000",
        "5000",
        "5000",
        "0",
    )


# -- data we did not write ----------------------------------------------------------

ARCHIVES = Path(__file__).parent / "data" / "archives"
SPEEDS = ["max", "100"]  # forked readers, and the source on a thread


@pytest.mark.parametrize("speed", SPEEDS)
def test_one_odd_value_never_ends_a_replay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], speed: str
) -> None:
    odd = v2_line("1860000000000000012", "users is a number")
    odd["includes"]["users"] = 12
    path = write_lines(
        tmp_path / "odd.jsonl",
        [v2_line("1860000000000000011"), odd, v2_line("1860000000000000013")],
    )
    out = tmp_path / "o.db"
    code, stdout, stderr = run(
        "--replay", str(path), "--speed", speed, "--out", str(out), capsys=capsys
    )
    assert code == 0, stderr
    figures = summary(stdout)
    assert (figures["read"], figures["kept"], figures["bad"]) == ("3", "3", "0")
    assert "line 2: includes.users ignored (not a list: 12) (post kept)" in stderr
    store = SessionStore(out)
    try:
        [info] = store.sessions()
        assert info.received == 3
    finally:
        store.close()


@pytest.mark.parametrize("speed", SPEEDS)
def test_a_post_delivered_twice_is_counted_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], speed: str
) -> None:
    posts = [v2_line(f"186000000000000002{i}", f"rain {i}", point=list(SYDNEY)) for i in range(4)]
    records = [*posts, posts[1], posts[3], posts[1]]  # a stream and a file both repeat
    path = write_lines(tmp_path / "twice.jsonl", records)
    out = tmp_path / "o.geojson"
    code, stdout, _ = run("--replay", str(path), "--speed", speed, "--out", str(out), capsys=capsys)
    assert code == 0
    figures = summary(stdout)
    assert (figures["read"], figures["kept"], figures["duplicates"]) == ("7", "4", "3")
    assert (figures["located"], figures["exact"]) == ("4", "4")
    assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == 4


@pytest.mark.parametrize("speed", SPEEDS)
def test_notices_are_counted_by_kind_in_the_summary(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    speed: str,
) -> None:
    # The checkout may itself sit in the temporary folder (CI clones there),
    # where archives keep copies: the system's temporary folder is elsewhere.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "system-temp"))
    code, stdout, stderr = run(
        "--replay",
        str(ARCHIVES / "notices.jsonl"),
        "--speed",
        speed,
        "--out",
        str(tmp_path / "o.db"),
        capsys=capsys,
    )
    # At full speed, the file's two posts keep their payloads by reference to it.
    told = (
        f"geotweets collect: 2 raw payloads are kept by reference to "
        f"{(ARCHIVES / 'notices.jsonl').resolve()}, not copied: keep the file there "
        "(or replay with --copy-payloads)\n"
    )
    assert code == 0 and stderr == (told if speed == "max" else "")
    assert summary(stdout)["more"] == (
        ", notices: 1 delete, 1 scrub_geo, 1 limit, 1 status_withheld, 1 user_withheld,"
        " 1 warning, 1 disconnect, 1 errors"
    )


@pytest.mark.parametrize(
    "name", ["v1_search_response.json", "v2_response.json", "jq_concatenated.json"]
)
def test_every_shape_replays(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, stdout, stderr = run(
        "--replay", str(ARCHIVES / name), "--out", str(tmp_path / "o.csv"), capsys=capsys
    )
    assert code == 0 and stderr == ""
    figures = summary(stdout)
    assert int(figures["kept"]) == int(figures["read"]) >= 3 and figures["bad"] == "0"


@pytest.mark.parametrize("out_name", ["o.db", "o.geojson"])
def test_a_file_that_is_no_archive_is_exit_2_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data_dir: Path, out_name: str
) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("id,text\n1,hello\n", encoding="utf-8")
    out = tmp_path / out_name
    code, stdout, stderr = run("--replay", str(path), "--out", str(out), capsys=capsys)
    assert code == 2 and stdout == ""
    [line] = stderr.strip().splitlines()
    assert line.startswith("geotweets collect: notes.csv is not an archive of posts (line 1: ")
    assert not out.exists()


@pytest.mark.parametrize("speed", SPEEDS)
def test_a_cut_gzip_keeps_the_posts_before_the_cut_and_says_where_reading_stopped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], speed: str
) -> None:
    lines = [v2_line(f"186000000{i:010d}", f"rain {i} {i * 7919 % 100003:x}") for i in range(3000)]
    whole = gzip.compress(b"".join(json.dumps(line).encode() + b"\n" for line in lines))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    out = tmp_path / "o.db"
    code, stdout, _ = run("--replay", str(path), "--speed", speed, "--out", str(out), capsys=capsys)
    assert code == 0
    figures = summary(stdout)
    kept = int(figures["kept"])
    assert 500 < kept < 3000 and figures["read"] == figures["kept"]
    assert figures["more"] == (
        f"; reading stopped at line {kept + 1}: the gzip data ends early (truncated file);"
        " the rest is lost"
    )
    store = SessionStore(out)
    try:
        assert store.sessions()[0].received == kept
    finally:
        store.close()


def test_exports_keep_what_the_archive_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whole unescaped text, the place of an exact point, a point beyond the
    map's 85.05°, the antimeridian box's centre, a time taken from the id."""
    archive = str(ARCHIVES / "v1_search_response.json")
    geojson, table = tmp_path / "o.geojson", tmp_path / "o.csv"
    for out in (geojson, table):
        code, _, _ = run("--replay", archive, "--out", str(out), capsys=capsys)
        assert code == 0
    features = {
        f["properties"]["id"]: f
        for f in json.loads(geojson.read_text(encoding="utf-8"))["features"]
    }
    lisbon = features["1050000000000000101"]
    assert lisbon["geometry"]["coordinates"] == [-9.14, 38.72]
    assert lisbon["properties"]["place_label"] == "Lisbon, Portugal"
    assert lisbon["properties"]["text"].startswith(
        "A made-up long post about the rain & the river <3"
    )
    assert features["1050000000000000105"]["geometry"]["coordinates"] == [15.6, 88.5]
    assert features["1050000000000000104"]["geometry"]["coordinates"] == [179.0, -17.5]
    with open(table, encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows["1050000000000000106"]["time_from_id"] == "true"
    assert rows["1050000000000000106"]["created_at"].startswith("2018-10-10T")
    assert rows["1050000000000000101"]["time_from_id"] == "false"
    assert len(rows["1050000000000000101"]["text"]) > 280
