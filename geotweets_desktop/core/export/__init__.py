"""Export a stored session: GeoJSON (`.geojson`), CSV (`.csv`), GeoParquet
(`.parquet`, or a folder of them a day) or a session store (`.db`).

`export_session(store, session_id, out, privacy, areas)` picks the format
from the suffix of `out` (with `partition="day"`, `out` is a folder of
GeoParquet files), writes to a temporary file or folder beside it and renames
it into place, so a failed export never leaves half a file under the real
name. With areas, only the posts located inside one of them are written
(`core/area/inside.py`); with a `PostFilter` (`post_filter.py`: a time
range, languages, what the map's filters keep), only the posts it keeps.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from geotweets_desktop.core.area.inside import post_inside
from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.export.csv_file import write_csv
from geotweets_desktop.core.export.database import (
    DatabaseExportError,
    copy_sessions,
    keep_only,
)
from geotweets_desktop.core.export.geojson import write_geojson
from geotweets_desktop.core.export.post_filter import PostFilter
from geotweets_desktop.core.export.privacy import COARSEN_STEPS, Privacy
from geotweets_desktop.core.post import Post
from geotweets_desktop.core.store import SessionStore

EXPORT_SUFFIXES = (".geojson", ".csv", ".parquet", ".db")
PARTITIONS = ("day",)  # GeoParquet files in date=YYYY-MM-DD/ folders (partitioned.py)

__all__ = [
    "COARSEN_STEPS",
    "EXPORT_SUFFIXES",
    "PARTITIONS",
    "ExportError",
    "ExportResult",
    "PostFilter",
    "Privacy",
    "Progress",
    "check_partition_folder",
    "export_session",
]


# Told how many posts have been written so far, after each chunk (from the
# exporting thread).
Progress = Callable[[int], None]


class ExportError(ValueError):
    """The export cannot be made; the message is for the user."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    written: int  # features, rows or posts copied
    left_out: int  # unlocated posts a GeoJSON file cannot show
    outside_areas: int = 0  # posts not in any of the areas asked for (or unlocated)
    filtered_out: int = 0  # posts the PostFilter did not keep


def export_session(
    store: SessionStore,
    session_id: int | None,
    out: Path,
    privacy: Privacy | None = None,
    areas: Sequence[Area] = (),
    *,
    partition: str | None = None,
    progress: Progress | None = None,
    keep: PostFilter | None = None,
) -> ExportResult:
    """Write session `session_id` of `store` to `out`; None copies every session
    (only for `.db`). Only posts inside one of `areas` (if any) that `keep`
    keeps (if given) are written. Raises ExportError for a bad request, OSError
    for disk faults."""
    privacy = privacy or Privacy()
    suffix = out.suffix.lower()
    if partition is not None:
        check_partition_folder(out, partition)
    elif suffix not in EXPORT_SUFFIXES:
        raise ExportError(
            f"{out.name}: cannot tell the format; use one of {', '.join(EXPORT_SUFFIXES)}"
            " (or a folder with a partition)"
        )
    if session_id is None and (suffix != ".db" or partition is not None):
        raise ExportError("choose a session: only a .db export can hold them all")
    if session_id is not None and store.session(session_id) is None:
        raise ExportError(f"no session {session_id} in {store.path}")
    if out.resolve() == store.path.resolve():
        raise ExportError(f"{out} is the session store itself; choose another file")
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(f".{out.name}.part")
    _remove(part)
    outside = filtered_out = 0
    try:
        if suffix == ".db" and partition is None:
            try:
                written, _sessions = copy_sessions(store.path, part, session_id, privacy)
                if areas or keep is not None:
                    outside, filtered_out = keep_only(part, list(areas), keep)
                    written -= outside + filtered_out
            except DatabaseExportError as exc:
                raise ExportError(str(exc)) from None
            left_out = 0
        else:
            assert session_id is not None
            # GeoParquet goes by time, so row-group statistics prune time ranges.
            by_time = partition is not None or suffix == ".parquet"
            chunks = store.iter_posts(session_id, by_time=by_time, raw=False)
            posts: Iterable[Post] = _counted(chunks, progress)
            counted = _Kept(posts, list(areas), keep) if areas or keep is not None else None
            if counted is not None:
                posts = counted
            if partition is not None:
                # pyarrow is imported only for a GeoParquet export: it costs the
                # window's start and every other command a few hundred ms.
                from geotweets_desktop.core.export.partitioned import write_partitioned

                part.mkdir()
                written, left_out = write_partitioned(posts, part, privacy)
                with contextlib.suppress(FileNotFoundError):
                    out.rmdir()  # empty, as _check_folder made sure
            else:
                written, left_out = _write_file_format(suffix, posts, part, privacy)
            if counted is not None:
                outside, filtered_out = counted.outside, counted.filtered_out
        os.replace(part, out)
    finally:
        _remove(part)
    return ExportResult(out, written, left_out, outside, filtered_out)


class _Kept:
    """The posts inside the areas (if any) that the filter keeps (if any),
    counting those left out."""

    def __init__(self, posts: Iterable[Post], areas: list[Area], keep: PostFilter | None) -> None:
        self._posts = posts
        self._areas = areas
        self._keep = keep
        self.outside = 0
        self.filtered_out = 0

    def __iter__(self) -> Iterator[Post]:
        areas, keep = self._areas, self._keep
        for post in self._posts:
            if areas and not post_inside(post, areas):
                self.outside += 1
            elif keep is not None and not keep.keeps(post):
                self.filtered_out += 1
            else:
                yield post


def check_partition_folder(out: Path, partition: str) -> None:
    """Raise ExportError unless `out` can take a `partition`ed export (a new or empty folder)."""
    if partition not in PARTITIONS:
        raise ExportError(f"cannot partition by {partition!r}; use one of {', '.join(PARTITIONS)}")
    if out.is_file() or (out.is_dir() and any(out.iterdir())):
        raise ExportError(f"{out}: a partitioned export needs a new or empty folder")


def _counted(chunks: Iterable[list[Post]], progress: Progress | None) -> Iterator[Post]:
    done = 0
    for chunk in chunks:
        yield from chunk
        done += len(chunk)
        if progress is not None:
            progress(done)


def _write_file_format(
    suffix: str, posts: Iterable[Post], part: Path, privacy: Privacy
) -> tuple[int, int]:
    if suffix == ".parquet":
        from geotweets_desktop.core.export.geoparquet import write_geoparquet

        return write_geoparquet(posts, part, privacy)
    if suffix == ".geojson":
        with open(part, "wb") as out:
            return write_geojson(posts, out, privacy)
    with open(part, "w", encoding="utf-8", newline="") as text_out:
        return write_csv(posts, text_out, privacy)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    for extra in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + extra).unlink()
