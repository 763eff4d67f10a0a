"""`geotweets collect` and `export` with areas: live X (stream and recent search)
against the loopback fake, replays and exports filtered, bad values refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from archive_samples import MELBOURNE_BBOX, SYDNEY, v2_line, write_lines

from geotweets_desktop.cli import main
from geotweets_desktop.core.area.model import parse_around, parse_bbox
from geotweets_desktop.core.store import SessionStore

LISBON_AROUND = "-9.14,38.72,15"


# collect installs SIGINT/SIGTERM handlers and freezes the GC (see conftest.py).
pytestmark = pytest.mark.usefixtures("restore_process_state")


def stored_texts(path: Path) -> tuple[list[str], list[object]]:
    store = SessionStore(path)
    try:
        (session,) = store.sessions()
        texts = [post.text for chunk in store.iter_posts(session.id) for post in chunk]
        return texts, list(session.areas)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--x", "--bbox", "0,5,1,4"], "geotweets: The box is upside down"),
        (["--x", "--bbox", "0,0,1"], "geotweets: --bbox wants W,S,E,N"),
        (["--x", "--around", "0,0,-5"], "geotweets: The radius must be more than 0 km"),
        (["--x", "--place", "Narnia"], "geotweets: The gazetteer does not know a place"),
        (["--demo", "--bbox", "0,0,1,1"], "geotweets collect: areas work with --x or --replay."),
        (["--x"], "geotweets collect: --term is required"),
        (["--demo", "--search", "--term", "a"], "geotweets collect: --search goes with --x."),
    ],
)
def test_bad_area_values_exit_2_with_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["collect", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(message) and err.count("\n") == 1, err


@pytest.mark.parametrize(
    "args", [["--x", "--bbox", "0,5,1,4"], ["--x", "--around", "-9,38,0"], ["--bbox", "1"]]
)
def test_the_window_refuses_bad_areas_in_one_line_before_opening(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("geotweets: ") and err.count("\n") == 1, err


def melbourne_sydney_archive(tmp_path: Path) -> Path:
    return write_lines(
        tmp_path / "made-up.jsonl",
        [
            v2_line("1860000000000000001", "rain over the harbour", point=list(SYDNEY)),
            v2_line("1860000000000000002", "rain in Melbourne", bbox=MELBOURNE_BBOX),
            v2_line("1860000000000000003", "rain, says the profile", profile="Sydney, Australia"),
            v2_line("1860000000000000004", "rain nowhere", profile=None),
        ],
    )


@pytest.mark.parametrize("speed", ["max", "1000"])
def test_a_replay_keeps_only_the_posts_in_the_areas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], speed: str
) -> None:
    out = tmp_path / "sydney.db"
    code = main(
        [
            "collect",
            "--replay",
            str(melbourne_sydney_archive(tmp_path)),
            "--around",
            "151.2,-33.87,30",
            "--speed",
            speed,
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    texts, areas = stored_texts(out)
    assert sorted(texts) == ["rain over the harbour", "rain, says the profile"]
    assert areas == [parse_around("151.2,-33.87,30")]


def test_export_keeps_only_the_posts_in_the_areas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_file = tmp_path / "all.db"
    assert (
        main(
            [
                "collect",
                "--replay",
                str(melbourne_sydney_archive(tmp_path)),
                "--out",
                str(store_file),
            ]
        )
        == 0
    )
    capsys.readouterr()
    melbourne = ",".join(str(edge) for edge in MELBOURNE_BBOX)
    for suffix in (".csv", ".geojson", ".db"):
        out = tmp_path / f"melbourne{suffix}"
        assert main(["export", str(store_file), "--bbox", melbourne, "--out", str(out)]) == 0
        printed = capsys.readouterr().out
        assert "1 posts ->" in printed and "3 posts outside the areas left out" in printed
    texts, _ = stored_texts(tmp_path / "melbourne.db")
    assert texts == ["rain in Melbourne"]
    assert parse_bbox(melbourne).contains(145.0, -37.8)
