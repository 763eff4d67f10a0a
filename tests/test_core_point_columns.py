"""The per-point data the map page holds: each post's own time, language,
place label, author handle and hashtags, as the store gives them and as the
page's columns carry them (per-batch dictionaries, hashtags as CSR)."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from archive_samples import v2_line, write_lines
from helpers.point_blob import blob_session, decode_blob, decode_blobs

from geotweets_desktop.commands import bulk_replay
from geotweets_desktop.core.map_point import stored_point
from geotweets_desktop.core.point_batch import (
    UNKNOWN_KIND,
    SessionCodes,
    blob_points,
    decode_points,
    encode_blob,
    point_columns,
)
from geotweets_desktop.core.post import Location, Post
from geotweets_desktop.core.session import SessionEngine
from geotweets_desktop.core.store import SessionStore, StoredPoint, post_row
from geotweets_desktop.core.x_text import hashtags

KIND_CODES = {"exact": 0, "place": 1, "profile": 2}
HOSTILE = "<img src=x onerror=alert(1)>\"'`\\ \u2028 مطر"


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("heavy #Rain in #london, #RAIN again", ("rain", "london")),
        ("On the #16 bus, #1hashtag is one", ("1hashtag",)),
        ("no tag in a#b nor &#39; nor #abc#def nor #web://x", ()),
        ("##twice, #Twice#no and #TWICE are one", ("twice",)),
        ("full-width \uff03東京 and #東京 are one tag", ("東京",)),
        ("composed #Cafe\u0301 and #CAFÉ are one tag", ("café",)),
        ("#under_score_2, #ünïcödé!", ("under_score_2", "ünïcödé")),
        ('#<script>alert(1)</script> #"quoted" #tag<b>', ("tag",)),
    ],
)
def test_hashtags_follow_x_rules_lower_cased_once_each(text: str, tags: tuple[str, ...]) -> None:
    assert hashtags(text) == tags


def post(n: int, **fields: object) -> Post:
    values: dict[str, object] = {
        "id": str(1862000000000000000 + n),
        "created_at": datetime(2026, 11, 28, 16, 49, n, 500000, tzinfo=UTC),
        "text": f"post {n} #Rain",
        "author_name": "Made-up Person",
        "author_handle": f"madeup_{n}",
        "terms": ("rain",),
        "location": Location(lon=n, lat=-n, kind="place", radius_m=5.0, label=f"Place {n}"),
        "raw": "{}",
        "lang": "en",
    }
    values.update(fields)
    return Post(**values)  # type: ignore[arg-type]


def test_a_point_carries_its_posts_time_lang_place_author_and_tags() -> None:
    p = stored_point(7, post(3, text=f"{HOSTILE} #Storm #storm", lang="ar"))
    assert p == StoredPoint(
        7,
        3.0,
        -3.0,
        "place",
        ("rain",),
        datetime(2026, 11, 28, 16, 49, 3, 500000, tzinfo=UTC).timestamp(),
        "ar",
        "Place 3",
        "madeup_3",
        ("storm",),
    )
    unknown = stored_point(8, post(4, created_at=None))
    assert unknown is not None and math.isnan(unknown.time)
    assert stored_point(9, post(5, location=None)) is None


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    s = SessionStore(tmp_path / "s.db")
    yield s
    s.close()


def test_stored_points_read_back_as_the_live_ones_were_made(store: SessionStore) -> None:
    sid = store.start_session("test", ["rain"], synthetic=False)
    posts = [
        post(1, text=f"{HOSTILE} #Rain #Ünï", author_handle=HOSTILE, lang=""),
        post(2, created_at=None),
        post(3, location=None),
        post(4, location=Location(lon=1, lat=2, kind="exact", radius_m=0.0)),
    ]
    added = store.add_posts(sid, posts)
    live = [p for key, pst in added if (p := stored_point(key, pst)) is not None]
    stored = [p for chunk in store.points(sid) for p in chunk]
    assert len(stored) == 3
    for got, want in zip(stored, live, strict=True):
        assert (got.key, got.lang, got.place, got.author, got.tags, got.terms) == (
            want.key,
            want.lang,
            want.place,
            want.author,
            want.tags,
            want.terms,
        )
        assert got.time == want.time or (math.isnan(got.time) and math.isnan(want.time))
    assert stored[0].author == HOSTILE and stored[0].tags == ("rain", "ünï")
    assert stored[2].place == ""


def test_columns_code_strings_into_the_batchs_own_dictionaries() -> None:
    points = [
        StoredPoint(1, 1.0, 2.0, "exact", ("sun", "rain"), 100.5, "en", "Paris", "ann", ("a", "b")),
        StoredPoint(2, 3.0, 4.0, "profile", (), math.nan, "", "", "", ()),
        StoredPoint(3, 5.0, 6.0, "place", ("rain",), 200.0, "en", HOSTILE, "ann", ("b",)),
        StoredPoint(4, 5.0, 6.0, "satellite", ("rain",), 200.0, "en", "", "", ()),
    ]
    cols = point_columns(points)
    assert cols["key"] == [1, 2, 3, 4]
    assert cols["kind"] == [0, 2, 1, UNKNOWN_KIND]
    assert cols["terms"] == ["sun", "rain"]
    assert cols["termBits"] == [0b11, 0, 0b10, 0b10]
    assert cols["time"] == [100.5, None, 200.0, 200.0]
    assert cols["langs"] == ["", "en"] and cols["lang"] == [1, 0, 1, 1]
    assert cols["places"] == ["", "Paris", HOSTILE] and cols["place"] == [1, 0, 2, 0]
    assert cols["authors"] == ["", "ann"] and cols["author"] == [1, 0, 1, 0]
    assert cols["tags"] == ["", "a", "b"]
    assert cols["tagStart"] == [0, 2, 2, 3, 3] and cols["tagPool"] == [1, 2, 2]


def test_a_blob_holds_the_same_columns_as_the_json_form() -> None:
    points = [
        StoredPoint(10**15, -179.5, 84.9, "exact", ("rain",), 1.5e9, "ar", HOSTILE, "b", ("x",)),
        StoredPoint(7, 0.0, 0.0, "place", (), math.nan, "", "", "", ()),
        StoredPoint(8, 1.0, -1.0, "profile", ("sun", "rain"), 0.0, "en", "", HOSTILE, ("y", "x")),
    ]
    blob = encode_blob(points)
    assert len(blob) % 8 == 0 and blob_points(blob) == 3
    assert decode_blob(blob) == {
        **point_columns(points),
        "time": [1.5e9, None, 0.0],
    }


def stored_blob_points(store: SessionStore, session_id: int) -> list[StoredPoint]:
    """The points the session's blobs hold, back as StoredPoints."""
    out = []
    for part in store.point_parts(session_id, 2):
        for b in decode_blobs(store.point_part(session_id, part)):
            for i, key in enumerate(b["key"]):
                tags = b["tagPool"][b["tagStart"][i] : b["tagStart"][i + 1]]
                out.append(
                    StoredPoint(
                        key,
                        b["lon"][i],
                        b["lat"][i],
                        ("exact", "place", "profile")[b["kind"][i]],
                        tuple(t for n, t in enumerate(b["terms"]) if b["termBits"][i] >> n & 1),
                        math.nan if b["time"][i] is None else b["time"][i],
                        b["langs"][b["lang"][i]],
                        b["places"][b["place"][i]],
                        b["authors"][b["author"][i]],
                        tuple(b["tags"][t] for t in tags),
                    )
                )
    return out


def same_points(got: list[StoredPoint], want: list[StoredPoint]) -> None:
    """Equal, NaN times included."""
    assert [repr(p) for p in got] == [repr(p) for p in want]


def test_every_writer_keeps_the_map_columns_of_what_it_added(store: SessionStore) -> None:
    sid = store.start_session("test", ["rain", "sun"], synthetic=False)
    other = store.start_session("other", ["rain"], synthetic=False)
    store.add_posts(sid, [post(1, text=f"{HOSTILE} #One"), post(2, location=None), post(3)])
    store.add_posts(sid, [post(1), post(3)])  # repeats only: nothing new
    rows = [
        post_row(sid, post(4, terms=("rain", "sun"), created_at=None), 0.0),
        post_row(sid, post(1), 0.0),  # stored before
        post_row(sid, post(5, lang="ar", author_handle=HOSTILE), 0.0),
        post_row(sid, post(5), 0.0),  # twice in one batch
        post_row(other, post(6), 0.0),
        post_row(sid, post(7, location=None), 0.0),
    ]
    assert store.add_rows(rows) == 4
    store.add_rows([post_row(sid, post(8, text="#Eight"), 0.0)])  # all new: keys in order
    want = [p for chunk in store.points(sid) for p in chunk]
    assert [p.author for p in want] == ["madeup_1", "madeup_3", "madeup_4", HOSTILE, "madeup_8"]
    same_points(stored_blob_points(store, sid), want)
    same_points(stored_blob_points(store, other), [p for c in store.points(other) for p in c])


def test_a_session_without_map_columns_has_them_built_once(store: SessionStore) -> None:
    sid = store.start_session("test", ["rain"], synthetic=False)
    for n in range(1, 6):
        store.add_posts(sid, [post(n)])
    want = [p for chunk in store.points(sid) for p in chunk]

    def build() -> list[int]:
        session = store.session(sid)
        assert session is not None
        return list(store.build_point_blobs(session, chunk=2))

    # The last posts stored without them (by an older version, say): only those.
    store._db.execute("DELETE FROM point_blobs WHERE id > 2")
    assert build() == [2, 3]
    same_points(stored_blob_points(store, sid), want)
    assert build() == []
    # Blobs that do not add up to the session's posts: all built again.
    store._db.execute("DELETE FROM point_blobs WHERE id = 1")
    assert build() == [2, 4, 5]
    same_points(stored_blob_points(store, sid), want)


def test_a_bulk_replay_keeps_the_map_columns_the_rows_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The readers make each batch's columns from the posts they hold and the
    writer only gives them keys; a batch holding a repeat has them made from
    its rows instead. Either way they are what the stored rows say."""
    lines = []
    for n in range(40):
        post_id = f"186{n:016d}"
        text = f"{HOSTILE} rain #Tag{n % 3} #tag{n % 3} ☔" if n % 4 else "rain, no tag"
        if n % 3 == 0:
            lines.append(v2_line(post_id, text, point=[n - 20.5, n / 2], username=HOSTILE))
        elif n % 3 == 1:
            lines.append(v2_line(post_id, text, bbox=[n, -n, n + 1, 1 - n], created_at=None))
        else:
            lines.append(v2_line(post_id, text))  # not located
    lines.insert(30, lines[6])  # a repeat, in a later batch
    archive = write_lines(tmp_path / "a.jsonl", lines)
    monkeypatch.setattr(bulk_replay, "BATCH", 4)
    monkeypatch.setattr(bulk_replay, "PART_BYTES", 3_000)  # several parts, two readers
    store = SessionStore(tmp_path / "s.db")
    engine = SessionEngine(store, label="replay", terms=["rain"], synthetic=False)
    bulk_replay.bulk_replay(archive, ["rain"], engine, readers=2)
    want = [p for chunk in store.points(engine.session_id) for p in chunk]
    assert len(want) == 27 and {p.kind for p in want} == {"exact", "place"}
    same_points(stored_blob_points(store, engine.session_id), want)
    store.close()


def session_blobs(store: SessionStore, session_id: int) -> list[bytes]:
    return [
        bytes(data)
        for (data,) in store._db.execute(
            "SELECT data FROM point_blobs WHERE session_id = ? ORDER BY id", (session_id,)
        )
    ]


def strings_in_order(session_id: int, blobs: list[bytes]) -> tuple[list[str], ...]:
    """The session's strings as a page reads its blobs in order: only each
    blob's new ones (SessionCodes.learn fails when one does not follow on)."""
    codes = SessionCodes(session_id)
    for blob in blobs:
        codes.learn(blob)
    return codes.strings


def test_a_sessions_blobs_share_its_codes_and_bring_each_string_once(
    store: SessionStore,
) -> None:
    sid = store.start_session("test", ["rain"], synthetic=False)
    other = store.start_session("other", ["rain"], synthetic=False)
    store.add_posts(sid, [post(1, author_handle=HOSTILE, text="#Rain #Two"), post(2)])
    store.add_rows([post_row(other, post(3), 0.0)])  # another session's codes are its own
    store.add_posts(sid, [post(4, author_handle=HOSTILE, lang="ar"), post(5)])
    store.add_rows([post_row(sid, post(6, author_handle="madeup_2"), 0.0)])
    blobs = session_blobs(store, sid)
    assert [blob_session(b) for b in blobs] == [sid] * 3
    langs, places, authors, tags = strings_in_order(sid, blobs)
    # Each string once, in the order it first came: later blobs only use it.
    assert authors == ["", HOSTILE, "madeup_2", "madeup_5"]
    assert langs == ["", "en", "ar"] and tags == ["", "rain", "two"]
    assert places == ["", "Place 1", "Place 2", "Place 4", "Place 5", "Place 6"]
    # Read alone, each blob gives the same strings for the codes it uses.
    for blob in blobs:
        alone = decode_blob(blob)
        for name, column, strings in (
            ("authors", "author", authors),
            ("langs", "lang", langs),
            ("places", "place", places),
        ):
            assert all(alone[name][c] == strings[c] for c in alone[column])
        assert all(alone["tags"][c] == tags[c] for c in alone["tagPool"])
    assert strings_in_order(other, session_blobs(store, other))[2] == ["", "madeup_3"]
    same_points(stored_blob_points(store, sid), [p for c in store.points(sid) for p in c])


def test_blobs_written_by_two_connections_follow_on(store: SessionStore, tmp_path: Path) -> None:
    sid = store.start_session("test", ["rain"], synthetic=False)
    second = SessionStore(tmp_path / "s.db", tidies=False)  # as the store writer's thread has
    try:
        store.add_posts(sid, [post(1), post(2)])
        second.add_posts(sid, [post(3, author_handle="madeup_1"), post(4)])
        store.add_posts(sid, [post(5, author_handle="madeup_4"), post(6)])
        second.add_rows([post_row(sid, post(7, author_handle="madeup_6"), 0.0)])
    finally:
        second.close()
    authors = strings_in_order(sid, session_blobs(store, sid))[2]
    assert authors == ["", "madeup_1", "madeup_2", "madeup_4", "madeup_6"]
    same_points(stored_blob_points(store, sid), [p for c in store.points(sid) for p in c])


def test_a_batch_rolled_back_leaves_no_codes_behind(store: SessionStore) -> None:
    sid = store.start_session("test", ["rain"], synthetic=False)
    store.add_posts(sid, [post(1)])
    # The batch's blob cannot be written (as when the disk is full): all of it goes.
    store._db.execute(
        "CREATE TRIGGER full BEFORE INSERT ON point_blobs BEGIN SELECT RAISE(ABORT, 'full'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        store.add_posts(sid, [post(2, author_handle="lost")])
    store._db.execute("DROP TRIGGER full")
    store.add_posts(sid, [post(3)])
    authors = strings_in_order(sid, session_blobs(store, sid))[2]
    assert authors == ["", "madeup_1", "madeup_3"]


def test_a_session_counts_its_located_posts_from_its_blobs(store: SessionStore) -> None:
    sid = store.start_session("test", ["rain"], synthetic=False)
    store.add_posts(sid, [post(1), post(2, location=None), post(3)])
    store.add_rows([post_row(sid, post(4), 0.0), post_row(sid, post(5, location=None), 0.0)])
    session = store.session(sid)
    assert session is not None and (session.received, session.located) == (5, 3)
    assert store.located_count(sid) == 3
    # Without blobs (an older version's session), its rows are counted.
    store._db.execute("DELETE FROM point_blobs")
    session = store.session(sid)
    assert session is not None and (session.received, session.located) == (5, 3)


def test_a_front_end_gets_back_the_counts_and_the_very_blob_stored(store: SessionStore) -> None:
    sid = store.start_session("test", ["rain"], synthetic=False)
    exact = Location(lon=1, lat=2, kind="exact", radius_m=0.0)
    first = store.write_posts(
        sid, [post(1, text=f"{HOSTILE} #One"), post(2, location=None), post(3, location=exact)]
    )
    again = store.write_posts(sid, [post(3), post(4), post(4)])  # a repeat, one new twice
    nothing = store.write_posts(sid, [post(2, location=None), post(5, location=None)])
    assert (first.added, dict(first.kinds), first.located) == (3, {"place": 1, "exact": 1}, 2)
    assert (again.added, dict(again.kinds)) == (1, {"place": 1})
    assert (nothing.added, nothing.located, nothing.blob) == (1, 0, b"")
    want = [p for chunk in store.points(sid) for p in chunk]
    assert want[0].tags == ("one",) and want[0].author == "madeup_1"
    same_points(decode_points(first.blob + again.blob), want)
    same_points(stored_blob_points(store, sid), want)
