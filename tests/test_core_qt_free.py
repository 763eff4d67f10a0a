"""Core, sources and the headless collector must run without Qt installed or loaded.

Checked in a fresh interpreter: pytest-qt itself imports PySide6 into this one.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

_IMPORT_ALL = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    names = []
    for pkg_name in {packages!r}:
        pkg = importlib.import_module(pkg_name)
        names.append(pkg_name)
        for info in pkgutil.iter_modules(pkg.__path__, pkg_name + "."):
            importlib.import_module(info.name)
            names.append(info.name)
    for name in {modules!r}:
        importlib.import_module(name)
        names.append(name)
    qt = sorted(m for m in sys.modules if m == "PySide6" or m.startswith("PySide6."))
    print("imported", len(names), ",".join(names))
    print("qt", ",".join(qt) or "-")
    """
)


def _import_in_fresh_python(packages: list[str], modules: list[str]) -> tuple[list[str], str]:
    code = _IMPORT_ALL.format(packages=packages, modules=modules)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    imported_line, qt_line = result.stdout.strip().splitlines()[-2:]
    return imported_line.split(" ", 2)[2].split(","), qt_line.removeprefix("qt ")


def test_every_core_and_source_module_imports_without_pyside6() -> None:
    imported, qt = _import_in_fresh_python(
        ["geotweets_desktop.core", "geotweets_desktop.sources"], []
    )
    # The walk really found the modules (not an empty package by mistake).
    for expected in (
        "geotweets_desktop.core.terms",
        "geotweets_desktop.core.geolocate",
        "geotweets_desktop.core.gazetteer",
        "geotweets_desktop.core.payload",
        "geotweets_desktop.core.rules",
        "geotweets_desktop.core.store",
        "geotweets_desktop.core.live_stats",
        "geotweets_desktop.core.post",
        "geotweets_desktop.sources.base",
        "geotweets_desktop.sources.demo",
    ):
        assert expected in imported
    assert qt == "-", f"PySide6 was imported by core/sources: {qt}"


@pytest.mark.parametrize("module", ["geotweets_desktop.commands.collect", "geotweets_desktop.cli"])
def test_headless_collect_path_imports_without_pyside6(module: str) -> None:
    # `geotweets collect` is meant for servers without a display or Qt.
    _, qt = _import_in_fresh_python([], [module])
    assert qt == "-", f"PySide6 was imported by {module}: {qt}"
