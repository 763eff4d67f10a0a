"""The world's land as rings of (lon, lat), for the report's picture of the map.

The same Natural Earth data the map page's offline basemap draws (the
pinned world-atlas package, TopoJSON), decoded here without a library:
an arc is a list of quantized, delta-encoded points; a ring is a list of
arcs, `~i` meaning arc `i` walked backwards; consecutive arcs share their
joining point.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from geotweets_desktop.paths import resources_dir

Ring = list[tuple[float, float]]


@cache
def land_rings(detail: str = "110m") -> tuple[Ring, ...]:
    """Every ring of world-atlas's `land-<detail>.json` ("110m" or "50m")."""
    path = resources_dir() / "node_modules" / "world-atlas" / f"land-{detail}.json"
    topo = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo["arcs"], topo["transform"])
    rings: list[Ring] = []
    for geometry in topo["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            rings.extend(_ring(arcs, ring) for ring in polygon)
    return tuple(rings)


def _decode_arcs(encoded: list[list[list[int]]], transform: dict[str, Any]) -> list[Ring]:
    (kx, ky), (x0, y0) = transform["scale"], transform["translate"]
    decoded = []
    for arc in encoded:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * kx + x0, y * ky + y0))
        decoded.append(points)
    return decoded


def _ring(arcs: list[Ring], indexes: list[int]) -> Ring:
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring
