"""A session as GeoParquet 1.1: the CSV's columns, typed, plus a WKB point and its bbox.

One row a post, in the order given (the exporter gives them by time, so the
`created_at` statistics of each row group prune time ranges). Columns:
`id` (string), `created_at` (timestamp, UTC, microseconds; null for a post
that carries no time), `time_from_id` (the time was worked out from the post
id), author name and
handle (left out with drop_authors), `text`, `lang`, `terms` (a list of
strings), `lon`, `lat`, `location_kind`, `radius_m` (integer metres),
`place_label`, `coarse`, `url`, then `geometry` (the point as ISO WKB) and
`bbox` (a struct xmin/ymin/xmax/ymax: for a point both corners are the point),
declared as the geometry's bbox covering, so readers skip row groups by area.

Unlocated posts are rows too, as in the CSV, with a null geometry and bbox
(the spec allows an optional geometry column; a row has a bbox if and only if
it has a geometry): `WHERE geometry IS NULL` finds them, any area query
leaves them out. Coordinates are kept exactly as stored (or as coarsened),
not rounded as in the text formats.

The `geo` metadata omits `crs`, which the spec defines as OGC:CRS84
(longitude, latitude on WGS 84), what X sends. Its file `bbox` is the
smallest [west, south, east, north] holding every point; it does not wrap
the antimeridian (valid, if wider than needed for posts on both sides of it).

Rows go out in row groups as they come (bounded memory). The metadata,
which holds the bbox of everything written, is added to the footer at the
end; so the Arrow schema is not stored in the file (it would hold a copy of
the metadata made before the first row): readers rebuild it from the Parquet
types, which say everything (UTC timestamps, lists).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from geotweets_desktop.core.export.fields import export_location, properties
from geotweets_desktop.core.export.privacy import Privacy
from geotweets_desktop.core.post import Post

GEOPARQUET_VERSION = "1.1.0"
ROWS_PER_GROUP = 65_536
COMPRESSION: Final = "zstd"

_BBOX_TYPE = pa.struct([(corner, pa.float64()) for corner in ("xmin", "ymin", "xmax", "ymax")])
_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("id", pa.string()),
    ("created_at", pa.timestamp("us", tz="UTC")),
    ("time_from_id", pa.bool_()),
    ("author_name", pa.string()),
    ("author_handle", pa.string()),
    ("text", pa.string()),
    ("lang", pa.string()),
    ("terms", pa.list_(pa.string())),
    ("lon", pa.float64()),
    ("lat", pa.float64()),
    ("location_kind", pa.string()),
    ("radius_m", pa.int32()),
    ("place_label", pa.string()),
    ("coarse", pa.bool_()),
    ("url", pa.string()),
    ("geometry", pa.binary()),
    ("bbox", _BBOX_TYPE),
)
_REQUIRED = frozenset({"id", "time_from_id", "text", "lang", "terms", "url"})
# ISO WKB of a 2D point: byte order 1 (little-endian), geometry type 1, x, y.
_WKB_POINT = struct.Struct("<BIdd")


def arrow_schema(privacy: Privacy) -> pa.Schema:
    dropped = {"author_name", "author_handle"} if privacy.drop_authors else set()
    return pa.schema(
        [
            pa.field(name, kind, nullable=name not in _REQUIRED)
            for name, kind in _COLUMNS
            if name not in dropped
        ]
    )


def wkb_point(lon: float, lat: float) -> bytes:
    return _WKB_POINT.pack(1, 1, lon, lat)


@dataclass
class _Extent:
    """The smallest box holding every point seen so far."""

    west: float = float("inf")
    south: float = float("inf")
    east: float = float("-inf")
    north: float = float("-inf")

    def add(self, lons: pa.Array[pa.DoubleScalar], lats: pa.Array[pa.DoubleScalar]) -> None:
        """Take in the points of a row group (nulls for unlocated posts)."""
        lon, lat = pc.min_max(lons), pc.min_max(lats)
        if lon["min"].is_valid:
            self.west = min(self.west, lon["min"].as_py())
            self.east = max(self.east, lon["max"].as_py())
            self.south = min(self.south, lat["min"].as_py())
            self.north = max(self.north, lat["max"].as_py())

    def bbox(self) -> list[float] | None:
        return None if self.west > self.east else [self.west, self.south, self.east, self.north]


def geo_metadata(bbox: list[float] | None) -> dict[str, object]:
    """The `geo` key of the file metadata (GeoParquet 1.1)."""
    column: dict[str, object] = {"encoding": "WKB", "geometry_types": ["Point"]}
    if bbox is not None:
        column["bbox"] = bbox
    column["covering"] = {"bbox": {c: ["bbox", c] for c in ("xmin", "ymin", "xmax", "ymax")}}
    return {
        "version": GEOPARQUET_VERSION,
        "primary_column": "geometry",
        "columns": {"geometry": column},
    }


@dataclass
class _Rows:
    """Column lists of the row group being filled."""

    names: tuple[str, ...]
    columns: dict[str, list[object]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.columns = {name: [] for name in self.names}

    def __len__(self) -> int:
        return len(self.columns["id"])


class GeoParquetWriter:
    """Writes posts to one GeoParquet file, a row group at a time."""

    def __init__(self, path: Path, privacy: Privacy, rows_per_group: int = ROWS_PER_GROUP) -> None:
        self._privacy = privacy
        self._rows_per_group = rows_per_group
        self._schema = arrow_schema(privacy)
        self._rows = _Rows(tuple(n for n in self._schema.names if n not in {"geometry", "bbox"}))
        self._extent = _Extent()
        self._file = pq.ParquetWriter(
            path, self._schema, compression=COMPRESSION, store_schema=False
        )
        self.written = 0

    def add(self, post: Post) -> None:
        location = export_location(post, self._privacy)
        # The same fields as GeoJSON and CSV (fields.py), typed: the time as a
        # timestamp, the point as numbers.
        props = properties(post, location, self._privacy)
        props["created_at"] = post.created_at
        props["lon"] = location.lon if location else None
        props["lat"] = location.lat if location else None
        for name, values in self._rows.columns.items():
            values.append(props[name])
        if len(self._rows) >= self._rows_per_group:
            self._flush()

    def _flush(self) -> None:
        if not len(self._rows):
            return
        cols = self._rows.columns
        # geometry and bbox are made from lon and lat, a row group at a time.
        arrays = {
            f.name: pa.array(cols[f.name], type=f.type) for f in self._schema if f.name in cols
        }
        lons, lats = arrays["lon"], arrays["lat"]
        arrays["geometry"] = pa.array(
            [
                None if x is None else wkb_point(x, y)  # type: ignore[arg-type]
                for x, y in zip(cols["lon"], cols["lat"], strict=True)
            ],
            type=pa.binary(),
        )
        arrays["bbox"] = pa.StructArray.from_arrays(
            [lons, lats, lons, lats], fields=list(_BBOX_TYPE), mask=lons.is_null()
        )
        self._extent.add(lons, lats)
        batch = pa.record_batch([arrays[name] for name in self._schema.names], schema=self._schema)
        self._file.write_batch(batch, row_group_size=self._rows_per_group)
        self.written += len(self._rows)
        self._rows.clear()

    def close(self) -> None:
        """Write what is left and the footer, with the `geo` metadata."""
        self._flush()
        self._file.add_key_value_metadata(
            {"geo": json.dumps(geo_metadata(self._extent.bbox()), separators=(",", ":"))}
        )
        self._file.close()


def write_geoparquet(posts: Iterable[Post], path: Path, privacy: Privacy) -> tuple[int, int]:
    """Write one GeoParquet file; return (rows written, 0): no post is left out."""
    writer = GeoParquetWriter(path, privacy)
    try:
        for post in posts:
            writer.add(post)
    finally:
        writer.close()
    return writer.written, 0
