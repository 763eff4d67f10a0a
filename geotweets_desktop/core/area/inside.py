"""Which posts lie in the areas followed.

A post is inside when the point it is drawn at is: its exact point, the
centre of its tagged place, or the place its author's profile names. X
delivers a post tagged with a place that is only partly inside an area's
shapes (and a shape reaches a little past a drawn area's edge), so live
posts outside are kept, and marked by this test rather than dropped.
"""

from __future__ import annotations

from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.post import Post


def post_inside(post: Post, areas: list[Area]) -> bool:
    location = post.location
    if location is None:
        return False
    return any(area.contains(location.lon, location.lat) for area in areas)
