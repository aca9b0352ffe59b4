"""Renaming and merging tags in the app, by keys only, with undo; checked through the API."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from ui_support import keys, settle

from readerapp import Library
from readerapp.ui.app import Session


def test_rename_and_merge_tags_from_the_tag_manager(qtbot: QtBot, session: Session, library: Library) -> None:
    w, manager = session.window, session.actions.tag_manager
    a, b, c = w.model.ids[:3]
    library.tag([a, b], add=["llm"])
    library.tag([c], add=["LLMs", "<i>agents</i>"])
    keys(qtbot, w.table, ":")
    palette = session.actions.palette
    qtbot.waitUntil(palette.isVisible)
    qtbot.keyClicks(palette.input, "rename and merge tags")
    keys(qtbot, palette.input, "Return")
    qtbot.waitUntil(lambda: manager.isVisible() and manager.list.count() == 3)
    assert [manager.list.item(r).text().split()[-1] for r in range(3)] == ["<i>agents</i>", "llm", "LLMs"]

    keys(qtbot, manager.list, "j", "r")  # rename llm
    assert manager.input.hasFocus() and manager.input.text() == "llm"
    qtbot.keyClicks(manager.input, "language models")
    keys(qtbot, manager.input, "Return")
    settle(qtbot, session)
    assert {p.id for p in library.list(tag="language models")} == {a, b}
    qtbot.waitUntil(lambda: "language models" in manager.list.currentItem().text())

    keys(qtbot, manager.list, "k", "x", "x", "m")  # mark <i>agents</i> and language models, merge
    assert manager.marked() == ["<i>agents</i>", "language models"]
    qtbot.keyClicks(manager.input, "LLMs")
    if manager.input.completer().popup().isVisible():
        keys(qtbot, manager.input.completer().popup(), "Return")  # take the completion
    keys(qtbot, manager.input, "Return")
    settle(qtbot, session)
    assert library.tag_counts() == {"LLMs": 3}
    qtbot.waitUntil(lambda: manager.list.count() == 1)
    keys(qtbot, manager.list, "Escape")
    assert not manager.isVisible()

    keys(qtbot, w.table, "u")
    settle(qtbot, session)
    assert library.tag_counts() == {"<i>agents</i>": 1, "language models": 2, "LLMs": 1}
    keys(qtbot, w.table, "u")
    settle(qtbot, session)
    assert library.tag_counts() == {"<i>agents</i>": 1, "llm": 2, "LLMs": 1}
    qtbot.waitUntil(lambda: w.controller.tag_names == ["<i>agents</i>", "llm", "LLMs"])
