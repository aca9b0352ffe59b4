"""Similar papers and citing from the app (issue 14 item 6): ``m`` lists the current paper's neighbours
with why, ``y b`` / ``y k`` / ``y l`` put its BibTeX entry, citation key and link on the clipboard."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_support import keys, palette_line, settle

from readerapp import Library
from readerapp.export.scope import Scope
from readerapp.ui.app import Session


def _clipboard_becomes(qtbot: QtBot, before: str = "") -> str:
    clipboard = QApplication.clipboard()
    qtbot.waitUntil(lambda: clipboard.text() not in ("", before), timeout=5000)
    return clipboard.text()


def test_m_lists_the_papers_like_the_current_one_with_the_words_they_share(
        qtbot: QtBot, session: Session, library: Library) -> None:
    w = session.window
    first = w.current_paper()
    assert first is not None
    expected = [hit.id for hit in library.similar(first.id, limit=50)]
    assert expected and first.id not in expected
    with qtbot.waitSignal(w.view_loaded, timeout=10000):
        keys(qtbot, w.table, "m")
    assert w.view.key == f"similar:{first.id}" and w.model.ids == expected
    assert w.windowTitle().startswith(f"Similar to: {first.id}")
    qtbot.waitUntil(lambda: w.detail.toPlainText().startswith("Similar because of: "), timeout=5000)
    shared = w.detail.toPlainText().splitlines()[0].removeprefix("Similar because of: ").split(", ")
    assert shared and set(shared) <= set(library.similar(first.id, limit=50)[0].reasons)
    keys(qtbot, w.table, "g", "i")  # and back
    qtbot.waitUntil(lambda: w.view.key == "inbox" and first.id in w.model.ids)


def test_y_b_copies_the_bibtex_entry_that_the_export_writes_and_y_k_its_key(
        qtbot: QtBot, session: Session, library: Library, tmp_path: Path) -> None:
    w = session.window
    paper = w.current_paper()
    assert paper is not None
    QApplication.clipboard().setText("")
    keys(qtbot, w.table, "y", "b")
    entry_text = _clipboard_becomes(qtbot)
    parsed = bibtexparser.parse_string(entry_text)
    assert not parsed.failed_blocks and len(parsed.entries) == 1
    entry = parsed.entries[0]
    assert entry["eprint"] == paper.arxiv_id
    assert entry["title"].replace("{", "").replace("}", "") == paper.title
    assert w.statusBar().currentMessage().startswith("Copied the BibTeX entry: @")
    exported = library.export(Scope.ids([paper.id]), "bibtex", tmp_path / "one.bib")
    assert exported.path.read_text().strip() == entry_text.strip()
    keys(qtbot, w.table, "y", "k")
    assert _clipboard_becomes(qtbot, entry_text) == entry.key


def test_copy_link_through_the_palette_copies_the_arxiv_page(
        qtbot: QtBot, session: Session, library: Library) -> None:
    paper = session.window.current_paper()
    assert paper is not None
    QApplication.clipboard().setText("")
    palette_line(qtbot, session, "copy-link")
    assert _clipboard_becomes(qtbot) == f"https://arxiv.org/abs/{paper.arxiv_id}"
    settle(qtbot, session)
