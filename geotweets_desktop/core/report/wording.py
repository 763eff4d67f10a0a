"""Figures in words, the same on the summary card and in the report file."""

from __future__ import annotations

from datetime import datetime

from geotweets_desktop.core.report.figures import SessionFigures, TermFigures


def duration_text(seconds: float | None) -> str:
    """ "2 h 05 min", "3 min 20 s", "45 s"; "cut short" for a session with no end."""
    if seconds is None:
        return "cut short (no end recorded)"
    whole = round(seconds)
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def utc_text(when: datetime, seconds: bool = False) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def term_name(row: TermFigures, figures: SessionFigures) -> str:
    """A term as the legend names it; posts that match none are "All posts"
    when the session had no terms (an archive replayed whole)."""
    if row.term:
        return row.term
    return "No term" if figures.terms else "All posts"


def posts_text(count: int) -> str:
    return "1 post" if count == 1 else f"{count:,} posts"


def peak_text(figures: SessionFigures) -> str:
    if figures.peak_minute is None:
        return "no post carries a time"
    return f"{utc_text(figures.peak_minute)}: {posts_text(figures.peak_minute_posts)}"


def span_text(figures: SessionFigures) -> str:
    """When the posts were written (their own times), first to last."""
    if figures.first_post is None or figures.last_post is None:
        return "no post carries a time"
    span = f"{utc_text(figures.first_post, True)} to {utc_text(figures.last_post, True)}"
    if figures.posts_without_time:
        span += f" ({posts_text(figures.posts_without_time)} without a time)"
    return span


def located_text(figures: SessionFigures) -> str:
    kinds = ", ".join(f"{kind} {count:,}" for kind, count in figures.kinds.items())
    share = f"{figures.located / figures.received:.0%}" if figures.received else "0%"
    return f"{figures.located:,} ({share}; {kinds})"
