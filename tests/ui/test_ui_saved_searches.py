"""Saved searches in the app, by keys only: a delete is undone and redone through the triage keys'
history, and a tag renamed in the tag manager carries the saved searches that name it."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from ui_support import keys, palette_line, settle

from readerapp import Library
from readerapp.ui.app import Session
from readerapp.ui.tag_manager import NAME_ROLE


def _saved_row(session: Session, query: str) -> int:
    """The saved search's row in its sidebar section, -1 when the sidebar does not list it."""
    index = session.window.sidebar_model.index_of(f"search:{query}")
    return index.row() if index.isValid() else -1


def _current_tag(session: Session, name: str) -> None:
    """Make ``name`` the tag manager's current row."""
    tags = session.actions.tag_manager.list
    tags.setCurrentRow(next(r for r in range(tags.count()) if tags.item(r).data(NAME_ROLE) == name))


def test_deleting_a_saved_search_is_undone_and_redone_by_keys(
    qtbot: QtBot, session: Session, library: Library
) -> None:
    w = session.window
    library.save_search("Agents", "agent")
    library.save_search("Diffusion", "diffusion")
    library.save_search("Zoo", "benchmark")
    with qtbot.waitSignal(w.counts_loaded, timeout=5000):
        w.loader.refresh_counts()
    listed = library.collections()
    assert _saved_row(session, "diffusion") == 1

    palette_line(qtbot, session, "delete-collection Diffusion")
    assert [c.name for c in library.collections()] == ["Agents", "Zoo"]
    qtbot.waitUntil(lambda: _saved_row(session, "diffusion") == -1)

    w.table.setFocus()
    keys(qtbot, w.table, "u")
    settle(qtbot, session)
    assert library.collections() == listed, "the same name, query and creation time"
    qtbot.waitUntil(lambda: _saved_row(session, "diffusion") == 1)  # back in its place

    keys(qtbot, w.table, "Ctrl+Shift+Z")
    settle(qtbot, session)
    assert [c.name for c in library.collections()] == ["Agents", "Zoo"]
    qtbot.waitUntil(lambda: _saved_row(session, "diffusion") == -1)
    keys(qtbot, w.table, "Ctrl+Z")
    settle(qtbot, session)
    assert library.collections() == listed
    qtbot.waitUntil(lambda: _saved_row(session, "diffusion") == 1)


def test_delete_collection_deletes_the_saved_search_shown_and_u_brings_it_back(
    qtbot: QtBot, session: Session, library: Library
) -> None:
    w = session.window
    library.save_search("Agents", "agent")
    library.save_search("Benchmarks", "benchmark")
    with qtbot.waitSignal(w.counts_loaded, timeout=5000):
        w.loader.refresh_counts()
    listed = library.collections()
    palette_line(qtbot, session, "go search:benchmark")  # what choosing it in the sidebar shows
    assert w.view.key == "search:benchmark"

    palette_line(qtbot, session, "delete-collection")
    assert [c.name for c in library.collections()] == ["Agents"]
    keys(qtbot, w.table, "u")
    settle(qtbot, session)
    assert library.collections() == listed


def test_a_tag_renamed_in_the_app_takes_its_saved_search_along_and_u_brings_both_back(
    qtbot: QtBot, session: Session, library: Library
) -> None:
    w, manager = session.window, session.actions.tag_manager
    a, b = w.model.ids[:2]
    library.tag([a, b], add=["llm"])
    library.save_search("LLM papers", 'tag:llm -"tag:llm"')
    palette_line(qtbot, session, "rename and merge tags")
    qtbot.waitUntil(lambda: manager.isVisible() and manager.list.count() == 1)

    keys(qtbot, manager.list, "r")
    qtbot.keyClicks(manager.input, "language models")
    keys(qtbot, manager.input, "Return")
    settle(qtbot, session)
    renamed = 'tag:"language models" -"tag:llm"'
    assert [c.query for c in library.collections()] == [renamed]
    assert set(library.collection_ids("LLM papers")) == {a, b}
    qtbot.waitUntil(lambda: _saved_row(session, renamed) == 0)
    keys(qtbot, manager.list, "Escape")

    keys(qtbot, w.table, "u")
    settle(qtbot, session)
    assert [c.query for c in library.collections()] == ['tag:llm -"tag:llm"']
    assert library.tag_counts() == {"llm": 2}
    qtbot.waitUntil(lambda: _saved_row(session, 'tag:llm -"tag:llm"') == 0)


def test_the_saved_search_shown_follows_a_tag_rename_and_its_undo_and_redo(
    qtbot: QtBot, session: Session, library: Library
) -> None:
    w, manager = session.window, session.actions.tag_manager
    a, b, c = w.model.ids[:3]
    library.tag([a, b], add=["llm"])
    library.tag([c], add=["rl"])
    library.save_search("LLM papers", "tag:llm")
    with qtbot.waitSignal(w.counts_loaded, timeout=5000):
        w.loader.refresh_counts()
    palette_line(qtbot, session, "go search:tag:llm")  # what choosing it in the sidebar shows
    qtbot.waitUntil(lambda: set(w.model.ids) == {a, b})
    w.table.setFocus()
    keys(qtbot, w.table, "G")  # on the second paper of the search
    chosen = w.current_id()
    assert chosen in (a, b) and w.current_row() == 1

    palette_line(qtbot, session, "rename and merge tags")
    qtbot.waitUntil(lambda: manager.isVisible() and manager.list.count() == 2)
    _current_tag(session, "llm")
    keys(qtbot, manager.list, "r")
    qtbot.keyClicks(manager.input, "language models")
    keys(qtbot, manager.input, "Return")
    settle(qtbot, session)
    renamed = 'tag:"language models"'
    qtbot.waitUntil(lambda: w.view.value == renamed)
    qtbot.waitUntil(lambda: set(w.model.ids) == {a, b} and w.current_id() == chosen)
    qtbot.waitUntil(lambda: _saved_row(session, renamed) == 0)
    assert w.controller.shown_collection() == "LLM papers"
    keys(qtbot, manager.list, "Escape")

    keys(qtbot, w.table, "u")
    settle(qtbot, session)
    qtbot.waitUntil(lambda: w.view.value == "tag:llm")
    qtbot.waitUntil(lambda: set(w.model.ids) == {a, b} and w.current_id() == chosen)
    keys(qtbot, w.table, "Ctrl+Shift+Z")
    settle(qtbot, session)
    qtbot.waitUntil(lambda: w.view.value == renamed and set(w.model.ids) == {a, b})

    palette_line(qtbot, session, "rename and merge tags")  # a merge into rl rewrites it again
    qtbot.waitUntil(lambda: manager.isVisible() and manager.list.count() == 2)
    _current_tag(session, "language models")
    keys(qtbot, manager.list, "m")
    qtbot.keyClicks(manager.input, "rl")
    if manager.input.completer().popup().isVisible():
        keys(qtbot, manager.input.completer().popup(), "Return")  # take the completion
    keys(qtbot, manager.input, "Return")
    settle(qtbot, session)
    qtbot.waitUntil(lambda: w.view.value == 'tag:"rl"' and set(w.model.ids) == {a, b, c})
    assert w.current_id() == chosen
