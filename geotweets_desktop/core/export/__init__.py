"""Export a stored session: GeoJSON (`.geojson`), CSV (`.csv`) or a session store (`.db`).

`export_session(store, session_id, out, privacy, areas)` picks the format
from the suffix of `out`, writes to a temporary file beside it and renames it
into place, so a failed export never leaves half a file under the real name.
With areas, only the posts located inside one of them are written
(`core/area/inside.py`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from geotweets_desktop.core.area.inside import post_inside
from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.export.csv_file import write_csv
from geotweets_desktop.core.export.database import (
    DatabaseExportError,
    copy_sessions,
    keep_only_inside,
)
from geotweets_desktop.core.export.geojson import write_geojson
from geotweets_desktop.core.export.privacy import COARSEN_STEPS, Privacy
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.store import SessionStore

EXPORT_SUFFIXES = (".geojson", ".csv", ".db")

__all__ = [
    "COARSEN_STEPS",
    "EXPORT_SUFFIXES",
    "ExportError",
    "ExportResult",
    "Privacy",
    "export_session",
]


class ExportError(ValueError):
    """The export cannot be made; the message is for the user."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    written: int  # features, rows or posts copied
    left_out: int  # unlocated posts a GeoJSON file cannot show
    outside_areas: int = 0  # posts not in any of the areas asked for (or unlocated)


def export_session(
    store: SessionStore,
    session_id: int | None,
    out: Path,
    privacy: Privacy | None = None,
    areas: Sequence[Area] = (),
) -> ExportResult:
    """Write session `session_id` of `store` to `out`; None copies every session
    (only for `.db`). Raises ExportError for a bad request, OSError for disk faults."""
    privacy = privacy or Privacy()
    suffix = out.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ExportError(
            f"{out.name}: cannot tell the format; use one of {', '.join(EXPORT_SUFFIXES)}"
        )
    if session_id is None and suffix != ".db":
        raise ExportError("choose a session: only a .db export can hold them all")
    if session_id is not None and store.session(session_id) is None:
        raise ExportError(f"no session {session_id} in {store.path}")
    if out.resolve() == store.path.resolve():
        raise ExportError(f"{out} is the session store itself; choose another file")
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(f".{out.name}.part")
    _remove(part)
    outside = 0
    try:
        if suffix == ".db":
            try:
                written, _sessions = copy_sessions(store.path, part, session_id, privacy)
                if areas:
                    outside = keep_only_inside(part, list(areas))
                    written -= outside
            except DatabaseExportError as exc:
                raise ExportError(str(exc)) from None
            left_out = 0
        else:
            assert session_id is not None
            posts: Iterable[Post] = (
                post for chunk in store.iter_posts(session_id) for post in chunk
            )
            if areas:
                counted = _Outside(posts, list(areas))
                written, left_out = _write_text_format(suffix, counted, part, privacy)
                outside = counted.outside
            else:
                written, left_out = _write_text_format(suffix, posts, part, privacy)
        os.replace(part, out)
    finally:
        _remove(part)
    return ExportResult(out, written, left_out, outside)


class _Outside:
    """The posts inside the areas, counting those left out."""

    def __init__(self, posts: Iterable[Post], areas: list[Area]) -> None:
        self._posts = posts
        self._areas = areas
        self.outside = 0

    def __iter__(self) -> Iterator[Post]:
        for post in self._posts:
            if post_inside(post, self._areas):
                yield post
            else:
                self.outside += 1


def _write_text_format(
    suffix: str, posts: Iterable[Post], part: Path, privacy: Privacy
) -> tuple[int, int]:
    if suffix == ".geojson":
        with open(part, "wb") as out:
            return write_geojson(posts, out, privacy)
    with open(part, "w", encoding="utf-8", newline="") as text_out:
        return write_csv(posts, text_out, privacy)


def _remove(path: Path) -> None:
    for extra in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + extra).unlink()
