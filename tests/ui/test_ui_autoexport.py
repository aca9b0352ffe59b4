"""Auto-export in the app: a key's write rewrites the collection's file; a file that cannot be written
shows a status line, and the write stands."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
from pytestqt.qtbot import QtBot
from ui_support import keys, palette_line, settle

from readerapp import Library
from readerapp.ui.app import Session


def _keywords(path: Path) -> str:
    (entry,) = bibtexparser.parse_string(path.read_text(encoding="utf-8")).entries
    return str(entry.fields_dict["keywords"].value) if "keywords" in entry.fields_dict else ""


def _tag_by_keys(qtbot: QtBot, session: Session, text: str) -> None:
    """``t``, a tag, Enter: a write from the app."""
    keys(qtbot, session.window.table, "t")
    qtbot.waitUntil(session.actions.tag_prompt.isVisible)
    qtbot.keyClicks(session.actions.tag_prompt.input, text)
    keys(qtbot, session.actions.tag_prompt.input, "Return")
    settle(qtbot, session)


def _chosen_in_thesis(session: Session, library: Library) -> str:
    """The paper chosen in the list, put in the collection "Thesis"."""
    paper = session.window.current_id()
    assert paper is not None
    library.add_to_collection("Thesis", [paper])
    return paper


def test_a_key_rewrites_the_auto_export_and_a_lost_folder_is_a_status_line(
    qtbot: QtBot, session: Session, library: Library, tmp_path: Path
) -> None:
    w = session.window
    paper = _chosen_in_thesis(session, library)
    folder = tmp_path / "thesis"
    folder.mkdir()
    out = folder / "refs.bib"
    library.autoexport("Thesis", "bibtex", out)

    _tag_by_keys(qtbot, session, "cited")
    qtbot.waitUntil(lambda: "cited" in _keywords(out), timeout=2000)

    folder.rename(tmp_path / "moved")
    _tag_by_keys(qtbot, session, "draft")
    qtbot.waitUntil(lambda: "auto-export of 'Thesis' not written" in w.statusBar().currentMessage())
    assert "draft" in library.get(paper).tags  # the write stood


def test_an_auto_export_is_set_up_and_stopped_from_the_palette(
    qtbot: QtBot, session: Session, library: Library, tmp_path: Path
) -> None:
    w = session.window
    _chosen_in_thesis(session, library)
    out = tmp_path / "refs.bib"
    palette_line(qtbot, session, f'autoexport Thesis bibtex "{out}"')
    wanted = [("Thesis", "bibtex")]
    qtbot.waitUntil(lambda: [(a.collection, a.format) for a in library.autoexports()] == wanted)
    qtbot.waitUntil(lambda: out.exists() and len(bibtexparser.parse_string(out.read_text()).entries) == 1)
    qtbot.waitUntil(lambda: "auto-exported" in w.statusBar().currentMessage())
    palette_line(qtbot, session, "autoexport Thesis docx somewhere.docx")  # refused in words
    qtbot.waitUntil(lambda: "unknown format 'docx'" in w.statusBar().currentMessage())
    palette_line(qtbot, session, "autoexport-off Thesis")
    qtbot.waitUntil(lambda: library.autoexports() == [])

