"""The per-point columns the page holds (time, terms, kind, language, place,
author, hashtags) for a known set of posts, hostile strings included: the
same whether the posts arrive live (a replay in the window) or from a
reopened session."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from archive_samples import v2_line, write_lines

from geotweets_desktop.core.point_batch import MAGIC, encode_blob
from geotweets_desktop.core.post import Location, Post

pytestmark = pytest.mark.gui

HOSTILE = "<img src=x onerror=alert(1)>\"'`\\ \u2028 </script> مطر"
PLACE_BOX = [2.25, 48.81, 2.42, 48.90]


def known_lines() -> list[dict[str, Any]]:
    exact = v2_line(
        "1900000000000000001",
        "rain and sun #Rain #Paris &amp; #paris",
        point=[2.35, 48.85],
        username="ann_example",
    )
    hostile = v2_line(
        "1900000000000000002",
        f"sun {HOSTILE} #Ünïcödé #<b>x</b> #16",
        bbox=PLACE_BOX,
        username="bob_example",
        created_at="2026-11-28T16:50:01.250Z",
    )
    hostile["includes"]["places"][0]["full_name"] = HOSTILE
    hostile["data"]["lang"] = "ar"
    # A handle no real X account could have, as another tool might store it.
    hostile["includes"]["users"][0]["username"] = HOSTILE
    # An id from before ids carried the time: no time at all.
    no_time = v2_line("12345", "sun, no tag", point=[-9.14, 38.72])
    del no_time["data"]["created_at"]
    no_time["data"]["lang"] = "pt"
    unlocated = v2_line("1900000000000000004", "rain nowhere #lost")
    return [exact, hostile, no_time, unlocated]


def expected_columns(store: Any, session_id: int) -> dict[str, Any]:
    rows = store._db.execute(
        "SELECT rowid, created_at, kind FROM posts WHERE session_id = ? AND lon IS NOT NULL"
        " ORDER BY rowid",
        (session_id,),
    ).fetchall()
    times = [datetime.fromisoformat(r[1]).timestamp() if r[1] else None for r in rows]
    return {
        "key": [r[0] for r in rows],
        "time": times,
        "term": [0, 1, 1],
        "termBits": [0b11, 0b10, 0b10],
        "kind": [0, 1, 0],
        "lang": ["en", "ar", "pt"],
        "author": ["ann_example", HOSTILE, "imaginary_person"],
        "tags": [["rain", "paris"], ["ünïcödé"], []],
    }


def page_columns(page: Any) -> dict[str, Any]:
    return json.loads(page.eval("JSON.stringify(GeoTweets.columns())"))


def test_posts_arrive_with_their_columns_live_and_reopened(
    qtbot: Any, tmp_path: Path, window: Any, page: Any
) -> None:
    archive = write_lines(tmp_path / "known.jsonl", known_lines())
    window.start_replay(archive, ["rain", "sun"], None)
    qtbot.waitUntil(lambda: page.stats()["points"] == 3, timeout=20_000)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=20_000)
    session_id = window.controller.session_id
    expected = expected_columns(window.store, session_id)
    assert expected["time"][0] is not None and expected["time"][2] is None
    live = page_columns(page)
    place_labels = live.pop("place")
    dictionaries = live.pop("dictionaries")
    assert live == expected
    assert place_labels[1] == HOSTILE and place_labels[0] == place_labels[2] == ""
    # Each string once, code 0 being none.
    assert dictionaries["langs"] == ["", "en", "ar", "pt"]
    assert dictionaries["authors"] == ["", "ann_example", HOSTILE, "imaginary_person"]
    assert dictionaries["tags"] == ["", "rain", "paris", "ünïcödé"]
    assert dictionaries["places"] == ["", HOSTILE]

    window.controller.open_session(window.store.session(session_id))
    qtbot.waitUntil(lambda: page.stats()["points"] == 3, timeout=20_000)
    reopened = page_columns(page)
    assert reopened == {**expected, "place": place_labels, "dictionaries": dictionaries}
    # The hostile strings stayed text: nothing of them became an element.
    assert page.eval("document.querySelectorAll('img, b').length") == 0


def test_a_session_stored_without_map_columns_gets_them_once_and_shows_every_post(
    qtbot: Any, tmp_path: Path, window: Any, page: Any
) -> None:
    archive = write_lines(tmp_path / "known.jsonl", known_lines())
    with qtbot.waitSignal(window.controller.sourceFinished, timeout=60_000):  # all stored
        window.start_replay(archive, ["rain", "sun"], None)
    session_id = window.controller.session_id
    expected = expected_columns(window.store, session_id)
    # As an older version (or an export's copy) would have left it.
    window.store._db.execute("DELETE FROM point_blobs")
    offers: list[str] = []
    window.map_view.bridge.pointPartsOffered.connect(offers.append)

    window.controller.open_session(window.store.session(session_id))
    qtbot.waitUntil(lambda: page.stats()["points"] == 3, timeout=20_000)
    first = page_columns(page)
    assert {k: first[k] for k in expected} == expected
    assert len(offers) == 1 and json.loads(offers[0])["parts"] == [3]
    (blobs,) = window.store._db.execute("SELECT count(*) FROM point_blobs").fetchone()
    assert blobs >= 1

    window.controller.open_session(window.store.session(session_id))
    qtbot.waitUntil(lambda: page.stats()["points"] == 3, timeout=20_000)
    assert page_columns(page) == first
    assert window.store._db.execute("SELECT count(*) FROM point_blobs").fetchone() == (blobs,)


def made_up_post(n: int, author: str, lang: str = "en", text: str = "rain") -> Post:
    return Post(
        id=str(1900000000000000100 + n),
        created_at=datetime(2026, 11, 28, 17, 0, n, tzinfo=UTC),
        text=text,
        author_name="Made-up Person",
        author_handle=author,
        terms=("rain",),
        location=Location(
            lon=2.0 + n, lat=48.0, kind="place", radius_m=5.0, label=f"Place {n % 2}"
        ),
        raw="{}",
        lang=lang,
    )


def as_version_1(blob: bytes) -> bytes:
    """A standalone blob as version 1 wrote it (stores of schema 7): eight
    header words, the same columns, the batch's dictionaries with "" first."""
    header = np.frombuffer(blob, np.uint32, 20)
    n, tag_codes, strings_bytes = (int(v) for v in header[2:5])
    columns_end = 80 + _columns_bytes(n, tag_codes)
    terms, *new = json.loads(blob[columns_end : columns_end + strings_bytes])
    text = json.dumps([terms, *(["", *strings] for strings in new)]).encode()
    body = blob[80:columns_end] + text + b"\0" * (-len(text) % 8)
    words = [MAGIC, 1, n, tag_codes, len(text), 32 + len(body), 0, 0]
    return np.array(words, np.uint32).tobytes() + body


def _columns_bytes(n: int, tag_codes: int) -> int:
    def padded(size: int) -> int:
        return -(-size // 8) * 8

    return (
        32 * n
        + 3 * padded(4 * n)
        + padded(4 * (n + 1))
        + padded(4 * tag_codes)
        + padded(2 * n)
        + padded(n)
    )


def page_strings(page: Any) -> dict[int, tuple[str, str, str, list[str]]]:
    cols = page_columns(page)
    return {
        k: (cols["lang"][i], cols["place"][i], cols["author"][i], cols["tags"][i])
        for i, k in enumerate(cols["key"])
    }


def test_the_page_reads_a_blob_after_a_gap_and_blobs_of_version_1(
    qtbot: Any, window: Any, page: Any
) -> None:
    store = window.store
    window.controller.open_session(
        store.session(store.start_session("x", ["rain"], synthetic=False))
    )
    sid = store.start_session("test", ["rain"], synthetic=False)
    store.add_posts(sid, [made_up_post(1, HOSTILE, text="rain #Één"), made_up_post(2, "bob")])
    store.add_posts(sid, [made_up_post(3, HOSTILE, "ar"), made_up_post(4, "cy", text="#één")])
    store.add_posts(sid, [made_up_post(5, "bob", "ar"), made_up_post(6, "dee")])
    points = {p.key: p for chunk in store.points(sid) for p in chunk}
    want = {k: (p.lang, p.place, p.author, list(p.tags)) for k, p in points.items()}
    blobs = [
        bytes(data)
        for (data,) in store._db.execute(
            "SELECT data FROM point_blobs WHERE session_id = ? ORDER BY id", (sid,)
        )
    ]
    # The first blob missed: the second brings the strings it uses that the
    # first had brought; the first, late, adds nothing wrong.
    for blob in (blobs[1], blobs[2], blobs[0]):
        page.eval(f"GeoTweets.addBlobs({json.dumps(base64.b64encode(blob).decode())})")
    qtbot.waitUntil(lambda: page.stats()["points"] == 6, timeout=10_000)
    assert page_strings(page) == want

    window.controller.clear()
    qtbot.waitUntil(lambda: page.stats()["points"] == 0, timeout=10_000)
    old = as_version_1(encode_blob(list(points.values())))
    page.eval(f"GeoTweets.addBlobs({json.dumps(base64.b64encode(old).decode())})")
    qtbot.waitUntil(lambda: page.stats()["points"] == 6, timeout=10_000)
    assert page_strings(page) == want
    assert page.eval("document.querySelectorAll('img').length") == 0


def test_blobs_that_miss_posts_are_found_out_and_the_map_gets_them_all(
    qtbot: Any, window: Any, page: Any
) -> None:
    store = window.store
    sid = store.start_session("test", ["rain"], synthetic=False)
    for n in range(1, 7, 2):
        store.add_posts(sid, [made_up_post(n, f"author_{n}"), made_up_post(n + 1, "bob")])
    want = {p.key: (p.lang, p.place, p.author, list(p.tags)) for c in store.points(sid) for p in c}
    # A blob lost in the middle (by hand, say): the session's count comes
    # from its blobs, so the map is offered what they hold at once...
    store._db.execute("DELETE FROM point_blobs WHERE id = (SELECT min(id) + 1 FROM point_blobs)")
    session = store.session(sid)
    assert session is not None and session.located == 4
    offers: list[str] = []
    window.map_view.bridge.pointPartsOffered.connect(offers.append)
    window.controller.open_session(session)
    # ...and the check that follows counts the posts themselves, builds the
    # blobs again and gives the map every post.
    qtbot.waitUntil(lambda: len(offers) == 2, timeout=30_000)
    assert [sum(json.loads(offer)["parts"]) for offer in offers] == [4, 6]
    qtbot.waitUntil(lambda: page.stats()["points"] == 6, timeout=20_000)
    assert page_strings(page) == want
    (points,) = store._db.execute(
        "SELECT sum(points) FROM point_blobs WHERE session_id = ?", (sid,)
    ).fetchone()
    assert points == 6
