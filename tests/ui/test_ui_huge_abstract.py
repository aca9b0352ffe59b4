"""A huge abstract never freezes the detail pane (issue 12, finding 6): the store keeps 64 KB of it and
the pane lays out a bounded prefix, where the keys still select and highlight at the right offsets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from ui_support import keys, open_window

from readerapp import Library
from readerapp.feeds.result import FetchResult
from readerapp.records import PaperRecord
from readerapp.sync import run_merge
from readerapp.ui.app import Session

PAPER = "2401.00001"


@pytest.fixture
def huge(tmp_path: Path) -> Iterator[Library]:
    """A library of one paper whose abstract came as 1 MB without a single space, highlighted twice:
    near its start, and far past what the pane shows."""
    with Library.open(tmp_path / "lib", sync_on_start="never") as lib:
        abstract = "".join(f"{n:07d}" for n in range(150_000))  # 1 MB of digits, no place to break
        record = PaperRecord("hf", "A paper with a huge abstract", abstract=abstract, arxiv_id=PAPER)
        run_merge(lib.db, lib.user_id, "hf", "w", lambda: FetchResult([record], "hf", "w", 1))
        lib.add_highlight(PAPER, abstract[21:28], start=21)
        lib.add_highlight(PAPER, abstract[63_000:63_007], start=63_000)  # stored, but not laid out
        yield lib


@pytest.fixture
def session(qtbot: QtBot, huge: Library) -> Iterator[Session]:
    opened = open_window(qtbot, huge)
    yield opened
    opened.close()


def test_the_pane_lays_out_a_bounded_part_of_a_huge_abstract(
    qtbot: QtBot, session: Session, huge: Library
) -> None:
    w, reader = session.window, session.actions.reader
    qtbot.waitUntil(lambda: w.detail_paper is not None and w.detail_paper.id == PAPER)
    stored = huge.get(PAPER).abstract
    assert stored.endswith("[... cut: 1 MB abstract, first 64 KB kept]")

    document = w.detail.document()
    assert document.characterCount() < 8000  # not the 64 KB stored
    text = w.detail.toPlainText()
    assert "58 KB more of this abstract is not shown here" in text
    start = reader.abstract_start
    assert start is not None
    assert text[start : start + 5000] == stored[:5000]

    keys(qtbot, w.table, "Return")  # into the pane: keys select in the shown part, at true offsets
    keys(qtbot, w.detail, *["Shift+Right"] * 14)
    selection = reader.selection()
    assert selection is not None and (selection.start, selection.quote) == (0, stored[:14])
    keys(qtbot, w.detail, "Ctrl+End", "Shift+Left")
    assert reader.selection() is None  # past the shown part there is no abstract to quote

    keys(qtbot, w.detail, "]", "]")  # the highlight past the shown part is chosen in the list below
    chosen = reader.chosen_highlight()
    assert chosen is not None and chosen.start == 63_000
    assert w.detail.textCursor().position() > text.index("more of this abstract is not shown")
