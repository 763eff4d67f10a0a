"""`geotweets export SESSION_OR_DB --out PATH`: every format, privacy options, clear errors."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from geotweets_desktop.cli import main
from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.store import SessionStore

HANDLE = "zq_cli_made_up_handle"
NAME = "Zq Cli Made Up Name"
SYDNEY = Location(lon=151.2093, lat=-33.8688, kind="exact", radius_m=0.0)


def posts(prefix: str, n: int = 3) -> list[Post]:
    return [
        Post(
            id=f"18600000000000{prefix}{i:03d}",
            created_at=datetime(2026, 11, 28, 16, 0, i, tzinfo=UTC),
            text=f'{prefix} post {i}: rain ☔\nwith a second line, "quoted"',
            author_name=NAME,
            author_handle=HANDLE,
            terms=("rain",),
            location=SYDNEY if i else None,
            raw=json.dumps({"user": HANDLE}),
        )
        for i in range(n)
    ]


def fill(path: Path) -> tuple[int, int]:
    """Two sessions: the first (older) with 2 posts, the latest with 3."""
    store = SessionStore(path)
    older = store.start_session("Demo (synthetic)", ["rain"], synthetic=True)
    store.add_posts(older, posts("1", 2))
    latest = store.start_session("Replay: x.jsonl", ["rain"], synthetic=False)
    store.add_posts(latest, posts("2", 3))
    store.close()
    return older, latest


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_session_of_the_apps_own_store_to_geojson(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older, _ = fill(data_dir / "sessions.db")
    out = tmp_path / "older.geojson"
    code, stdout, stderr = run(str(older), "--out", str(out), capsys=capsys)
    assert code == 0, stderr
    assert stdout.strip() == f"session {older}: 1 posts -> {out} (1 unlocated posts left out)"
    doc = json.loads(out.read_text(encoding="utf-8"))
    [feature] = doc["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [151.2093, -33.8688]}
    assert feature["properties"]["author_handle"] == HANDLE


def test_a_db_file_exports_its_latest_session_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "other.db"
    _, latest = fill(db)
    out = tmp_path / "latest.csv"
    code, stdout, _ = run(str(db), "--out", str(out), capsys=capsys)
    assert code == 0
    assert stdout.startswith(f"session {latest}: 3 posts")
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["text"] for r in rows] == [p.text for p in posts("2", 3)]
    assert rows[0]["lon"] == "" and rows[1]["lon"] == "151.2093"


def test_a_chosen_session_of_a_db_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "other.db"
    older, _ = fill(db)
    out = tmp_path / "older.csv"
    code, stdout, _ = run(str(db), "--session", str(older), "--out", str(out), capsys=capsys)
    assert code == 0 and stdout.startswith(f"session {older}: 2 posts")


def test_db_to_db_one_session_and_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "other.db"
    older, latest = fill(db)
    one, every = tmp_path / "one.db", tmp_path / "every.db"
    assert run(str(db), "--out", str(one), capsys=capsys)[0] == 0
    code, stdout, _ = run(str(db), "--all-sessions", "--out", str(every), capsys=capsys)
    assert code == 0 and stdout.startswith("all sessions: 5 posts")
    for path, ids in ((one, [latest]), (every, [latest, older])):
        store = SessionStore(path)
        assert [s.id for s in store.sessions()] == ids
        store.close()


@pytest.mark.parametrize("suffix", [".geojson", ".csv", ".db"])
@pytest.mark.parametrize("coarsen", ["1km", "10km"])
def test_privacy_options_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, coarsen: str
) -> None:
    db = tmp_path / "other.db"
    fill(db)
    out = tmp_path / f"private{suffix}"
    code, _, stderr = run(
        str(db), "--out", str(out), "--coarsen", coarsen, "--drop-authors", capsys=capsys
    )
    assert code == 0, stderr
    body = out.read_bytes()
    assert HANDLE.encode() not in body and NAME.encode() not in body
    assert b"151.2093" not in body
    step = 0.01 if coarsen == "1km" else 0.1
    if suffix == ".geojson":
        coords = [f["geometry"]["coordinates"] for f in json.loads(body)["features"]]
    elif suffix == ".csv":
        with open(out, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert "author_handle" not in rows[0]
        coords = [[float(r["lon"]), float(r["lat"])] for r in rows if r["lon"]]
    else:
        store = SessionStore(out)
        [session] = store.sessions()
        located = [p.location for c in store.iter_posts(session.id) for p in c if p.location]
        store.close()
        coords = [[loc.lon, loc.lat] for loc in located]
    assert len(coords) == 2
    for lon, lat in coords:
        assert lon == pytest.approx(round(151.2093 / step) * step)
        assert lat == pytest.approx(round(-33.8688 / step) * step)


def test_without_privacy_options_the_authors_are_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "other.db"
    fill(db)
    for suffix in (".geojson", ".csv", ".db"):
        out = tmp_path / f"plain{suffix}"
        assert run(str(db), "--out", str(out), capsys=capsys)[0] == 0
        assert HANDLE.encode() in out.read_bytes()


def _not_ours(tmp_path: Path) -> Path:
    path = tmp_path / "not-ours.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown-session", "no session 99"),
        ("unknown-session-in-db", "no session 99"),
        ("wrong-suffix", "cannot tell the format"),
        ("text-file", "not a GeoTweets session store"),
        ("missing-file", "no such file"),
        ("foreign-sqlite", "not a GeoTweets session store"),
        ("empty-store", "holds no sessions"),
        ("all-to-csv", "only to a .db"),
        ("export-onto-itself", "session store itself"),
        ("no-store-yet", "no session 1: there is no"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str], case: str, message: str
) -> None:
    db = tmp_path / "ok.db"
    fill(db)
    out = str(tmp_path / "out.geojson")
    text = tmp_path / "notes.db"
    text.write_text("just some notes, not a database\n")
    empty = tmp_path / "empty.db"
    SessionStore(empty).close()
    args = {
        "unknown-session": ["99", "--out", out],
        "unknown-session-in-db": [str(db), "--session", "99", "--out", out],
        "wrong-suffix": [str(db), "--out", str(tmp_path / "out.txt")],
        "text-file": [str(text), "--out", out],
        "missing-file": [str(tmp_path / "gone.db"), "--out", out],
        "foreign-sqlite": [str(_not_ours(tmp_path)), "--out", out],
        "empty-store": [str(empty), "--out", out],
        "all-to-csv": [str(db), "--all-sessions", "--out", str(tmp_path / "x.csv")],
        "export-onto-itself": [str(db), "--out", str(db)],
        "no-store-yet": ["1", "--out", out],
    }[case]
    if case == "unknown-session":
        fill(data_dir / "sessions.db")
    code, stdout, stderr = run(*args, capsys=capsys)
    assert code == 2
    assert stdout == ""
    assert stderr.startswith("geotweets export: ") and message in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1
    assert "Traceback" not in stderr
    assert not Path(out).exists()


def test_a_foreign_sqlite_file_is_left_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _not_ours(tmp_path)
    before = path.read_bytes()
    run(str(path), "--out", str(tmp_path / "x.csv"), capsys=capsys)
    assert path.read_bytes() == before


def test_bad_coarsen_value_is_an_argument_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "1", "--out", "x.csv", "--coarsen", "5km"])
    assert exit_info.value.code == 2
    assert "--coarsen" in capsys.readouterr().err


@pytest.mark.slow
def test_export_as_a_separate_process(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    fill(db)
    out = tmp_path / "out.geojson"
    result = subprocess.run(
        [sys.executable, "-m", "geotweets_desktop", "export", str(db), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["type"] == "FeatureCollection"
    bad = subprocess.run(
        [sys.executable, "-m", "geotweets_desktop", "export", str(db), "--out", "x.txt"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
