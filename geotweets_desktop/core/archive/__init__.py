"""Archives of posts collected earlier (X API v2 and v1.1, twarc2; plain or gzip), read as Posts.

`ArchiveReader(path).posts()` is the entry point; see `reader.py`.
"""

from geotweets_desktop.core.archive.reader import (
    FORMAT_NAMES,
    MAX_KEPT_PROBLEMS,
    ArchiveReader,
    Problem,
)

__all__ = ["FORMAT_NAMES", "MAX_KEPT_PROBLEMS", "ArchiveReader", "Problem"]
