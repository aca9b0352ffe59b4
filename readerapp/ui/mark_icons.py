"""The paper list's marks as icons: the SVGs in ``resources/marks``, rendered once per size.

A font glyph for a mark depends on the fonts installed (U+2398 for a PDF was an empty box with the stock
fonts); an SVG that ships with the app looks the same everywhere, in both themes. Each icon is rendered
to a pixmap at the screen's pixel ratio the first time a size is drawn, then painted from the cache.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from readerapp.resources import mark_icon_path


class MarkIcons:
    """Pixmaps of the mark icons by (name, size in pixels, device pixel ratio)."""

    def __init__(self) -> None:
        self._renderers: dict[str, QSvgRenderer] = {}
        self._pixmaps: dict[tuple[str, int, float], QPixmap] = {}

    def renderer(self, name: str) -> QSvgRenderer:
        renderer = self._renderers.get(name)
        if renderer is None:
            renderer = QSvgRenderer(str(mark_icon_path(name)))
            if not renderer.isValid():
                raise ValueError(f"the mark icon {mark_icon_path(name)} cannot be read")
            self._renderers[name] = renderer
        return renderer

    def pixmap(self, name: str, size: int, ratio: float = 1.0) -> QPixmap:
        key = (name, size, ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            side = max(1, round(size * ratio))
            pixmap = QPixmap(side, side)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.renderer(name).render(painter, QRectF(0, 0, side, side))
            painter.end()
            pixmap.setDevicePixelRatio(ratio)
            self._pixmaps[key] = pixmap
        return pixmap
