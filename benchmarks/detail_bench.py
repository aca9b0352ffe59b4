"""Detail pane benchmark: how long the GUI thread spends showing a paper with a huge abstract.

Papers whose abstracts are far over what the store keeps (1 MB, cut to 64 KB by
``readerapp.cleaning``) are imported into a fresh library, in three shapes: one unbroken run of
letters (no place to break a line), words, and words with 200 highlights. Each is shown the way the
window shows it (``paper_html`` of ``Library.get`` into a ``QTextBrowser`` of the pane's size), timing
``setHtml`` plus the layout of the whole document (what its first paint needs). For comparison, each
stored abstract is also laid out whole, as the pane did before it laid out a bounded prefix.

Usage: ``python benchmarks/detail_bench.py [runs]`` (default 5). Offscreen Qt platform unless
``QT_QPA_PLATFORM`` says otherwise.
"""

from __future__ import annotations

import os
import random
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HUGE = 1024 * 1024


def abstracts() -> dict[str, str]:
    rng = random.Random(12)
    letters = string.ascii_lowercase
    words = " ".join("".join(rng.choices(letters, k=rng.randint(2, 11))) for _ in range(HUGE // 6))
    return {"2401.00001": "x" * HUGE, "2401.00002": words[:HUGE], "2401.00003": words[:HUGE]}


def time_html(browser: object, html: str, runs: int) -> list[tuple[float, float]]:
    """(wall, GUI-thread CPU) milliseconds per run: CPU is what the load of other processes leaves out."""
    from PySide6.QtWidgets import QApplication, QTextBrowser

    assert isinstance(browser, QTextBrowser)
    times = []
    for _ in range(runs):
        browser.setHtml("<p>-</p>")
        QApplication.processEvents()
        started, cpu = time.perf_counter(), time.thread_time()
        browser.setHtml(html)
        browser.document().size()  # lays the whole document out
        times.append(((time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000))
    return times


def main() -> int:
    from PySide6.QtWidgets import QApplication, QTextBrowser

    from readerapp import Library
    from readerapp.feeds.result import FetchResult
    from readerapp.records import PaperRecord
    from readerapp.sync import run_merge
    from readerapp.ui.annotation_html import ABSTRACT_ANCHOR, highlighted
    from readerapp.ui.detail_html import paper_html

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    app = QApplication([])
    browser = QTextBrowser()
    browser.resize(700, 900)  # the pane beside the list in a 1400-pixel window
    browser.show()
    app.processEvents()
    labels = {"2401.00001": "one unbroken run", "2401.00002": "words", "2401.00003": "words, 200 highlights"}
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder) / "lib") as lib:
        records = [PaperRecord("hf", f"Paper {i}", abstract=a, arxiv_id=i) for i, a in abstracts().items()]
        run_merge(lib.db, lib.user_id, "hf", "bench", lambda: FetchResult(records, "hf", "bench", 1))
        stored = lib.get("2401.00003").abstract
        for start in range(0, 60_000, 300):
            quote = stored[start : start + 40].strip()
            lib.add_highlight("2401.00003", quote, start=stored.index(quote, start))
        print(f"{runs} runs each; load average {os.getloadavg()[0]:.1f}")
        for paper_id, label in labels.items():
            paper = lib.get(paper_id)
            shown = time_html(browser, paper_html(paper, muted="#777", highlight="#ff0"), runs)
            wall, cpu = [w for w, _ in shown], [c for _, c in shown]
            whole = (
                f'<p style="white-space:pre-wrap"><a name="{ABSTRACT_ANCHOR}"></a>'
                f"{highlighted(paper.abstract, paper.highlights, '#ff0')}</p>"
            )
            before = time_html(browser, whole, 1)
            size = len(paper.abstract.encode()) // 1024
            print(
                f"{size} KB stored abstract, {label}: pane wall {min(wall):.1f} best / "
                f"{statistics.median(wall):.1f} median / {max(wall):.1f} max ms, CPU median "
                f"{statistics.median(cpu):.1f} ms; laid out whole (before) {before[0][0]:.0f} ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
