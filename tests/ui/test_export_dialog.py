"""The export dialog, driven by keys (scope, format, destination, live preview, export, errors), and
the app's collection commands and sidebar entries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import bibtexparser
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot
from ui_support import keys

from readerapp import Library
from readerapp.export.scope import Scope
from readerapp.interaction.views import View
from readerapp.ui.app import Session
from readerapp.ui.export_dialog import ExportDialog, scope_for_view
from readerapp.ui.workers import Workers


@pytest.fixture
def workers() -> Iterator[Workers]:
    pool = Workers()
    yield pool
    pool.shutdown()


@pytest.fixture
def dialog(qtbot: QtBot, library: Library, workers: Workers) -> ExportDialog:
    ids = library.list_ids()[:2]
    library.add_to_collection("Reading group", library.list_ids()[5:9])
    opened = ExportDialog(library, workers, selection=ids)
    qtbot.addWidget(opened)
    opened.show()
    return opened


def _choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Pick an item the way a keyboard user does: focus the box and press Down (or Up) until it shows."""
    combo.setFocus()
    wanted = combo.findText(text)
    assert wanted >= 0
    while combo.currentText() != text:
        qtbot.keyClick(combo, Qt.Key.Key_Down if wanted > combo.currentIndex() else Qt.Key.Key_Up)


def test_preview_follows_scope_and_format_and_export_writes_the_file(
    qtbot: QtBot, dialog: ExportDialog, library: Library, tmp_path: Path
) -> None:
    qtbot.waitUntil(lambda: dialog.preview.toPlainText().startswith("# 2 selected papers"))
    _choose(qtbot, dialog.format, "bibtex")
    qtbot.waitUntil(lambda: dialog.preview.toPlainText().startswith("@misc{"))
    assert dialog.destination.text().endswith(".bib")

    _choose(qtbot, dialog.scope_kind, "Collection or saved search")
    qtbot.waitUntil(lambda: dialog.scope_value.currentText() == "Reading group")
    qtbot.waitUntil(lambda: dialog.preview.toPlainText().count("@misc{") == 3)  # the first three papers

    target = tmp_path / "group.bib"
    dialog.destination.setFocus()
    dialog.destination.selectAll()
    qtbot.keyClicks(dialog.destination, str(target))
    with qtbot.waitSignal(dialog.exported, timeout=10_000) as signal:
        qtbot.keyClick(dialog.destination, Qt.Key.Key_Return)
    assert "exported 4 papers as bibtex" in signal.args[0]
    entries = bibtexparser.parse_string(target.read_text(encoding="utf-8")).entries
    assert [e["eprint"] for e in entries] == library.collection_ids("Reading group")
    assert dialog.result() == ExportDialog.DialogCode.Accepted


def test_a_missing_folder_is_made_and_an_unwritable_one_shows_an_error_and_keeps_the_dialog_open(
    qtbot: QtBot, library: Library, workers: Workers, tmp_path: Path
) -> None:
    (tmp_path / "a file").write_text("not a folder")
    blocked = ExportDialog(library, workers, scope=Scope.of("state", "inbox"))
    qtbot.addWidget(blocked)
    blocked.show()
    blocked.destination.setText(str(tmp_path / "a file" / "out.md"))
    qtbot.keyClick(blocked.destination, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "cannot make the folder" in blocked.message.text())
    assert blocked.message.text().count("\n") == 0 and str(tmp_path / "a file") in blocked.message.text()
    assert blocked.isVisible() and blocked.export_button.isEnabled()

    target = tmp_path / "new" / "deeper" / "out.md"
    blocked.destination.setText(str(target))
    with qtbot.waitSignal(blocked.exported, timeout=10_000):
        qtbot.keyClick(blocked.destination, Qt.Key.Key_Return)
    assert target.read_text(encoding="utf-8").count("\n## ") == len(library.list_ids(state="inbox"))


def test_the_preview_says_how_many_papers_the_export_writes_not_how_many_it_shows(
    qtbot: QtBot, library: Library, workers: Workers
) -> None:
    opened = ExportDialog(library, workers, scope=Scope.of("state", "inbox"))
    qtbot.addWidget(opened)
    inbox = len(library.list_ids(state="inbox"))
    assert inbox > 3
    qtbot.waitUntil(lambda: opened.preview.toPlainText().startswith("# State: inbox"))
    assert f": {inbox} papers." in opened.preview.toPlainText()  # the header counts the whole export
    assert opened.preview.toPlainText().count("\n## ") == 3
    assert opened.preview_label.text() == f"Preview — will write {inbox} papers: the first 3 shown"
    _choose(qtbot, opened.format, "html")
    qtbot.waitUntil(lambda: f"{inbox} papers.</p>" in opened.preview.toPlainText())


def test_every_field_has_a_label_that_reaches_it_with_no_literal_ampersand(
    qtbot: QtBot, dialog: ExportDialog
) -> None:
    labels = [label for label in dialog.findChildren(QLabel) if label.text().startswith("&")]
    assert {label.text() for label in labels} == {"&Scope", "&Which", "&Format", "&Destination"}
    assert all(label.buddy() is not None for label in labels)  # else Qt shows the & itself
    assert next(lb for lb in labels if lb.text() == "&Destination").buddy() is dialog.destination


def test_the_dialog_opens_on_the_last_export_s_scope_format_and_path(
    qtbot: QtBot, library: Library, workers: Workers, tmp_path: Path
) -> None:
    library.tag(library.list_ids()[:3], add=["to read"])
    settings = QSettings(str(tmp_path / "state.ini"), QSettings.Format.IniFormat)
    first = ExportDialog(library, workers, scope=Scope.of("state", "inbox"), settings=settings)
    qtbot.addWidget(first)
    _choose(qtbot, first.scope_kind, "Tag")
    qtbot.waitUntil(lambda: first.scope_value.currentText() == "to read")
    _choose(qtbot, first.format, "bibtex")
    target = tmp_path / "thesis" / "refs.bib"
    first.destination.setText(str(target))
    with qtbot.waitSignal(first.exported, timeout=10_000):
        first.start_export()

    again = ExportDialog(library, workers, scope=Scope.of("state", "inbox"), settings=settings)
    qtbot.addWidget(again)
    assert (again.scope_kind.currentData(), again.scope_value.currentText()) == ("tag", "to read")
    assert again.current_format() == "bibtex" and again.destination.text() == str(target)
    _choose(qtbot, again.format, "ris")  # another file, in the same folder
    assert again.destination.text() == str(tmp_path / "thesis" / "to read.ris")


def test_a_preselected_scope_and_a_default_destination_in_the_library(
    qtbot: QtBot, library: Library, workers: Workers
) -> None:
    library.tag(library.list_ids()[:3], add=["to read"])
    opened = ExportDialog(library, workers, scope=Scope.of("tag", "to read"))
    qtbot.addWidget(opened)
    assert opened.scope_kind.currentData() == "tag" and opened.scope_kind.findData("selection") == -1
    assert opened.destination.text() == str(library.path / "exports" / "to read.md")
    qtbot.waitUntil(lambda: opened.preview.toPlainText().startswith("# Tag: to read"))
    with qtbot.waitSignal(opened.exported, timeout=10_000):
        opened.start_export()
    assert (library.path / "exports" / "to read.md").read_text(encoding="utf-8").count("\n## ") == 3


def test_ctrl_e_in_the_window_opens_the_dialog_on_the_current_view(qtbot: QtBot, session: Session) -> None:
    window = session.window
    keys(qtbot, window.table, "Ctrl+E")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ExportDialog)))
    opened = next(d for d in window.findChildren(ExportDialog) if d.isVisible())
    assert opened.scope_kind.currentData() == "state" and opened.scope_value.currentText() == "inbox"
    assert opened.selection == window.targets()
    qtbot.waitUntil(lambda: opened.preview.toPlainText().startswith("# State: inbox"))
    qtbot.keyClick(opened, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not opened.isVisible())


def test_views_map_to_export_scopes() -> None:
    assert scope_for_view("reading") == Scope.of("state", "reading")
    assert scope_for_view("tag", "llm") == Scope.of("tag", "llm")
    assert scope_for_view("collection", "Group") == Scope.of("collection", "Group")
    assert scope_for_view("search", "diffusion") == Scope.of("query", "diffusion")
    assert scope_for_view("all") == Scope.all()
    assert scope_for_view("starred") is None and scope_for_view("day", "2025-09-16") is None
    assert scope_for_view("collection", " ") is None, "no scope (the dialog's own choice), not an error"


def test_the_sidebar_lists_collections_and_saved_searches(qtbot: QtBot, session: Session) -> None:
    window, library = session.window, session.window.library
    library.add_to_collection("Group", library.list_ids()[3:5])
    library.save_search("Diffusion papers", "diffusion")
    with qtbot.waitSignal(window.counts_loaded, timeout=5000):
        window.loader.refresh_counts()
    assert window.sidebar_model.index_of("collection:Group").isValid()
    assert window.sidebar_model.index_of("search:diffusion").isValid()
    with qtbot.waitSignal(window.view_loaded, timeout=5000):
        window.loader.show_view(View("collection", "Group"))
    assert window.model.ids == library.collection_ids("Group")


def test_escape_while_exporting_cancels_the_task_and_closes(
    qtbot: QtBot, dialog: ExportDialog, tmp_path: Path
) -> None:
    dialog.destination.setText(str(tmp_path / "out.md"))
    running = dialog.start_export()
    assert running is not None
    with qtbot.waitSignal(running.finished, timeout=10_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert running.cancelled and not dialog.isVisible()


def test_collect_and_uncollect_commands_with_undo(qtbot: QtBot, session: Session) -> None:
    window, library = session.window, session.window.library
    first = window.targets()
    session.run_line('collect "Reading group"')
    qtbot.waitUntil(lambda: [c.name for c in library.collections()] == ["Reading group"])
    assert library.collection_ids("Reading group") == first
    qtbot.waitUntil(lambda: window.sidebar_model.index_of("collection:Reading group").isValid())
    session.run_line("undo")
    qtbot.waitUntil(lambda: library.collections() == [])

    library.add_to_collection("Group", library.list_ids()[:3])
    with qtbot.waitSignal(window.view_loaded, timeout=5000):
        window.loader.show_view(View("collection", "Group"))
    qtbot.waitUntil(lambda: window.current_paper() is not None)
    removed = window.targets()
    session.run_line("uncollect")
    qtbot.waitUntil(lambda: len(library.collection_ids("Group")) == 2)
    assert removed[0] not in library.collection_ids("Group")


def test_a_view_becomes_a_collection_a_search_is_saved_and_both_are_deleted(
    qtbot: QtBot, session: Session
) -> None:
    window, library = session.window, session.window.library
    session.run_line('collect-view "Whole inbox"')
    qtbot.waitUntil(lambda: [c.name for c in library.collections()] == ["Whole inbox"])
    assert library.collection_ids("Whole inbox") == window.model.ids
    with qtbot.waitSignal(window.view_loaded, timeout=5000):
        window.loader.show_view(View("search", "diffusion"))
    session.run_line('save-search "Diffusion"')
    qtbot.waitUntil(lambda: ("Diffusion", "diffusion") in [(c.name, c.query) for c in library.collections()])
    session.run_line('delete-collection "Whole inbox"')
    session.run_line('delete-collection "Diffusion"')
    qtbot.waitUntil(lambda: library.collections() == [])
