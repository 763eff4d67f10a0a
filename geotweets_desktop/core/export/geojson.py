"""A session as an RFC 7946 GeoJSON FeatureCollection of Point features.

Geometry coordinates are `[longitude, latitude]` (RFC 7946 section 3.1.1),
WGS 84, 6 decimals. Posts that could not be located have no point and are
left out (the CSV export keeps them). Written feature by feature, so a big
session never sits in memory as one document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

import orjson

from geotweets_desktop.core.export.fields import COORDINATE_DECIMALS, export_location, properties
from geotweets_desktop.core.export.privacy import Privacy
from geotweets_desktop.core.post import Post


def write_geojson(posts: Iterable[Post], out: IO[bytes], privacy: Privacy) -> tuple[int, int]:
    """Write the collection; return (features written, unlocated posts left out)."""
    written = skipped = 0
    out.write(b'{"type":"FeatureCollection","features":[')
    for post in posts:
        location = export_location(post, privacy)
        if location is None:
            skipped += 1
            continue
        feature = {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [
                    round(location.lon, COORDINATE_DECIMALS),
                    round(location.lat, COORDINATE_DECIMALS),
                ],
            },
            "properties": properties(post, location, privacy),
        }
        if written:
            out.write(b",\n")
        else:
            out.write(b"\n")
        out.write(orjson.dumps(feature))
        written += 1
    out.write(b"\n]}\n")
    return written, skipped
