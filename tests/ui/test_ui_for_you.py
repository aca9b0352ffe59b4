"""For you: the inbox ranked by what the user starred, with the terms that explain each rank."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from ui_support import keys, settle

from readerapp import Library
from readerapp.ui.app import Session


def test_for_you_ranks_the_inbox_on_a_worker_and_says_why(qtbot: QtBot, session: Session,
                                                          library: Library) -> None:  # fmt: skip
    w = session.window
    keys(qtbot, w.table, "s", "j", "s")
    settle(qtbot, session)
    expected = [hit.id for hit in library.for_you(limit=200)]
    assert expected
    with qtbot.waitSignal(w.view_loaded, timeout=10000):
        keys(qtbot, w.table, "g", "f")
    assert w.view.key == "for-you" and w.model.ids == expected
    assert w.windowTitle().startswith("For you")
    qtbot.waitUntil(lambda: w.detail.toPlainText().startswith("For you because of: "), timeout=5000)
    assert all(w.controller.why[i] for i in expected[:3])
    keys(qtbot, w.table, "e")  # archived papers leave For you like they leave the inbox
    settle(qtbot, session)
    assert expected[0] not in w.model.ids and library.get(expected[0]).state == "archived"
