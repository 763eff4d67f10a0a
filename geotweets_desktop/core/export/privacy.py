"""Privacy options for an export: coarser points, no author names or handles.

Coarsening snaps each point to the nearest node of a regular grid in degrees:
`round(value / step) * step`, for longitude and latitude alike, with
step 0.01 degrees for "1km" and 0.1 degrees for "10km". One step of latitude
is 1.11 km (11.1 km); one step of longitude is that times cos(latitude), so
cells narrow towards the poles (0.79 km / 7.9 km at 45 degrees). A point
moves by at most half a cell diagonal: 0.79 km for "1km", 7.9 km for "10km".
The exported radius grows to at least the cell's size, so it still tells the
truth about the uncertainty.

Dropping authors removes names and handles. What stays: post ids (X can
still show a post's author to anyone who looks it up) and post text (which
may @mention people).
"""

from __future__ import annotations

from dataclasses import dataclass

from geotweets_desktop.core.post import Location

# "1km" -> 0.01 degrees, "10km" -> 0.1 degrees.
COARSEN_STEPS: dict[str, float] = {"1km": 0.01, "10km": 0.1}
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True, slots=True)
class Privacy:
    coarsen: str | None = None  # a key of COARSEN_STEPS, or None for exact points
    drop_authors: bool = False

    def __post_init__(self) -> None:
        if self.coarsen is not None and self.coarsen not in COARSEN_STEPS:
            raise ValueError(f"coarsen must be one of {', '.join(COARSEN_STEPS)}")

    @property
    def step(self) -> float | None:
        return COARSEN_STEPS[self.coarsen] if self.coarsen else None


def snap(value: float, step: float) -> float:
    """`value` on the grid of `step` degrees (rounded again to kill float noise)."""
    return round(round(value / step) * step, 6)


def coarsen_location(location: Location, step: float) -> Location:
    lon = max(-180.0, min(180.0, snap(location.lon, step)))
    lat = max(-90.0, min(90.0, snap(location.lat, step)))
    radius = max(location.radius_m, step * _METRES_PER_DEGREE)
    return Location(lon=lon, lat=lat, kind=location.kind, radius_m=radius, label=location.label)
