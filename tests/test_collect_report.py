"""`geotweets collect ... --report PATH.html`: the report of the session just
collected, with the store's numbers; a path it cannot use is one line, early."""

from __future__ import annotations

from pathlib import Path

import pytest
from archive_samples import MELBOURNE_BBOX, SYDNEY, v2_line, write_lines

from geotweets_desktop.cli import main
from geotweets_desktop.core.report import session_figures
from geotweets_desktop.core.store import SessionStore

# collect installs SIGINT/SIGTERM handlers and freezes the GC (see conftest.py).
pytestmark = pytest.mark.usefixtures("restore_process_state")

HOSTILE = "<img src=x onerror=alert(1)>"


def archive(tmp_path: Path) -> Path:
    return write_lines(
        tmp_path / "made-up.jsonl",
        [
            v2_line("1860000000000000001", f"rain {HOSTILE} #Flood", point=list(SYDNEY)),
            v2_line("1860000000000000002", "rain and #flood", bbox=MELBOURNE_BBOX),
            v2_line("1860000000000000003", "sun, no rain here", profile=None),
        ],
    )


def collect(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["collect", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_collect_writes_the_report_of_its_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, report = tmp_path / "out.db", tmp_path / "report.html"
    code, out, err = collect(
        "--replay", str(archive(tmp_path)), "--term", "rain", "--out", str(db),
        "--report", str(report), capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    assert out.strip().splitlines()[-1] == f"report -> {report}"
    page = report.read_text(encoding="utf-8")
    store = SessionStore(db)
    try:
        [info] = store.sessions()
    finally:
        store.close()
    figures = session_figures(db, info.id)
    assert (info.received, info.located) == (figures.received, figures.located) == (3, 2)
    assert "<dt>Posts received</dt><dd>3</dd>" in page
    assert '<td>#flood</td><td class="n">2</td>' in page
    assert HOSTILE not in page
    assert "<script" not in page


def test_collect_into_an_export_writes_the_report_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.html"
    code, _out, err = collect(
        "--replay", str(archive(tmp_path)), "--out", str(tmp_path / "out.csv"),
        "--report", str(report), capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "<dt>Posts received</dt><dd>3</dd>" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ("report.pdf", "geotweets collect: --report: report.pdf: a report is an .html file."),
        ("no/such/folder/r.html", "is not a folder that exists."),
    ],
)
def test_a_report_path_it_cannot_use_is_one_line_before_collecting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], report: str, message: str
) -> None:
    db = tmp_path / "out.db"
    code, out, err = collect(
        "--replay", str(archive(tmp_path)), "--out", str(db), "--report",
        str(tmp_path / report), capsys=capsys,
    )  # fmt: skip
    assert code == 2
    assert out == ""
    [line] = err.strip().splitlines()
    assert line.endswith(message)
    assert "Traceback" not in err
    assert not db.exists()  # nothing was collected


def test_help_names_the_report_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["collect", "--help"])
    collect_help = " ".join(capsys.readouterr().out.split())
    assert "--report PATH.html at the end, write the session's report" in collect_help
