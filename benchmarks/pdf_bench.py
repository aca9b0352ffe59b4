"""PDF benchmark: time to page 1 in the viewer, blank pages while scrolling, render and text extraction
time per page, and what 200 highlights on a page cost (drawn by the viewer, and as annotations in the
file), on a generated 30-page paper-like PDF (two columns of text and a figure per page).

Usage: ``python benchmarks/pdf_bench.py`` (offscreen Qt by default; ``xvfb-run -a`` works too);
``xvfb-run -a python benchmarks/pdf_bench.py --app-screenshot OUT.png`` takes the README's screenshot
instead: the real app (``readerapp gui``) in reading mode, ``o`` pressed on the first paper.
Each "open" runs in a fresh viewer; the first one in the process also pays ``import pymupdf``.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


def two_hundred_highlights(path: Path) -> list:
    """200 highlights of page 1, each over one to three words, as the library hands them out."""
    from datetime import UTC, datetime

    from readerapp.paper import HighlightView
    from readerapp.pdfs.annotations import page_words, span_quads

    words = page_words(path, 1)
    marks = []
    for n in range(200):
        span = words[(n * 3) % (len(words) - 3) :][: 1 + n % 3]
        marks.append(HighlightView(n + 1, "pdf", 0, 0, " ".join(w.text for w in span), "yellow", None,
                                   datetime.now(UTC), True, "me", 1, span_quads(span)))  # fmt: skip
    return marks


def highlight_cost(app: QApplication, path: Path, repeats: int = 300) -> tuple[float, float, float, float]:
    """Per page, in ms: the viewer's paint of page 1 without and with 200 highlights drawn over it
    (the fastest of ``repeats`` synchronous repaints of each, alternated: on a shared machine the
    fastest is the one nothing else interrupted), and MuPDF's render at 150 dpi of
    page 1 without and with 200 highlight annotations written into the file (what another reader
    renders, and the viewer for a PDF annotated elsewhere)."""
    import pymupdf

    from readerapp.pdfs.annotations import write_annotated
    from readerapp.records import PdfMark

    marks = two_hundred_highlights(path)
    viewer = _ready_viewer(app, path)
    view = viewer.view
    wait_until(app, lambda: view.cache.get(0) is not None and view.cache.get(0)[0] == view.render_scale())

    def paint_ms(shown: list) -> float:
        view.marks.set_marks(shown)
        start = time.perf_counter()
        view.viewport().repaint()
        return (time.perf_counter() - start) * 1000

    pairs = [(paint_ms([]), paint_ms(marks)) for _ in range(repeats)]  # alternated: the noise falls on both
    bare, marked = (min(side) for side in zip(*pairs, strict=True))  # the least disturbed of each
    view.close_document()
    viewer.deleteLater()
    app.processEvents()
    annotated = path.with_name("annotated.pdf")
    write_annotated(path, annotated, [(m.id, PdfMark(1, "highlight", m.quads, m.text)) for m in marks])

    def render_ms(file: Path) -> float:
        with pymupdf.open(file) as doc:
            times = []
            for _ in range(20):
                start = time.perf_counter()
                doc[0].get_pixmap(matrix=pymupdf.Matrix(150 / 72, 150 / 72), alpha=False)
                times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    return bare, marked, render_ms(path), render_ms(annotated)


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


@contextmanager
def demo_library(folder: Path) -> Iterator[tuple[Path, list[str]]]:
    """The bundled sample day in ``folder`` with the first papers' PDFs (generated with their titles,
    fetched through a loopback server, as the app would) and a note on the first."""
    import http.server
    import threading

    from readerapp import Library
    from readerapp.resources import sample_feed_path

    bodies: dict[str, bytes] = {}

    class Serve(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = bodies[self.path.removeprefix("/pdf/")]
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Serve)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/pdf/{{id}}"
    try:
        with Library.open(folder, sync_on_start="never", pdf_url=url, arxiv_delay=0) as library:
            library.import_file(sample_feed_path())
            papers = library.list(state="inbox", limit=3)
            bodies.update({p.id: make_pdf(12, title=p.title[:70]) for p in papers})
            assert library.fetch_pdfs([p.id for p in papers]).ok
            note = "Read section 3 first.\nCompare the head ranking with last week's."
            library.set_note(papers[0].id, note)
            yield folder, [p.id for p in papers]
    finally:
        server.shutdown()


def app_screenshot(target: Path) -> int:
    """The real app (``readerapp gui``) in reading mode: ``o`` pressed on the first paper of the inbox."""
    from PySide6.QtTest import QTest

    from readerapp.ui import app as ui_app
    from readerapp.ui.pdf_view import PdfView
    from tests.ui.xvfb_drive import loaded, main_window, when

    os.environ["READERAPP_SYNC_ON_START"] = "never"  # the app reads its settings itself: no network
    with tempfile.TemporaryDirectory() as tmp, demo_library(Path(tmp) / "lib") as (folder, _ids):
        QApplication([sys.argv[0]])

        def read() -> None:
            window = main_window()
            assert window is not None
            QTest.keyClick(window.table, "o")
            view = window.findChild(PdfView)

            def grab() -> None:
                window.grab().save(str(target))
                window.close()

            def painted() -> bool:
                pages = view.visible_pages() if view is not None and view.ready else []
                return bool(pages) and all(view.cache.get(p) is not None for p in pages)

            when(painted, lambda: QTimer.singleShot(300, grab))

        when(loaded, read)
        code = ui_app.run(folder)
    print(f"screenshot: {target}")
    return code


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--app-screenshot":
        sys.exit(app_screenshot(Path(sys.argv[2])))
    app = QApplication.instance() or QApplication(sys.argv)
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
        bare, marked, plain_render, annotated_render = highlight_cost(app, path)
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
    print(f"- page 1 with 200 highlights: viewer paint {bare:.2f} ms bare, {marked:.2f} ms with them drawn "
          f"(+{marked - bare:.2f} ms, {100 * (marked - bare) / render:.0f}% of a page's render); "
          f"MuPDF render at 150 dpi {plain_render:.1f} ms bare, {annotated_render:.1f} ms with 200 "
          f"annotations in the file ({100 * (annotated_render / plain_render - 1):+.0f}%)")


if __name__ == "__main__":
    main()
