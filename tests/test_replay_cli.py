"""`geotweets collect --replay FILE`: each output suffix, the term filter, the summary line."""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from archive_samples import MELBOURNE_BBOX, SYDNEY, v1_status, v2_line, write_lines

from geotweets_desktop.cli import main
from geotweets_desktop.core.store import SessionStore

SUMMARY = re.compile(
    r"^session (?P<id>\d+): (?P<read>\d+) posts read, (?P<kept>\d+) kept, (?P<located>\d+) "
    r"located \(exact (?P<exact>\d+), place (?P<place>\d+), profile (?P<profile>\d+)\), "
    r"(?P<bad>\d+) bad lines -> (?P<path>.+)$"
)


# collect installs SIGINT/SIGTERM handlers and freezes the GC (see conftest.py).
pytestmark = pytest.mark.usefixtures("restore_process_state")


def archive(tmp_path: Path, *, gz: bool = False) -> Path:
    """Six made-up posts (three kinds of location, one unlocated), two bad lines."""
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
    assert (figures["read"], figures["kept"], figures["located"]) == ("6", "6", "4")
    assert (figures["exact"], figures["place"], figures["profile"], figures["bad"]) == (
        "2",
        "1",
        "1",
        "2",
    )
    assert "line 3: broken JSON" in stderr
    assert "line 6: longitude out of range" in stderr
    store = SessionStore(out)
    try:
        [info] = store.sessions()
        assert info.source.startswith("Replay: made-up.jsonl")
        assert info.synthetic is False and info.terms == ()
        assert (info.received, info.located) == (6, 4)
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
    assert (figures["read"], figures["kept"]) == ("6", "5")
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
    assert len(rows) == 6
    assert rows[2]["text"] == "heavy rain\nin two lines"
    assert rows[4]["text"] == "RTL مطر and rain"
    assert rows[5]["lon"] == rows[5]["lat"] == ""


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
        (["--replay", "ARCHIVE", "--out", "out.txt"], "write a .geojson, .csv, .db file"),
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
