"""The session's timeline as inline SVG for the report: posts per bin, all
posts as a grey area and one line per term in its map colour, UTC times
on the axis. Terms reach the picture only as colours; their names are in
the report's tables and the legend beside it (escaped there)."""

from __future__ import annotations

from datetime import UTC, datetime

from geotweets_desktop.core.palette import TERM_COLORS
from geotweets_desktop.core.report.figures import Timeline
from geotweets_desktop.core.time_bins import step_label

WIDTH, HEIGHT = 960, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 28
ALL_POSTS_FILL = "#c8c8c8"
AXIS = "#666666"
TICKS = 6


def timeline_title(timeline: Timeline) -> str:
    return f"Posts per {step_label(timeline.step)} (UTC, the posts' own time)"


def timeline_svg(timeline: Timeline) -> str:
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    bins = len(timeline.total)
    peak = max(timeline.total) or 1

    def x(i: float) -> float:
        return LEFT + plot_w * i / bins

    def y(count: int) -> float:
        return TOP + plot_h * (1 - count / peak)

    def steps(counts: tuple[int, ...]) -> str:
        """A step line: flat across each bin, so a bin reads as its count."""
        points = []
        for i, count in enumerate(counts):
            points.append(f"{x(i):.1f},{y(count):.1f}")
            points.append(f"{x(i + 1):.1f},{y(count):.1f}")
        return " ".join(points)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" role="img">',
        f'<polygon fill="{ALL_POSTS_FILL}" points="{x(0):.1f},{y(0):.1f} '
        f'{steps(timeline.total)} {x(bins):.1f},{y(0):.1f}"/>',
    ]
    if len(timeline.by_term) > 1:  # one term's line would only repeat the area
        for t, counts in enumerate(timeline.by_term):
            color = TERM_COLORS[t % len(TERM_COLORS)]
            parts.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="1.5"'
                f' points="{steps(counts)}"/>'
            )
    parts.append(
        f'<g stroke="{AXIS}" stroke-width="1">'
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/></g>'
    )
    text = f'<text font-family="sans-serif" font-size="11" fill="{AXIS}"'
    parts.append(f'{text} x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end">{peak:,}</text>')
    parts.append(f'{text} x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end">0</text>')
    for tick in range(TICKS + 1):
        i = round(bins * tick / TICKS)
        when = datetime.fromtimestamp(timeline.bin_start(i), UTC)
        label = when.strftime("%H:%M:%S" if timeline.step < 60 else "%d %b %H:%M")
        anchor = "start" if tick == 0 else "end" if tick == TICKS else "middle"
        parts.append(
            f'{text} x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
