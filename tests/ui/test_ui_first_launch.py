"""A first launch that explains itself: the sample papers are marked and can be removed from the app,
one welcome line names the keys, and the sync log keeps every run's outcome readable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_support import keys, settle

from readerapp import Library
from readerapp.errors import ReaderappError
from readerapp.ui import theme
from readerapp.ui.app import Session, open_session
from readerapp.ui.first_launch import SyncLog
from readerapp.ui.paper_model import COLUMN, SAMPLE_MARK


def _palette(qtbot: QtBot, session: Session, line: str) -> None:
    """Run ``line`` the way a user does: ``:``, type it, Enter."""
    palette = session.actions.palette
    keys(qtbot, session.window.table, ":")
    qtbot.waitUntil(palette.isVisible)
    qtbot.keyClicks(palette.input, line)
    keys(qtbot, palette.input, "Return")
    qtbot.waitUntil(lambda: not palette.isVisible())


@pytest.fixture
def first_launch(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> Iterator[tuple[Session, Library]]:
    """The real window over an empty library, started as the app starts: the sample day comes in."""
    theme.apply(qapp, "light")
    with Library.open(tmp_path / "lib", sync_on_start="never") as library:
        session = open_session(library)
        qtbot.addWidget(session.window)
        session.window.show()
        session.start()
        qtbot.waitUntil(lambda: session.window.controller.counts.get("inbox") == 43, timeout=20000)
        qtbot.waitUntil(lambda: session.window.current_paper() is not None)
        session.window.table.setFocus()
        yield session, library
        session.close()


def test_first_launch_marks_the_samples_and_welcomes_with_the_real_keys(
        qtbot: QtBot, first_launch: tuple[Session, Library]) -> None:
    session, library = first_launch
    w = session.window
    assert all(p.is_sample for p in library.list())
    title = w.model.index(0, COLUMN["title"]).data()
    assert title.startswith(SAMPLE_MARK) and title[len(SAMPLE_MARK):] == w.current_paper().title
    qtbot.waitUntil(lambda: "sample paper" in w.detail.toPlainText())
    assert w.messages.isVisible()
    text = w.messages.label.text()
    assert text.startswith("Welcome: these are sample papers (remove-samples")
    assert "Press ? for keys, : for commands, Ctrl+R to sync." in text
    keys(qtbot, w.table, "Ctrl+D")
    qtbot.waitUntil(lambda: not w.messages.isVisible())


def test_remove_samples_asks_once_then_removes_them_and_says_it_cannot_be_undone(
        qtbot: QtBot, first_launch: tuple[Session, Library]) -> None:
    session, library = first_launch
    w = session.window
    _palette(qtbot, session, "remove-samples")
    assert "run remove-samples again to confirm" in w.statusBar().currentMessage()
    assert len(library.list_ids()) == 43  # asked, nothing removed yet
    _palette(qtbot, session, "remove-samples")
    qtbot.waitUntil(lambda: "Removed 43 sample papers" in w.statusBar().currentMessage(), timeout=10000)
    assert "cannot be undone" in w.statusBar().currentMessage()
    settle(qtbot, session)
    assert library.list_ids() == []
    qtbot.waitUntil(lambda: w.model.ids == [] and w.controller.counts.get("inbox") == 0)
    keys(qtbot, w.table, "u")
    qtbot.waitUntil(lambda: w.statusBar().currentMessage() == "Nothing to undo.")


def test_a_library_with_papers_gets_no_welcome_and_no_sample_marks(qtbot: QtBot, session: Session) -> None:
    w = session.window
    settle(qtbot, session)
    assert not w.messages.isVisible()
    assert not w.model.index(0, COLUMN["title"]).data().startswith(SAMPLE_MARK)
    qtbot.waitUntil(lambda: w.current_paper().title in w.detail.toPlainText())
    assert "sample paper" not in w.detail.toPlainText()


def test_sync_log_shows_the_last_runs_and_escape_closes_it(
        qtbot: QtBot, first_launch: tuple[Session, Library], tmp_path: Path) -> None:
    session, library = first_launch
    w = session.window
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ReaderappError, match="not valid JSON"):  # a failed run the log must show
        library.import_file(bad)
    runs = library.sync_runs()
    assert [(r.window, r.status) for r in runs] == [(str(bad), "failed"), (runs[-1].window, "ok")]
    assert runs[-1].window.endswith("sample_feed.json") and runs[-1].new == 43
    _palette(qtbot, session, "sync-log")
    qtbot.waitUntil(lambda: w.findChild(SyncLog) is not None and w.findChild(SyncLog).isVisible())
    log = w.findChild(SyncLog)
    assert log is not None
    lines = log.lines()
    assert len(lines) == len(runs)
    assert "| failed: " in lines[0] and "not valid JSON" in lines[0]
    first = lines[-1].split(" | ")
    assert first[1:] == ["import", runs[-1].window, "43", "43", "0", "ok"]
    keys(qtbot, log.table, "Escape")
    qtbot.waitUntil(lambda: not log.isVisible())
