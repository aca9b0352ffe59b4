"""Render the app icon's PNG sizes from its SVG, the one source (run after editing the SVG; commit both).

``python packaging/render_icons.py`` writes ``resources/icons/hicolor/NxN/apps/readerapp.png``: the
freedesktop icon theme layout, so a desktop installs the folder as it is and finds ``Icon=readerapp``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HICOLOR = Path(__file__).resolve().parent.parent / "resources" / "icons" / "hicolor"
SOURCE = HICOLOR / "scalable" / "apps" / "readerapp.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    """Where the ``size`` pixel icon lives in the icon theme layout."""
    return HICOLOR / f"{size}x{size}" / "apps" / "readerapp.png"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The icon at ``size`` pixels square, on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication(sys.argv[:1])  # QPainter needs one, alive while painting
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"render_icons: {SOURCE} is not a valid SVG", file=sys.stderr)
        return 1
    for size in SIZES:
        target = png_path(size)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(renderer, size).save(str(target)):
            print(f"render_icons: cannot write {target}", file=sys.stderr)
            return 1
        print(target.relative_to(HICOLOR.parents[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
