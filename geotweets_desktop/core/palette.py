"""Term colours: distinct from each other and from the basemap's blue and beige.

The map page gets them through the bridge; the report file uses them too."""

TERM_COLORS = (
    "#d7263d",  # red
    "#1b4fd8",  # blue
    "#f0a202",  # amber
    "#1e8449",  # green
    "#8e44ad",  # purple
    "#ff5fb0",  # pink
    "#008b8b",  # teal
    "#8b5a2b",  # brown
    "#222222",  # near black
    "#ff7f0e",  # orange
)
# Posts that match no term (the page's points.js has the same).
NO_TERM_COLOR = "#555555"


def term_colors(terms: list[str]) -> list[dict[str, str]]:
    return [{"term": t, "color": TERM_COLORS[i % len(TERM_COLORS)]} for i, t in enumerate(terms)]
