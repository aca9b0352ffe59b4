"""PDF benchmark: time to page 1 in the viewer, blank pages while scrolling, render and text extraction
time per page, on a generated 30-page paper-like PDF (two columns of text and a figure per page).

Usage: ``python benchmarks/pdf_bench.py`` (offscreen Qt by default; ``xvfb-run -a`` works too);
``xvfb-run -a python benchmarks/pdf_bench.py --screenshot docs/screenshots/side-by-side.png`` takes
the README's screenshot of the side-by-side view instead.
Each "open" runs in a fresh viewer; the first one in the process also pays ``import pymupdf``.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from readerapp.ui.pdf_view import LINE, PdfViewer
from tests.pdfs_samples import make_pdf

PAGES = 30
OPENS = 7


def wait_until(app: QApplication, condition, timeout_ms: int = 10_000) -> None:
    clock = QElapsedTimer()
    clock.start()
    while not condition():
        if clock.elapsed() > timeout_ms:
            raise TimeoutError("the viewer did not get there in time")
        app.processEvents()
        time.sleep(0.0005)


def time_to_page_one(app: QApplication, path: Path) -> float:
    """Milliseconds from ``open()`` until page 1 is painted from its rendered image."""
    viewer = PdfViewer()
    viewer.resize(800, 1000)
    viewer.show()
    app.processEvents()
    shown: list[float] = []
    start = time.perf_counter()
    viewer.view.page_painted.connect(
        lambda page: shown.append(time.perf_counter()) if page == 0 and not shown else None
    )
    viewer.open(path)
    wait_until(app, lambda: bool(shown))
    elapsed = (shown[0] - start) * 1000
    viewer.view.close_document()
    viewer.deleteLater()
    app.processEvents()
    return elapsed


def _ready_viewer(app: QApplication, path: Path) -> PdfViewer:
    viewer = PdfViewer()
    viewer.resize(800, 1000)
    viewer.show()
    viewer.open(path)
    wait_until(app, lambda: viewer.view.ready and viewer.view.cache.get(0) is not None)
    return viewer


def drive(app: QApplication, path: Path, interval_ms: int, step) -> tuple[int, float]:
    """Call ``step(view)`` every ``interval_ms`` from a timer in a real event loop (as input arrives in
    the app) until the end of the PDF; returns (pages shown blank, seconds taken). Blank means no
    image at all for a page on screen (an older zoom's image stretched does not count)."""
    viewer = _ready_viewer(app, path)
    view = viewer.view
    blanks: set[int] = set()
    view.blank_painted.connect(blanks.add)
    bar = view.verticalScrollBar()
    loop = QEventLoop()
    timer = QTimer(interval=interval_ms)

    def tick() -> None:
        if bar.value() >= bar.maximum():
            loop.quit()
            return
        step(view)

    timer.timeout.connect(tick)
    start = time.perf_counter()
    timer.start()
    loop.exec()
    timer.stop()
    taken = time.perf_counter() - start
    view.close_document()
    viewer.deleteLater()
    app.processEvents()
    return len(blanks), taken


def smooth(pixels_per_second: float, frame_ms: int = 16):
    step = round(pixels_per_second * frame_ms / 1000)
    return frame_ms, lambda view: view.scroll_by(step)


def key(which: Qt.Key):
    from PySide6.QtTest import QTest

    return lambda view: QTest.keyClick(view, which)


def render_and_extract(path: Path) -> tuple[float, float, float]:
    """Per page, in ms: render at 150 dpi (what fit-width gives on a large screen), plain-text extraction,
    and the whole-document extraction the download path runs, divided by the page count."""
    import pymupdf

    from readerapp.pdfs.extract import extract_text

    with pymupdf.open(path) as doc:
        start = time.perf_counter()
        for page in doc:
            page.get_pixmap(matrix=pymupdf.Matrix(150 / 72, 150 / 72), alpha=False)
        render = (time.perf_counter() - start) * 1000 / doc.page_count
    start = time.perf_counter()
    text = extract_text(path)
    extract = (time.perf_counter() - start) * 1000 / PAGES
    return render, extract, len(text) / PAGES


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


def screenshot(app: QApplication, target: Path) -> None:
    """The side-by-side reading pane over the bundled sample day: the first paper's abstract and note
    beside its PDF (generated with the paper's title, fetched through a loopback server)."""
    import http.server
    import threading

    from readerapp import Library
    from readerapp.resources import sample_feed_path
    from readerapp.ui import theme
    from readerapp.ui.pdf_pane import ReadingPane
    from readerapp.ui.workers import Workers

    with tempfile.TemporaryDirectory() as tmp:
        library = Library.open(Path(tmp) / "lib", sync_on_start="never")
        library.import_file(sample_feed_path())
        paper = library.list(limit=1)[0]
        body = make_pdf(12, title=paper.title[:70])

        class Serve(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Serve)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        library = Library.open(
            Path(tmp) / "lib", pdf_url=f"http://127.0.0.1:{server.server_port}/pdf/{{id}}", arxiv_delay=0
        )
        assert library.fetch_pdfs([paper.id]).ok
        library.set_note(paper.id, "Read section 3 first.\nCompare the head ranking with last week's paper.")
        theme.apply(app, "light")
        workers = Workers()
        pane = ReadingPane(library, workers)
        pane.resize(1400, 860)
        pane.setSizes([520, 880])
        pane.show()
        pane.open_paper(paper.id)
        view = pane.primary.viewer.view
        wait_until(app, lambda: view.ready and "Abstract" in pane.paper.toPlainText())
        view.find("heads")
        wait_until(app, lambda: bool(view.hits))
        wait_until(app, lambda: all(view.cache.get(p) is not None for p in view.visible_pages()))
        app.processEvents()
        pane.grab().save(str(target))
        pane.close_documents()
        workers.shutdown()
        server.shutdown()
        library.close()
    print(f"screenshot: {target}")


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    if len(sys.argv) > 2 and sys.argv[1] == "--screenshot":
        screenshot(app, Path(sys.argv[2]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "paper.pdf"
        path.write_bytes(make_pdf(PAGES))
        size = path.stat().st_size
        opens = [time_to_page_one(app, path) for _ in range(OPENS)]
        first, warm = opens[0], opens[1:]
        render, extract, chars = render_and_extract(path)
        screen = 1000 - 2 * 12
        reading = drive(app, path, *smooth(screen / 2.0))  # a screen every 2 s
        fast = drive(app, path, *smooth(screen * 2.0))  # two screens a second
        space = drive(app, path, 500, key(Qt.Key.Key_Space))
        lines = drive(app, path, 60, key(Qt.Key.Key_J))
    print(f"# PDF benchmark, {time.strftime('%Y-%m-%d')}, {machine()}, QPA {app.platformName()}")
    print(f"- {PAGES}-page PDF ({size:,} bytes), window 800x1000")
    print(f"- open -> page 1 painted: first in process {first:.0f} ms (includes import pymupdf); "
          f"warm median {statistics.median(warm):.0f} ms, max {max(warm):.0f} ms")
    print(f"- render per page at 150 dpi: {render:.1f} ms; text extraction per page: {extract:.1f} ms "
          f"({chars:.0f} characters a page)")
    print(f"- smooth scroll at a screen per 2 s: {reading[0]} blank pages over {PAGES} ({reading[1]:.1f} s)")
    print(f"- smooth scroll at two screens per s: {fast[0]} blank pages over {PAGES} ({fast[1]:.1f} s)")
    print(f"- Space every 500 ms: {space[0]} blank pages ({space[1]:.1f} s); "
          f"j every 60 ms ({LINE} px): {lines[0]} blank pages ({lines[1]:.1f} s)")


if __name__ == "__main__":
    main()
