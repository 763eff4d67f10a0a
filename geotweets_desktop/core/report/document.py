"""The report file: one self-contained HTML page that opens offline in any browser.

Everything is inside it: the figures and tables as HTML, the timeline as
inline SVG, the picture of the map as a data: URI. Every string that came
from a post, a term, a place or a source is escaped, and a
Content-Security-Policy lets the page load nothing (no scripts, no remote
files, not even a font): a post's text can only ever show as text.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from geotweets_desktop import APP_NAME, __version__
from geotweets_desktop.core.palette import NO_TERM_COLOR, TERM_COLORS
from geotweets_desktop.core.report.figures import SessionFigures
from geotweets_desktop.core.report.map_picture import map_svg
from geotweets_desktop.core.report.timeline_svg import timeline_svg, timeline_title
from geotweets_desktop.core.report.wording import (
    duration_text,
    located_text,
    peak_text,
    span_text,
    term_name,
    utc_text,
)

CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

_STYLE = """
body { font-family: system-ui, sans-serif; color: #222; margin: 2em auto; max-width: 980px;
       padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.sub, .note, footer { color: #666; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.3em 1.2em; }
dt { font-weight: 600; }
dd { margin: 0; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { padding: 0.2em 0.8em 0.2em 0; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%;
          margin-right: 0.4em; vertical-align: baseline; }
.tops { display: flex; flex-wrap: wrap; gap: 2em; }
.tops td:first-child { max-width: 18em; overflow-wrap: anywhere; }
img, svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
.warning { background: #fff8e1; padding: 0.4em 0.6em; }
"""


@dataclass(frozen=True, slots=True)
class MapImage:
    """A picture of the map to put in the report: PNG or SVG bytes."""

    data: bytes
    mime: str  # "image/png" or "image/svg+xml"
    caption: str


def drawn_map(figures: SessionFigures) -> MapImage:
    """The picture drawn here, from the located posts (no window needed)."""
    return MapImage(
        map_svg(figures.map_cells, figures.terms).encode(),
        "image/svg+xml",
        "Located posts (a dot gathers the posts close together, coloured by their most"
        " frequent term; larger dots hold 10, 100, 1,000 or more). Land: Natural Earth.",
    )


def report_html(
    figures: SessionFigures, map_image: MapImage | None = None, made_at: datetime | None = None
) -> str:
    """The whole report page. `map_image` defaults to the picture drawn from the posts."""
    session = figures.session
    picture = map_image or drawn_map(figures)
    made = made_at or datetime.now(UTC)
    terms = ", ".join(figures.terms) or "all posts"
    title = f"{APP_NAME} session {session.id}: {terms}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="sub">{escape(session.source)} · started {utc_text(session.started_at)}</p>',
    ]
    if session.synthetic:
        parts.append(
            '<p class="warning">The posts of this session are synthetic (the offline demo):'
            " made up, not real posts.</p>"
        )
    parts.append(_figures_list(figures))
    parts.append(_terms_table(figures))
    parts.append("<h2>Map</h2>")
    encoded = base64.b64encode(picture.data).decode("ascii")
    parts.append(
        f'<figure><img alt="Map of the located posts" width="960"'
        f' src="data:{picture.mime};base64,{encoded}">'
        f'<figcaption class="note">{escape(picture.caption)}</figcaption></figure>'
    )
    parts.append("<h2>Timeline</h2>")
    if figures.timeline is None:
        parts.append('<p class="note">No post carries a time.</p>')
    else:
        parts.append(
            f'<p class="note">{escape(timeline_title(figures.timeline))}; grey: all'
            " posts, lines: each term.</p>"
        )
        parts.append(timeline_svg(figures.timeline))
    parts.append('<div class="tops">')
    parts.append(_top_table("Top places", "Place", figures.top_places))
    parts.append(_top_table("Top hashtags", "Hashtag", figures.top_hashtags, prefix="#"))
    parts.append(_top_table("Top languages", "Language", figures.top_languages))
    parts.append("</div>")
    parts.append(
        f"<footer><p>Made by {APP_NAME} {__version__} on {utc_text(made)}. Times are the"
        " posts' own, in UTC.</p></footer></body></html>"
    )
    return "\n".join(parts)


def _figures_list(figures: SessionFigures) -> str:
    rows = (
        ("Duration", duration_text(figures.duration_s)),
        ("Posts received", f"{figures.received:,}"),
        ("Located", located_text(figures)),
        ("Written", span_text(figures)),
        ("Peak minute", peak_text(figures)),
    )
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return f"<dl>{items}</dl>"


def _terms_table(figures: SessionFigures) -> str:
    rows = []
    for t, row in enumerate(figures.by_term):
        color = TERM_COLORS[t % len(TERM_COLORS)] if row.term else NO_TERM_COLOR
        rows.append(
            f'<tr><td><span class="swatch" style="background:{color}"></span>'
            f"{escape(term_name(row, figures))}</td>"
            f'<td class="n">{row.received:,}</td><td class="n">{row.located:,}</td></tr>'
        )
    return (
        '<h2>Terms</h2><table><tr><th>Term</th><th class="n">Received</th>'
        f'<th class="n">Located</th></tr>{"".join(rows)}</table>'
        '<p class="note">A post that matches several terms counts for each.</p>'
    )


def _top_table(title: str, what: str, rows: Sequence[tuple[str, int]], prefix: str = "") -> str:
    if not rows:
        body = '<tr><td colspan="2" class="note">none</td></tr>'
    else:
        body = "".join(
            f'<tr><td>{escape(prefix + name)}</td><td class="n">{count:,}</td></tr>'
            for name, count in rows
        )
    return (
        f"<section><h2>{escape(title)}</h2><table><tr><th>{escape(what)}</th>"
        f'<th class="n">Posts</th></tr>{body}</table></section>'
    )
