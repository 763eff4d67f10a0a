"""A session as a folder of GeoParquet files, one folder a day (hive style).

`date=2026-11-30/part-0.parquet`, ...: DuckDB (`hive_partitioning`), Spark,
BigQuery and pyarrow datasets read the folder as one table with a `date`
column taken from the folder names, and skip whole days a query excludes.
The day is the UTC date of `created_at`; posts that carry no time go to
`date=__HIVE_DEFAULT_PARTITION__`, Hive's name for a null value, which the
engines read as a null `date`. Posts come sorted by time, so each day is one
file written at once and only one file is open at a time; a day met again
(posts out of order) gets its next `part-N`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC
from pathlib import Path

from geotweets_desktop.core.export.geoparquet import GeoParquetWriter
from geotweets_desktop.core.export.privacy import Privacy
from geotweets_desktop.core.post import Post


def write_partitioned(posts: Iterable[Post], folder: Path, privacy: Privacy) -> tuple[int, int]:
    """Write every post under `folder` (which must exist); return (rows written, 0)."""
    parts: Counter[str] = Counter()
    day = ""
    writer: GeoParquetWriter | None = None
    written = 0
    try:
        for post in posts:
            post_day = _day(post)
            if writer is None or post_day != day:
                if writer is not None:
                    writer.close()
                    written += writer.written
                day = post_day
                (folder / f"date={day}").mkdir(exist_ok=True)
                path = folder / f"date={day}" / f"part-{parts[day]}.parquet"
                parts[day] += 1
                writer = GeoParquetWriter(path, privacy)
            writer.add(post)
    finally:
        if writer is not None:
            writer.close()
            written += writer.written
    return written, 0


# Hive's folder name for a partition whose value is null.
NO_DAY = "__HIVE_DEFAULT_PARTITION__"


def _day(post: Post) -> str:
    if post.created_at is None:
        return NO_DAY
    return post.created_at.astimezone(UTC).date().isoformat()
