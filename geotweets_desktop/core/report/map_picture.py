"""A static picture of a session's map (SVG), drawn without a window.

Web Mercator like the map itself, framed on the located posts (the whole
world when they are spread over it), with Natural Earth's land under them.
Posts are gathered into small squares of the picture: each square is one
dot in the colour of the term most of its posts matched, larger where there
are more, so a million posts make a few thousand dots, not a million.
`geotweets collect --report` uses it; the window puts a grab of its own map
in the report instead.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from geotweets_desktop.core.palette import NO_TERM_COLOR, TERM_COLORS
from geotweets_desktop.core.report.figures import MAP_CELLS_PER_DEGREE, MapCell, dominant_terms
from geotweets_desktop.core.report.world_outline import Ring, land_rings

WIDTH, HEIGHT = 960, 540
MAX_LAT = 85.0511287798
DOT_SQUARE_PX = 4  # posts within one such square of the picture are one dot
WORLD = (-180.0, -58.0, 180.0, 78.0)  # west, south, east, north: no posts, or all over
MIN_SPAN_DEG = 8.0  # framing a single city still shows its region
OCEAN, LAND, COAST = "#a9cfdc", "#f3f0e8", "#7fa8b8"  # as the page's offline basemap
DETAILED_BELOW_DEG = 60.0  # a frame narrower than this gets the 1:50m coastlines


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator, the world 1 unit wide (x 0..1 west to east, y 0..1 north to south)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    sin = math.sin(math.radians(lat))
    return (lon + 180) / 360, 0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)


class _Frame:
    """The part of the world shown, and where a (lon, lat) falls in the picture."""

    def __init__(self, cells: Sequence[MapCell]) -> None:
        west, south, east, north = WORLD
        if cells:
            size = 1 / MAP_CELLS_PER_DEGREE
            west = min(c.lon for c in cells)
            east = max(c.lon for c in cells) + size
            south = min(c.lat for c in cells)
            north = max(c.lat for c in cells) + size
            pad_lon = max(MIN_SPAN_DEG - (east - west), 0) / 2 + (east - west) * 0.08
            pad_lat = max(MIN_SPAN_DEG - (north - south), 0) / 2 + (north - south) * 0.08
            west, east = west - pad_lon, east + pad_lon
            south, north = south - pad_lat, north + pad_lat
        x0, y1 = _mercator(west, south)
        x1, y0 = _mercator(east, north)
        # Widen the shorter side so the frame has the picture's shape; at
        # most the whole world across, cut at the top and bottom.
        width, height = x1 - x0, y1 - y0
        if width / height < WIDTH / HEIGHT:
            width = height * WIDTH / HEIGHT
        else:
            height = width * HEIGHT / WIDTH
        if width > 1.0:
            width, height = 1.0, HEIGHT / WIDTH
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        self.x0 = min(max(cx - width / 2, 0.0), 1.0 - width)
        self.y0 = min(max(cy - height / 2, 0.0), 1.0 - height)
        self.scale = WIDTH / width
        self.degrees_wide = width * 360

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = _mercator(lon, lat)
        return (x - self.x0) * self.scale, (y - self.y0) * self.scale


def map_svg(cells: Sequence[MapCell], terms: Sequence[str]) -> str:
    """The picture as an SVG document (no text from posts in it: colours and dots)."""
    frame = _Frame(cells)
    rings = land_rings("50m" if frame.degrees_wide < DETAILED_BELOW_DEG else "110m")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{OCEAN}"/>',
        f'<path fill="{LAND}" stroke="{COAST}" stroke-width="0.6" fill-rule="evenodd"'
        f' d="{_land_path(rings, frame)}"/>',
    ]
    parts.extend(_dots(cells, frame, len(terms)))
    parts.append("</svg>")
    return "".join(parts)


def _land_path(rings: Sequence[Ring], frame: _Frame) -> str:
    """The rings that show in the frame, with points closer than a pixel dropped."""
    commands = []
    for ring in rings:
        for lons, lats in _world_copies(ring):
            projected = [frame.point(lon, lat) for lon, lat in zip(lons, lats, strict=True)]
            xs = [p[0] for p in projected]
            ys = [p[1] for p in projected]
            if max(xs) < 0 or min(xs) > WIDTH or max(ys) < 0 or min(ys) > HEIGHT:
                continue
            kept = [projected[0]]
            for x, y in projected[1:]:
                last_x, last_y = kept[-1]
                if abs(x - last_x) + abs(y - last_y) >= 1.0:
                    kept.append((x, y))
            if len(kept) >= 3:
                commands.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in kept) + "Z")
    return "".join(commands)


def _world_copies(ring: Ring) -> list[tuple[list[float], list[float]]]:
    """A ring that crosses the antimeridian unwrapped (running on past the
    world's edge instead of jumping back across it), and shifted by a world
    width too, so both edges of the picture show it (as the page's basemap)."""
    lons: list[float] = []
    shift = 0.0
    for i, (lon, _lat) in enumerate(ring):
        if i:
            jump = lon - ring[i - 1][0]
            if jump > 180:
                shift -= 360
            elif jump < -180:
                shift += 360
        lons.append(lon + shift)
    lats = [lat for _lon, lat in ring]
    copies = [(lons, lats)]
    if min(lons) < -180:
        copies.append(([lon + 360 for lon in lons], lats))
    if max(lons) > 180:
        copies.append(([lon - 360 for lon in lons], lats))
    return copies


def _dots(cells: Sequence[MapCell], frame: _Frame, term_count: int) -> list[str]:
    """One path per colour and dot size: a circle per square of the picture."""
    posts: Counter[tuple[int, int]] = Counter()
    by_term: Counter[tuple[int, int, int]] = Counter()
    half = 0.5 / MAP_CELLS_PER_DEGREE
    rows: dict[float, int] = {}  # a cell row's square row: Mercator only once a row
    for cell in cells:
        row = rows.get(cell.lat)
        if row is None:
            row = rows[cell.lat] = int(frame.point(0.0, cell.lat + half)[1] // DOT_SQUARE_PX)
        x = frame.point(cell.lon + half, 0.0)[0]
        square = (int(x // DOT_SQUARE_PX), row)
        posts[square] += cell.posts
        by_term[(*square, cell.term)] += cell.posts
    dominant = dominant_terms(by_term)
    paths: dict[tuple[int, int], list[str]] = {}
    for square, count in posts.items():
        term = dominant[square]
        size = min(3, int(math.log10(count)))  # 1, 10, 100, 1000+ posts
        radius = 2.2 + 1.4 * size
        cx = (square[0] + 0.5) * DOT_SQUARE_PX
        cy = (square[1] + 0.5) * DOT_SQUARE_PX
        paths.setdefault((term, size), []).append(
            f"M{cx - radius:.1f} {cy:.1f}a{radius:.1f} {radius:.1f} 0 1 0 {2 * radius:.1f} 0"
            f"a{radius:.1f} {radius:.1f} 0 1 0 {-2 * radius:.1f} 0"
        )
    out = []
    # Bigger dots first, so the lone posts on top of them stay visible.
    for (term, _size), circles in sorted(paths.items(), key=lambda item: -item[0][1]):
        color = TERM_COLORS[term % len(TERM_COLORS)] if 0 <= term < term_count else NO_TERM_COLOR
        out.append(
            f'<path fill="{color}" fill-opacity="0.8" stroke="#ffffff" stroke-width="0.5"'
            f' d="{"".join(circles)}"/>'
        )
    return out
