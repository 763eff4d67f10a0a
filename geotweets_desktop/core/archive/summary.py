"""The words for what reading an archive found besides posts, in one place:
the replay's last status line and `geotweets collect` both say it so."""

from __future__ import annotations

from collections.abc import Mapping

from geotweets_desktop.core.archive.records import NOTICE_KINDS


def notices_text(notices: Mapping[str, int]) -> str:
    """`notices: 2 delete, 1 limit` (kinds as X names them, in X's order); "" for none."""
    counts = [f"{notices[kind]:,} {kind}" for kind in NOTICE_KINDS if notices.get(kind)]
    return f"notices: {', '.join(counts)}" if counts else ""


def reading_text(
    bad_records: int, posts_with_faults: int, notices: Mapping[str, int], stopped: str | None
) -> str:
    """`3 bad lines, 1 post kept without a damaged part, notices: 2 delete;
    reading stopped at line 9: ...` (the parts that apply)."""
    parts = [f"{bad_records:,} bad lines"]
    if posts_with_faults:
        plural = "post" if posts_with_faults == 1 else "posts"
        parts.append(f"{posts_with_faults:,} {plural} kept without a damaged part")
    if notices_text(notices):
        parts.append(notices_text(notices))
    text = ", ".join(parts)
    return f"{text}; reading stopped at {stopped}" if stopped else text


def live_text(head: str, notices: Mapping[str, int], bad: int, unit: str) -> str:
    """A live source's status: `head`, then what came besides posts so far
    (`Receiving posts · notices: 1 errors · 2 bad lines skipped`)."""
    parts = [head]
    if notices_text(notices):
        parts.append(notices_text(notices))
    if bad:
        parts.append(f"{bad:,} bad {unit}{'' if bad == 1 else 's'} skipped")
    return " · ".join(parts)
