"""A session's summary and its report file (Qt-free: the window and `collect` share it).

`session_figures` counts what a stored session caught (figures.py);
`report_html` lays it out as one self-contained HTML page (document.py);
`write_report` does both and writes the file, whole or not at all.
"""

from __future__ import annotations

import os
from pathlib import Path

from geotweets_desktop.core.report.document import MapImage, report_html
from geotweets_desktop.core.report.figures import SessionFigures, session_figures

REPORT_SUFFIXES = (".html", ".htm")


class ReportError(Exception):
    """A report that cannot be written, said in one line for the user."""


def check_report_path(path: Path) -> None:
    """Refuse, before any work, a path the report could not be written to."""
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise ReportError(f"{path.name}: a report is an .html file")
    if path.is_dir():
        raise ReportError(f"{path} is a folder")
    folder = path.parent
    if not folder.is_dir():
        raise ReportError(f"{folder} is not a folder that exists")
    if not os.access(folder, os.W_OK):
        raise ReportError(f"{folder} cannot be written to")


def write_report(
    store_path: Path,
    session_id: int,
    path: Path,
    map_image: MapImage | None = None,
) -> SessionFigures:
    """Count the session's figures and write its report to `path` (through a
    temporary file beside it, so a failure never leaves half a report)."""
    figures = session_figures(store_path, session_id)
    save_report(figures, path, map_image)
    return figures


def save_report(figures: SessionFigures, path: Path, map_image: MapImage | None = None) -> None:
    """Write the report of figures already counted (the summary card's)."""
    html = report_html(figures, map_image)
    scratch = path.with_name(f".{path.name}.part")
    try:
        scratch.write_text(html, encoding="utf-8")
        os.replace(scratch, path)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise


__all__ = [
    "REPORT_SUFFIXES",
    "MapImage",
    "ReportError",
    "SessionFigures",
    "check_report_path",
    "save_report",
    "session_figures",
    "write_report",
]
