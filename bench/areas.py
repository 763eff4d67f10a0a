"""Following an area: how many X shapes, stream rules and search queries it takes.

For squares of 10, 100 and 400 km centred on the equator and on 52° N,
alone and with one term, prints the shapes (circles or boxes), the
filtered-stream rules (at most 1,024 characters) and the recent-search
queries (at most 512), with the time the covering took; beside them, the
naive plan (a grid of 38.5 km boxes, no circles) for comparison.

Run: .venv/bin/python bench/areas.py
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geotweets_desktop.core.area.cover import KM_PER_DEG_LAT, PLAN_KM, Circle, cover
from geotweets_desktop.core.area.model import BoxArea, make_box
from geotweets_desktop.core.area.rules import search_queries, stream_rules


def square(side_km: float, lat: float) -> BoxArea:
    half_lat = side_km / 2 / KM_PER_DEG_LAT
    half_lon = side_km / 2 / (KM_PER_DEG_LAT * math.cos(math.radians(lat)))
    return make_box(-half_lon, lat - half_lat, half_lon, lat + half_lat)


def naive_boxes(side_km: float) -> int:
    return math.ceil(side_km / PLAN_KM) ** 2


def main() -> None:
    for lat in (0.0, 52.0):
        for side in (10.0, 100.0, 400.0):
            area = square(side, lat)
            started = time.perf_counter()
            shapes = cover(area)
            took_ms = (time.perf_counter() - started) * 1000
            kind = "circles" if isinstance(shapes[0], Circle) else "boxes"
            alone = stream_rules([], [area])
            with_term = stream_rules(["flood"], [area])
            queries = search_queries(["flood"], [area])
            print(
                f"{side:>5.0f} km square at {lat:>4.0f}°: {len(shapes):>3} {kind:<7} "
                f"(naive box grid {naive_boxes(side):>3}), "
                f"stream rules alone {len(alone.texts):>2}, with a term {len(with_term.texts):>2}, "
                f"search queries {len(queries.texts):>2}, covered in {took_ms:.1f} ms"
            )


if __name__ == "__main__":
    main()
