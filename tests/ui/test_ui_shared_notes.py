"""A shared library in the detail pane: a colleague's highlights name their author, their notes follow
the user's own under their name, rendered by the same safe Markdown renderer (hostile text is text)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_support import open_window

from readerapp import Library
from readerapp.ui import theme
from readerapp.ui.detail_html import paper_html

HOSTILE = "**Careful** with table 3 <script>alert(1)</script> <img src=x onerror=alert(2)>"


@pytest.fixture
def shared(tmp_path: Path, sample_feed: Path) -> Iterator[tuple[Library, str]]:
    """Ada's library, where Bob (another Library on the same SQLite file) left a note and a highlight."""
    with (Library.open(tmp_path / "lib", user="ada", sync_on_start="never") as ada,
          Library.open(tmp_path / "lib", user="bob") as bob):  # fmt: skip
        ada.import_file(sample_feed)
        ident = ada.list_ids()[0]
        words = ada.get(ident).abstract.split()
        ada.set_note(ident, "my own *note*")
        ada.add_highlight(ident, " ".join(words[:2]), color="yellow")
        bob.set_note(ident, HOSTILE)
        bob.add_highlight(ident, " ".join(words[4:7]), comment="see eq. 2", color="blue")
        yield ada, ident


def test_the_pane_names_colleagues_under_the_users_note(shared: tuple[Library, str]) -> None:
    ada, ident = shared
    paper = ada.get(ident)
    assert paper.other_notes == [("bob", HOSTILE)]
    html = paper_html(paper, muted="#777", highlight="#ff0", me="ada")

    order = [html.index(part) for part in ("my own <em>note</em>", "Colleagues' notes", "<b>bob</b> wrote:")]
    assert order == sorted(order)
    assert "<strong>Careful</strong>" in html
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert html.count("— bob") == 1 and "— ada" not in html  # only the colleague's highlight is signed


def test_one_reader_alone_sees_no_names(shared: tuple[Library, str]) -> None:
    ada, ident = shared
    paper = ada.get(ident)
    alone = paper_html(paper, muted="#777", highlight="#ff0")
    assert "— " not in alone.split("<h4>Highlights</h4>")[1].split("<h4>")[0]


def test_the_window_shows_the_colleagues_note(qtbot: QtBot, qapp: QApplication,
                                               shared: tuple[Library, str]) -> None:
    ada, ident = shared
    theme.apply(qapp, "light")
    session = open_window(qtbot, ada)
    try:
        qtbot.waitUntil(lambda: session.window.detail_paper is not None
                        and session.window.detail_paper.id == ident)  # fmt: skip
        shown = session.window.detail.toPlainText()
        assert "my own note" in shown and "bob wrote:" in shown
        assert "<script>alert(1)</script>" in shown  # the hostile markup shows as the characters typed
        assert "— bob" in shown and "— ada" not in shown
    finally:
        session.close()
