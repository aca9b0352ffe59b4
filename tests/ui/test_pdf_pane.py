"""Reading side by side over a real library: fetch from a slow loopback server while the GUI keeps
ticking, open the PDF beside the paper, remember the position, toggle PDF-only, compare two PDFs."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from werkzeug import Request, Response

from readerapp import Library
from readerapp.pdfs.position import PdfPosition
from readerapp.ui.pdf_pane import ReadingPane
from readerapp.ui.workers import Workers
from tests.pdfs_samples import make_pdf

FIRST, SECOND = "2509.00001", "2509.00002"
HOSTILE_TITLE = "<script>alert('x')</script> <b>not bold</b>"


@pytest.fixture
def library(tmp_path: Path, httpserver: HTTPServer) -> Iterator[Library]:
    items = [
        {"paper": {"id": FIRST, "title": HOSTILE_TITLE, "summary": "An abstract.",
                   "authors": [{"name": "Ada Lovelace"}], "publishedAt": "2025-09-15T17:59:00.000Z"}},
        {"paper": {"id": SECOND, "title": "A second paper", "summary": "Another abstract.",
                   "authors": [{"name": "Alan Turing"}], "publishedAt": "2025-09-15T17:59:00.000Z"}},
    ]
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(items), "utf-8")
    url = httpserver.url_for("/").rstrip("/") + "/pdf/{id}"
    with Library.open(tmp_path / "lib", pdf_url=url, sync_on_start="never") as lib:
        lib.import_file(feed)
        yield lib


@pytest.fixture
def pane(qtbot: QtBot, library: Library) -> Iterator[ReadingPane]:
    workers = Workers()
    widget = ReadingPane(library, workers)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    yield widget
    widget.close_documents()
    workers.shutdown()


def test_fetch_from_a_slow_server_keeps_the_gui_ticking_then_reads_side_by_side(
    pane: ReadingPane, qtbot: QtBot, httpserver: HTTPServer, library: Library
) -> None:
    release = threading.Event()

    def slow(_request: Request) -> Response:
        release.wait(5)
        return Response(make_pdf(12), content_type="application/pdf")

    httpserver.expect_request(f"/pdf/{FIRST}").respond_with_handler(slow)
    pane.open_paper(FIRST)
    qtbot.waitUntil(lambda: pane.primary.message.isVisible())
    assert "press p to fetch" in pane.primary.message.text()
    qtbot.waitUntil(lambda: HOSTILE_TITLE in pane.paper.toPlainText())  # feed text is shown as text

    ticks: list[float] = []
    timer = QTimer(interval=10, timeout=lambda: ticks.append(time.perf_counter()))
    timer.start()
    with qtbot.waitSignal(pane.fetched, timeout=10_000) as fetched:
        pane.fetch([FIRST])
        QTimer.singleShot(600, release.set)
    timer.stop()
    assert fetched.args[0].ok
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 30 and max(gaps) < 0.25  # the GUI kept running while the download waited

    view = pane.primary.viewer.view
    qtbot.waitUntil(lambda: view.ready and view.page_count == 12, timeout=5000)
    assert pane.side_by_side and pane.primary.viewer.isVisible()
    view.setFocus()
    qtbot.keyClicks(view, "5G")
    assert view.current_page() == 4
    qtbot.waitUntil(lambda: (library.reading_position(FIRST) or PdfPosition()).page == 4, timeout=5000)

    pane.toggle_layout()
    assert not pane.side_by_side and not pane.paper.isVisible()
    pane.toggle_layout()
    assert pane.side_by_side


def test_reopening_a_paper_resumes_where_the_reader_stopped(
    pane: ReadingPane, qtbot: QtBot, httpserver: HTTPServer, library: Library
) -> None:
    httpserver.expect_request(f"/pdf/{SECOND}").respond_with_data(make_pdf(9), content_type="application/pdf")
    assert library.fetch_pdfs([SECOND]).ok
    library.save_reading_position(SECOND, PdfPosition(6, 0.25, "page"))
    with qtbot.waitSignal(pane.primary.viewer.view.loaded, timeout=5000):
        pane.open_paper(SECOND)
    view = pane.primary.viewer.view
    assert view.current_page() == 6 and view.zoom == "page"
    qtbot.waitUntil(lambda: "A second paper" in pane.paper.toPlainText())


def test_two_pdfs_side_by_side_to_compare(
    pane: ReadingPane, qtbot: QtBot, httpserver: HTTPServer, library: Library
) -> None:
    for paper_id, pages in ((FIRST, 3), (SECOND, 5)):
        httpserver.expect_request(f"/pdf/{paper_id}").respond_with_data(
            make_pdf(pages), content_type="application/pdf"
        )
    assert library.fetch_pdfs([FIRST, SECOND]).ok
    with qtbot.waitSignal(pane.primary.viewer.view.loaded, timeout=5000):
        pane.open_paper(FIRST)
    pane.compare(SECOND)
    assert pane.second is not None
    second = pane.second
    qtbot.waitUntil(lambda: second.viewer.view.page_count == 5, timeout=5000)
    assert pane.primary.viewer.view.page_count == 3
    pane.close_compare()
    assert pane.second is None


def test_a_fetch_that_fails_as_a_whole_says_why(pane: ReadingPane, qtbot: QtBot) -> None:
    with qtbot.waitSignal(pane.fetch_failed, timeout=5000) as failed:
        pane.fetch(["2501.99999"])
    assert failed.args == ["no paper '2501.99999' in the library"]
