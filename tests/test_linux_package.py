"""The Linux archive and its install.sh, on a stand-in for the frozen app.

`make dist` packs the real one-folder build with the same script; CI unpacks
that archive and runs the app's self-check from it.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging" / "linux"
VERSION = "9.8.7"
ARCH = os.uname().machine


@pytest.fixture
def unpacked(tmp_path: Path) -> Path:
    """The archive made from a stand-in app, unpacked into a fresh folder."""
    app = tmp_path / "build" / "geotweets"
    (app / "_internal").mkdir(parents=True)
    (app / "_internal" / "data.txt").write_text("bundled data\n")
    program = app / "geotweets"
    program.write_text('#!/bin/sh\necho "stand-in geotweets $*"\n')
    program.chmod(0o755)
    png = tmp_path / "geotweets.png"
    png.write_bytes(b"\x89PNG stand-in")
    made = subprocess.run(
        [
            str(PACKAGING / "make_archive.sh"),
            str(app),
            str(ROOT / "resources" / "icons" / "geotweets.svg"),
            str(png),
            VERSION,
            str(tmp_path / "dist"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    archive = Path(made.stdout.strip())
    assert archive == tmp_path / "dist" / f"geotweets-{VERSION}-linux-{ARCH}.tar.gz"
    into = tmp_path / "downloads"
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="tar")
    return into / f"geotweets-{VERSION}-linux-{ARCH}"


def _install(folder: Path, home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {"PATH": os.environ["PATH"], "HOME": str(home), **env}
    return subprocess.run(
        [str(folder / "install.sh"), *args], capture_output=True, text=True, env=environ
    )


def _entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_the_archive_holds_the_app_its_menu_entry_icon_and_install_note(unpacked: Path) -> None:
    names = sorted(p.name for p in unpacked.iterdir())
    assert names == [
        "INSTALL.txt",
        "geotweets",
        "geotweets.desktop",
        "geotweets.png",
        "geotweets.svg",
        "install.sh",
    ]
    assert os.access(unpacked / "geotweets" / "geotweets", os.X_OK)
    assert (unpacked / "geotweets" / "_internal" / "data.txt").is_file()
    note = (unpacked / "INSTALL.txt").read_text()
    assert f"GeoTweets Desktop {VERSION} for Linux ({ARCH})" in note
    assert "./install.sh --user" in note
    entry = _entry(unpacked / "geotweets.desktop")
    assert entry["Type"] == "Application"
    assert entry["Icon"] == "geotweets"


def test_install_puts_the_app_in_the_users_menu_and_uninstall_removes_it(
    unpacked: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home with space"
    sessions = home / ".local" / "share" / "GeoTweets" / "sessions.db"
    sessions.parent.mkdir(parents=True)
    sessions.write_text("the user's sessions")

    done = _install(unpacked, home, "--user")
    assert done.returncode == 0, done.stderr
    data = home / ".local" / "share"
    app = data / "geotweets-desktop" / "geotweets"
    assert f"GeoTweets installed in {app.parent}" in done.stdout
    entry = _entry(data / "applications" / "geotweets.desktop")
    assert entry["Exec"] == f'"{app}"'  # quoted: the path has a space
    assert entry["TryExec"] == str(app)
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "geotweets.svg").is_file()
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / "geotweets.png").is_file()
    link = home / ".local" / "bin" / "geotweets"
    ran = subprocess.run([str(link), "--self-check"], capture_output=True, text=True, check=True)
    assert ran.stdout == "stand-in geotweets --self-check\n"

    # Installing again updates in place.
    again = _install(unpacked, home, "--user")
    assert again.returncode == 0, again.stderr
    assert (app.parent / "_internal" / "data.txt").is_file()

    gone = _install(unpacked, home, "--user", "--uninstall")
    assert gone.returncode == 0, gone.stderr
    assert not app.parent.exists()
    assert not (data / "applications" / "geotweets.desktop").exists()
    assert not link.exists() and not link.is_symlink()
    assert sessions.read_text() == "the user's sessions"


def test_install_follows_xdg_data_home(unpacked: Path, tmp_path: Path) -> None:
    home, data = tmp_path / "home", tmp_path / "xdg data"
    done = _install(unpacked, home, "--user", XDG_DATA_HOME=str(data))
    assert done.returncode == 0, done.stderr
    assert (data / "applications" / "geotweets.desktop").is_file()
    assert (data / "geotweets-desktop" / "geotweets").is_file()
    assert not (home / ".local" / "share").exists()


@pytest.mark.parametrize("args", [(), ("--system",), ("--user", "--typo")])
def test_install_without_user_or_with_an_unknown_option_changes_nothing(
    unpacked: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    home = tmp_path / "home"
    done = _install(unpacked, home, *args)
    assert done.returncode == 2
    assert done.stderr.strip().endswith(
        "usage: " + str(unpacked / "install.sh") + " --user [--uninstall]"
    )
    assert not home.exists()
