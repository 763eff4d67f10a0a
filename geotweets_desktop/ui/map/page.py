"""The map page's HTML, generated with folium from local assets only.

folium writes the Leaflet map; our own scripts (map.js, which puts the
layers and controls of the other files on it, and test_hooks.js) hook into
it through `L.Map.addInitHook`, so no JavaScript is generated from
Python strings. Every URL is relative to `geotweets://app/`, which the
scheme handler serves from the shipped resources.
"""

from __future__ import annotations

from functools import lru_cache

import folium
from branca.element import CssLink, Figure, JavascriptLink


@lru_cache(maxsize=1)
def map_page_html() -> bytes:
    fmap = folium.Map(
        location=[20, 0],
        zoom_start=2,
        min_zoom=1,
        max_zoom=18,
        tiles=None,
        world_copy_jump=True,
    )
    # Replace folium's CDN defaults (Leaflet, jQuery, Bootstrap, icon fonts) with
    # the one library the page needs, from the pinned local copy.
    fmap.default_js = [("leaflet", "vendor/leaflet/leaflet.js")]
    fmap.default_css = [("leaflet_css", "vendor/leaflet/leaflet.css")]
    root = fmap.get_root()
    assert isinstance(root, Figure)  # a map's root is the page (typed only as an Element)
    # In the body, so they come after Leaflet's (header) and before folium's map script.
    root.html.add_child(CssLink("vendor/uplot/uPlot.min.css"), name="uplot_css")
    root.html.add_child(CssLink("static/map.css"), name="geotweets_css")
    for name, url in (
        ("qwebchannel", "qwebchannel.js"),
        ("topojson", "vendor/topojson-client/topojson-client.min.js"),
        ("uplot", "vendor/uplot/uPlot.iife.min.js"),
        ("basemap", "static/basemap.js"),
        ("dom", "static/dom.js"),
        ("fold", "static/fold.js"),
        ("point_store", "static/point_store.js"),
        ("filters", "static/filters.js"),
        ("cell_order", "static/cell_order.js"),
        ("points", "static/points.js"),
        ("heat", "static/heat.js"),
        ("mode_control", "static/mode_control.js"),
        ("point_loader", "static/point_loader.js"),
        ("legend", "static/legend.js"),
        ("time_bins", "static/time_bins.js"),
        ("playback", "static/playback.js"),
        ("timeline", "static/timeline.js"),
        ("popup", "static/popup.js"),
        ("stack", "static/stack.js"),
        ("list_data", "static/list_data.js"),
        ("lists", "static/lists.js"),
        ("chips", "static/chips.js"),
        ("areas", "static/areas.js"),
        ("view_state", "static/view_state.js"),
        ("geotweets", "static/map.js"),
        ("test_hooks", "static/test_hooks.js"),
    ):
        root.html.add_child(JavascriptLink(url), name=name)
    return root.render().encode("utf-8")
