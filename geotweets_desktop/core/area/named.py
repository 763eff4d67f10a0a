"""Areas named from the offline gazetteer: a city (or state, or country) and a radius."""

from __future__ import annotations

from geotweets_desktop.core.area.model import (
    DEFAULT_PLACE_RADIUS_KM,
    MAX_RADIUS_KM,
    AreaError,
    CircleArea,
    make_circle,
)
from geotweets_desktop.core.gazetteer import City, gazetteer


def named_area(
    text: str, radius_km: float | None = None, *, also_tagged: bool = False
) -> CircleArea:
    """The place `text` names, as a circle of `radius_km` around it.

    A city gets `DEFAULT_PLACE_RADIUS_KM` unless told; a state or country
    reaches its farthest city. `also_tagged` also asks X for posts tagged with
    the place itself (`place:"name"`, or `place_country:CC` for a country).
    """
    name = " ".join(text.split())
    if not name:
        raise AreaError("Type a place name to follow.")
    found = gazetteer().place(name)
    if found is None:
        raise AreaError(f"The gazetteer does not know a place called {name!r}.")
    if radius_km is None:
        own_km = 0.0 if isinstance(found, City) else found.radius_m / 1000.0
        radius_km = min(MAX_RADIUS_KM, max(DEFAULT_PLACE_RADIUS_KM, own_km))
    circle = make_circle(found.lon, found.lat, radius_km)
    is_country = not isinstance(found, City) and not found.admin1
    return CircleArea(
        circle.lon,
        circle.lat,
        circle.radius_km,
        place=found.name,
        country_code=found.country_code,
        also_tagged=also_tagged,
        is_country=is_country,
    )
