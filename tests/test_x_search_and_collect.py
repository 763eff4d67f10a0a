"""Recent-search polling, and `geotweets collect --x`, against the loopback fake of X."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fake_x import DEFAULT_TOKEN, FakeX, payloads
from helpers import WAIT_TIMEOUT_S, RecordingSink, wait_for

from geotweets_desktop.core.area.model import parse_around
from geotweets_desktop.core.store import SessionStore
from geotweets_desktop.sources.x_search import XRecentSearchSource, search_query

LISBON_AROUND = "-9.14,38.72,15"


def test_search_query_ors_the_terms_and_asks_for_located_posts() -> None:
    assert search_query(["rain"], True) == "rain has:geo"
    assert search_query(["rain", '"heat wave"'], False) == '(rain OR "heat wave")'
    # Words in one term are an AND of them: kept together apart from the others.
    assert search_query(["rain wind", "snow"], True) == "((rain wind) OR snow) has:geo"


def test_recent_search_polls_with_since_id_and_assigns_terms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FakeX() as fake:
        monkeypatch.setenv("GEOTWEETS_X_API_URL", fake.base_url)
        first = payloads.point_post(-9.14, 38.72, text="rain over Lisbon")
        fake.add_search_posts(first)
        source = XRecentSearchSource(["rain", "sun"], DEFAULT_TOKEN, interval_s=0.2)
        sink = RecordingSink()
        thread = threading.Thread(target=source.run, args=(sink,))
        thread.start()
        wait_for(lambda: len(sink.received) == 1)
        second = payloads.place_post(text="sun and rain in Nairobi")
        fake.add_search_posts(second)
        wait_for(lambda: len(sink.received) == 2)
        source.stop()
        thread.join(2)
        assert not thread.is_alive()
    queries = fake.search_requests
    assert queries[0]["query"] == "(rain OR sun) has:geo"
    assert "since_id" not in queries[0]
    assert queries[-1]["since_id"] == payloads.post_id_of(first)  # the poll that found `second`
    assert source.since_ids == [payloads.post_id_of(second)]  # where the next poll starts
    assert [p.terms for p in sink.received] == [("rain",), ("rain", "sun")]
    lisbon = sink.received[0].location
    assert (lisbon.lon, lisbon.lat) == (-9.14, 38.72)
    assert sink.last.state == "stopped"


def test_recent_search_waits_for_the_rate_limit_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeX(search_rate_limit=1, search_rate_window=60) as fake:
        monkeypatch.setenv("GEOTWEETS_X_API_URL", fake.base_url)
        source = XRecentSearchSource(["rain"], DEFAULT_TOKEN, interval_s=0.1)
        sink = RecordingSink()
        thread = threading.Thread(target=source.run, args=(sink,))
        thread.start()
        # One request allowed: the answer says 0 remaining, so the next poll
        # waits for the reset (about a minute), not the 0.1 s interval.
        wait_for(lambda: any(e.state == "live" for e in sink.events))
        live = [e for e in sink.events if e.state == "live"][-1]
        assert "next poll in" in live.message and "next poll in 0 s" not in live.message
        next_poll_s = int(re.search(r"next poll in (\d+) s", live.message)[1])
        assert next_poll_s >= 30, live.message
        source.stop()  # and Stop cuts that minute short
        thread.join(WAIT_TIMEOUT_S)
        assert not thread.is_alive()
        assert len(fake.search_requests) == 1


def test_a_wrong_token_ends_the_search_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeX() as fake:
        monkeypatch.setenv("GEOTWEETS_X_API_URL", fake.base_url)
        sink = RecordingSink()
        XRecentSearchSource(["rain"], "wrong-token", interval_s=0.1).run(sink)
    assert sink.last.state == "error"
    assert "rejected the token" in sink.last.message


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


@pytest.mark.slow
def test_collect_x_writes_correct_geojson(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "live.geojson"
    with FakeX(keepalive_interval=0.2) as fake:
        process = collect_process(
            fake, data_dir, "--term", "rain", "--max-posts", "3", "--out", str(out)
        )
        assert fake.wait_until(lambda: fake.open_streams == 1)
        fake.push(
            payloads.point_post(151.2093, -33.8688, text="rain in Sydney"), matches="rain has:geo"
        )
        fake.push(payloads.place_post(text="rain in Nairobi"), matches="rain has:geo")
        fake.push(payloads.bare_post(text="rain, somewhere"), matches="rain has:geo")
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "X_BEARER_TOKEN environment variable" in stderr
    assert DEFAULT_TOKEN not in stdout + stderr
    collection = json.loads(out.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    by_text = {f["properties"]["text"]: f for f in collection["features"]}
    assert set(by_text) == {"rain in Sydney", "rain in Nairobi"}  # the unlocated one is left out
    sydney = by_text["rain in Sydney"]
    assert sydney["geometry"] == {"type": "Point", "coordinates": [151.2093, -33.8688]}
    assert sydney["properties"]["location_kind"] == "exact"
    assert by_text["rain in Nairobi"]["properties"]["location_kind"] == "place"
    assert DEFAULT_TOKEN.encode() not in out.read_bytes()


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
    store = SessionStore(out)
    (session,) = store.sessions()
    (posts,) = store.iter_posts(session.id)
    store.close()
    assert [post.text for post in posts] == ["on the quay", "tagged Lisbon"]
    assert session.areas == (parse_around(LISBON_AROUND),)
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


def test_a_search_page_with_errors_and_odd_results_keeps_its_good_posts() -> None:
    source = XRecentSearchSource(["rain"], DEFAULT_TOKEN)
    good = payloads.point_post(text="rain that is fine")
    page = {
        "data": [good["data"], {"id": 7, "text": "an id that is a number"}, "not a post"],
        "includes": good["includes"],
        # X's partial errors: a referenced post it could not find.
        "errors": [{"title": "Not Found Error", "detail": "Could not find tweet with id: [1]."}],
        "meta": {"newest_id": "1862000000000000001", "result_count": 3},
    }
    posts = source.posts_from_page(page)
    assert [p.text for p in posts] == ["rain that is fine"]
    assert source.bad_records == 2 and source.notices == {"errors": 1}
    assert source.since_ids == ["1862000000000000001"]
    assert source.posts_from_page({"meta": 5, "includes": [], "data": {"id": "1"}}) == []
    assert source.bad_records == 3
