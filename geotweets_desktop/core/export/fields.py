"""The fields one post exports as, shared by the GeoJSON and CSV writers."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from geotweets_desktop.core.export.privacy import Privacy, coarsen_location
from geotweets_desktop.core.post import Location, Post

# Coordinates are written with 6 decimals (about 0.1 m), as RFC 7946 advises.
COORDINATE_DECIMALS = 6


def export_location(post: Post, privacy: Privacy) -> Location | None:
    location = post.location
    step = privacy.step
    if location is not None and step is not None:
        return coarsen_location(location, step)
    return location


def iso_time(post: Post) -> str | None:
    """`2018-10-10T20:19:24Z`: ISO 8601 in UTC; None for a post with no known time."""
    if post.created_at is None:
        return None
    return post.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def post_url(post: Post, privacy: Privacy) -> str:
    if privacy.drop_authors and post.id.isdigit() and not post.synthetic:
        return f"https://x.com/i/status/{post.id}"
    return post.url


def properties(post: Post, location: Location | None, privacy: Privacy) -> dict[str, Any]:
    """The GeoJSON properties (and, flattened, the CSV columns) of one post."""
    props: dict[str, Any] = {"id": post.id}
    if not privacy.drop_authors:
        props["author_name"] = post.author_name
        props["author_handle"] = post.author_handle
    props.update(
        text=post.text,
        created_at=iso_time(post),
        time_from_id=post.time_from_id,
        lang=post.lang,
        terms=list(post.terms),
        location_kind=location.kind if location else None,
        radius_m=round(location.radius_m) if location else None,
        place_label=location.label if location else None,
        coarse=location.coarse if location else None,
        url=post_url(post, privacy),
    )
    return props
