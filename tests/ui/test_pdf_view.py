"""The PDF viewer driven by keys only: open, scroll, jump, zoom, find, remember the position."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from readerapp.pdfs.position import PdfPosition
from readerapp.ui.pdf_view import LINE, PdfViewer
from tests.pdfs_samples import PDF_ONLY_WORD, make_pdf

PAGES = 30


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "paper.pdf"
    path.write_bytes(make_pdf(PAGES))
    return path


@pytest.fixture
def viewer(qtbot: QtBot, pdf_file: Path) -> Iterator[PdfViewer]:
    widget = PdfViewer()
    qtbot.addWidget(widget)
    widget.resize(700, 800)
    widget.show()
    with qtbot.waitSignal(widget.view.loaded, timeout=5000):
        widget.open(pdf_file)
    widget.view.setFocus()
    qtbot.waitUntil(lambda: 0 in _cached(widget))
    yield widget
    widget.view.close_document()


def _cached(viewer: PdfViewer) -> set[int]:
    scale = viewer.view.render_scale()
    return {p for p in range(viewer.view.page_count) if (c := viewer.view.cache.get(p)) and c[0] == scale}


def _keys(qtbot: QtBot, viewer: PdfViewer, *keys: str) -> None:
    for key in keys:
        if key == "Space":
            qtbot.keyClick(viewer.view, Qt.Key.Key_Space)
        elif key == "Shift+Space":
            qtbot.keyClick(viewer.view, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
        elif key == "Escape":
            qtbot.keyClick(viewer.view, Qt.Key.Key_Escape)
        else:
            qtbot.keyClicks(viewer.view, key)


def test_opens_on_page_one_and_renders_ahead(viewer: PdfViewer, qtbot: QtBot) -> None:
    view = viewer.view
    assert view.page_count == PAGES and view.current_page() == 0
    assert view.zoom == "width"
    qtbot.waitUntil(lambda: {0, 1, 2} <= _cached(viewer))  # the visible page and the next ones ahead
    assert viewer.status.text().startswith("Page 1 / 30")


def test_keys_scroll_and_jump(viewer: PdfViewer, qtbot: QtBot) -> None:
    view = viewer.view
    bar = view.verticalScrollBar()
    start = bar.value()
    _keys(qtbot, viewer, "j", "j")
    assert bar.value() == start + 2 * LINE
    _keys(qtbot, viewer, "k")
    assert bar.value() == start + LINE
    before = bar.value()
    _keys(qtbot, viewer, "Space")
    assert bar.value() - before == view.viewport().height() - LINE
    _keys(qtbot, viewer, "Shift+Space")
    assert bar.value() == before
    _keys(qtbot, viewer, "G")
    assert view.current_page() == PAGES - 1 and bar.value() == bar.maximum()
    _keys(qtbot, viewer, "g", "g")
    assert bar.value() == start and view.current_page() == 0
    _keys(qtbot, viewer, "1", "2", "G")
    assert view.current_page() == 11
    _keys(qtbot, viewer, "3", "g", "g")
    assert view.current_page() == 2
    _keys(qtbot, viewer, "J", "J")
    assert view.current_page() == 4
    _keys(qtbot, viewer, "K")
    assert view.current_page() == 3
    assert viewer.status.text().startswith("Page 4 / 30")
    qtbot.waitUntil(lambda: {3, 4, 5} <= _cached(viewer))


def test_zoom_keys_keep_the_page_in_view(viewer: PdfViewer, qtbot: QtBot) -> None:
    view = viewer.view
    _keys(qtbot, viewer, "5", "G")
    width_scale = view.scale
    _keys(qtbot, viewer, "+")
    assert view.scale == pytest.approx(width_scale * 1.2, rel=1e-3)
    assert view.current_page() == 4
    _keys(qtbot, viewer, "f")
    assert view.zoom == "page" and view.scale < width_scale
    _keys(qtbot, viewer, "=")
    assert view.zoom == "1" and "100%" in viewer.status.text()
    _keys(qtbot, viewer, "w")
    assert view.zoom == "width" and view.scale == pytest.approx(width_scale)
    assert view.current_page() == 4
    qtbot.waitUntil(lambda: 4 in _cached(viewer))


def test_find_marks_hits_and_moves_to_them(viewer: PdfViewer, qtbot: QtBot) -> None:
    view = viewer.view
    _keys(qtbot, viewer, "/")
    assert viewer.find_field.hasFocus()
    qtbot.keyClicks(viewer.find_field, PDF_ONLY_WORD)
    with qtbot.waitSignal(view.state_changed, check_params_cb=lambda *a: bool(view.hits), timeout=5000):
        qtbot.keyClick(viewer.find_field, Qt.Key.Key_Return)
    assert [h.page for h in view.hits] == [PAGES - 1]
    assert view.current_page() == PAGES - 1 and view.hasFocus()
    assert "hit 1 / 1" in viewer.status.text()
    qtbot.waitUntil(lambda: PAGES - 1 in _cached(viewer))

    _keys(qtbot, viewer, "g", "g", "/")
    viewer.find_field.clear()
    qtbot.keyClicks(viewer.find_field, "heads")
    with qtbot.waitSignal(view.state_changed, check_params_cb=lambda *a: len(view.hits) > 1, timeout=5000):
        qtbot.keyClick(viewer.find_field, Qt.Key.Key_Return)
    assert len({h.page for h in view.hits}) == PAGES
    first = view.hit_index
    _keys(qtbot, viewer, "n")
    assert view.hit_index == first + 1
    _keys(qtbot, viewer, "N", "N")
    assert view.hit_index == (first - 1) % len(view.hits)
    _keys(qtbot, viewer, "Escape")
    assert view.hits == []


def test_position_is_reported_and_restored(viewer: PdfViewer, qtbot: QtBot, pdf_file: Path) -> None:
    view = viewer.view
    with qtbot.waitSignal(view.position_changed, timeout=3000) as saved:
        _keys(qtbot, viewer, "7", "G", "j")
    position = saved.args[0]
    assert position.page == 6 and 0 < position.offset < 1 and position.zoom == "width"

    with qtbot.waitSignal(view.loaded, timeout=5000):
        viewer.open(pdf_file, PdfPosition(17, 0.5, "1.25"))
    assert view.current_page() == 17 and view.zoom == "1.25"
    assert view.position().page == 17 and view.position().offset == pytest.approx(0.5, abs=0.01)


def test_a_file_that_is_not_a_pdf_shows_a_message(qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_text("<html>not a pdf</html>")
    widget = PdfViewer()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.view.failed, timeout=5000):
        widget.open(bad)
    assert widget.status.text() == "cannot open bad.pdf: an HTML page, not a PDF"
