"""Render the app icon (resources/icons/geotweets.svg) into the formats packages need.

    python packaging/icons.py OUT_DIR

writes OUT_DIR/geotweets.png (256 px: Linux menus), geotweets.ico (Windows)
and geotweets.icns (macOS), with Qt's own SVG renderer and image writers, so
no bitmap is kept in the repository and the icons always match the SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SVG = Path(__file__).resolve().parent.parent / "resources" / "icons" / "geotweets.svg"
# (file name, Qt image format, size in pixels)
OUTPUTS = [
    ("geotweets.png", "png", 256),
    ("geotweets.ico", "ico", 256),
    ("geotweets.icns", "icns", 1024),
]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication([])  # image format plugins load through the application
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"cannot read {SVG}", file=sys.stderr)
        return 1
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, fmt, size in OUTPUTS:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        writer = QImageWriter(str(out / name), fmt.encode())
        if not writer.write(image):
            print(f"cannot write {out / name}: {writer.errorString()}", file=sys.stderr)
            return 1
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
