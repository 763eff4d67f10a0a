"""A session as CSV: UTF-8 (no byte-order mark), a header row, one row a post.

Quoting is the csv module's (RFC 4180 style): a field with a comma, a quote
or a line break is quoted, quotes doubled, so multi-line post text survives.
Unlocated posts are rows too, with empty lon/lat. `terms` joins a post's
matched terms with "; "; `coarse` and `time_from_id` (the time was worked
out from the post id) are `true` or `false`; `created_at` is empty for a
post that carries no time.

Post text is written by strangers. A spreadsheet reads a cell that starts
with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula, which can
fetch URLs or run commands when the file is opened ("CSV injection"). So a
text cell (`TEXT_COLUMNS`) that starts so is written with an apostrophe in
front, as OWASP advises: spreadsheets then show it as text. The GeoJSON and
database exports keep every text exactly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from geotweets_desktop.core.export.fields import COORDINATE_DECIMALS, export_location, properties
from geotweets_desktop.core.export.privacy import Privacy
from geotweets_desktop.core.post import Post

COLUMNS = (
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
)


# Columns holding text from the post or its author (numbers are left alone:
# a longitude of -9.14 is not a formula).
TEXT_COLUMNS = frozenset({"author_name", "author_handle", "text", "terms", "place_label"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(cell: str) -> str:
    """`cell`, with an apostrophe in front if a spreadsheet would run it."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def columns(privacy: Privacy) -> tuple[str, ...]:
    if privacy.drop_authors:
        return tuple(c for c in COLUMNS if c not in {"author_name", "author_handle"})
    return COLUMNS


def write_csv(posts: Iterable[Post], out: IO[str], privacy: Privacy) -> tuple[int, int]:
    """Write header and rows to a text file opened with newline=""; return
    (rows written, 0): no post is left out."""
    names = columns(privacy)
    writer = csv.writer(out)
    writer.writerow(names)
    written = 0
    for post in posts:
        location = export_location(post, privacy)
        props = properties(post, location, privacy)
        props["terms"] = "; ".join(post.terms)
        props["created_at"] = props["created_at"] or ""
        props["time_from_id"] = "true" if post.time_from_id else "false"
        props["lon"] = round(location.lon, COORDINATE_DECIMALS) if location else ""
        props["lat"] = round(location.lat, COORDINATE_DECIMALS) if location else ""
        if location is None:
            props.update(location_kind="", radius_m="", place_label="", coarse="")
        else:
            props["coarse"] = "true" if location.coarse else "false"
        writer.writerow(
            [defused(props[name]) if name in TEXT_COLUMNS else props[name] for name in names]
        )
        written += 1
    return written, 0
