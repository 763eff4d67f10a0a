"""`geotweets collect` and `export` with areas: live X (stream and recent search)
against the loopback fake, replays and exports filtered, bad values refused."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_samples import MELBOURNE_BBOX, SYDNEY, v2_line, write_lines
from fake_x import DEFAULT_TOKEN, FakeX, payloads

from geotweets_desktop.cli import main
from geotweets_desktop.core.area.model import parse_around, parse_bbox
from geotweets_desktop.core.store import SessionStore

LISBON_AROUND = "-9.14,38.72,15"


@pytest.fixture(autouse=True)
def restore_process_state() -> Iterator[None]:
    """collect installs SIGINT/SIGTERM handlers and freezes the GC: undo both."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    gc.unfreeze()


def collect_process(fake: FakeX, data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(
        os.environ,
        GEOTWEETS_X_API_URL=fake.base_url,
        X_BEARER_TOKEN=DEFAULT_TOKEN,
        GEOTWEETS_DATA_DIR=str(data_dir),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "geotweets_desktop", "collect", "--x", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def stored_texts(path: Path) -> tuple[list[str], list[object]]:
    store = SessionStore(path)
    try:
        (session,) = store.sessions()
        texts = [post.text for chunk in store.iter_posts(session.id) for post in chunk]
        return texts, list(session.areas)
    finally:
        store.close()


@pytest.mark.slow
def test_collect_follows_an_area_on_the_stream(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "lisbon.db"
    with FakeX(keepalive_interval=0.2) as fake:
        process = collect_process(
            fake, data_dir, "--around", LISBON_AROUND, "--max-posts", "2", "--out", str(out)
        )
        assert fake.wait_until(lambda: fake.open_streams == 1, timeout=60)
        assert [rule["value"] for rule in fake.rules] == ["point_radius:[-9.14 38.72 15km]"]
        for post in (
            payloads.post(point=(2.35, 48.86), text="Paris, far outside"),
            payloads.point_post(-9.15, 38.73, text="on the quay"),
            payloads.place_post(payloads.place(payloads.PORTUGAL), text="somewhere in Portugal"),
            payloads.place_post(payloads.place(payloads.LISBON), text="tagged Lisbon"),
        ):
            fake.push(post, matches=None)
        stdout, stderr = process.communicate(timeout=60)
        assert len(fake.dropped_post_ids) == 2
    assert process.returncode == 0, stderr
    assert (
        "Following 1 area: 1 stream rule holding 1 X shape (X's limits: 1,024 characters "
        "a rule, 1,000 rules for the account). With no terms X sends every post made there: "
        "up to 250 a second, each one billed." in stderr
    )
    texts, areas = stored_texts(out)
    assert texts == ["on the quay", "tagged Lisbon"]
    assert areas == [parse_around(LISBON_AROUND)]
    assert stdout.startswith("session 1: 2 posts")


@pytest.mark.slow
def test_collect_follows_an_area_with_recent_search(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "lisbon.geojson"
    with FakeX(match_queries=True) as fake:
        fake.add_search_posts(
            payloads.post(point=(2.35, 48.86), text="flood in Paris"),
            payloads.point_post(-9.15, 38.73, text="flood on the quay"),
            payloads.point_post(-9.14, 38.72, text="sunny on the quay"),
            payloads.place_post(payloads.place(payloads.LISBON), text="flood, tagged Lisbon"),
        )
        process = collect_process(
            fake,
            data_dir,
            "--search",
            "--term",
            "flood",
            "--bbox",
            "-9.3,38.6,-9.0,38.85",
            "--max-posts",
            "2",
            "--out",
            str(out),
        )
        _, stderr = process.communicate(timeout=60)
        queries = [request["query"] for request in fake.search_requests]
    assert process.returncode == 0, stderr
    assert queries == ["flood bounding_box:[-9.3 38.6 -9 38.85]"]
    assert "Following 1 area: 1 search query holding 1 X shape" in stderr
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert sorted(f["properties"]["text"] for f in features) == [
        "flood on the quay",
        "flood, tagged Lisbon",
    ]


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
