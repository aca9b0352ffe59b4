"""A page is drawn pixel for pixel as MuPDF rendered it (issue 14): MuPDF rounds a page's pixels
outwards, and stretching a page one pixel wider than its place dropped a column of pixels mid-page, a
seam through the letters."""

from __future__ import annotations

from pathlib import Path

import pymupdf
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from readerapp.ui.pdf_view import POINT, PdfViewer
from tests.pdfs_samples import make_pdf


def _zoom_with_a_rounded_out_pixel(width: float) -> str:
    """A zoom at which MuPDF's page image is a pixel wider than the page's place on screen."""
    for step in range(1000, 1400):
        zoom = f"{step / 1000:.3f}"
        scale = float(zoom) * POINT
        if round(width * scale) < (pymupdf.Rect(0, 0, width, 10) * pymupdf.Matrix(scale, scale)).irect.width:
            return zoom
    raise AssertionError("no such zoom")


def test_a_page_is_painted_pixel_for_pixel(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(make_pdf(1))
    viewer = PdfViewer()
    qtbot.addWidget(viewer)
    viewer.resize(1100, 900)
    viewer.show()
    with qtbot.waitSignal(viewer.view.loaded, timeout=5000):
        viewer.open(path)
    view = viewer.view
    view.set_zoom(_zoom_with_a_rounded_out_pixel(595))
    scale = view.render_scale()
    qtbot.waitUntil(lambda: (c := view.cache.get(0)) is not None and c[0] == scale, timeout=5000)
    image = view.cache.get(0)[1]
    rect = view._page_rect(0)
    assert image.width() > round(rect.width())  # the case that seamed
    shown = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    left, top = round(rect.x()), round(rect.y())
    height = min(image.height(), shown.height() - top)
    painted = shown.copy(QRect(left, top, image.width(), height))
    expected = image.convertToFormat(QImage.Format.Format_RGB888).copy(QRect(0, 0, image.width(), height))
    assert painted == expected
    view.close_document()
