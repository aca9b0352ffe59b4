"""After the library opens: today's backup is taken and the search index is open before anyone searches,
all on workers, with the build's progress in the status bar."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_support import keys, open_window

from readerapp import Library
from readerapp.errors import Cancelled
from readerapp.ui.app import open_session
from readerapp.ui.upkeep import BUILDING, building_message, warm_up
from readerapp.ui.workers import Task


@pytest.fixture
def library(tmp_path: Path, sample_feed: Path) -> Iterator[Library]:
    """The sample day in a library with no search index yet (the import built one: it goes), as
    after a first start or a deleted index."""
    with Library.open(tmp_path / "lib", sync_on_start="never") as lib:
        lib.import_file(sample_feed)
    shutil.rmtree(tmp_path / "lib" / "index")
    with Library.open(tmp_path / "lib", sync_on_start="never") as lib:
        yield lib


def test_the_backup_is_taken_and_the_index_built_behind_the_window(qtbot: QtBot, library: Library) -> None:
    assert library.backups() == [] and not (library.path / "index").exists()
    messages: list[str] = []
    session = open_session(library)
    qtbot.addWidget(session.window)
    session.window.statusBar().messageChanged.connect(messages.append)
    try:
        with qtbot.waitSignal(session.upkeep.ready, timeout=20000):
            session.window.show()
            session.start()
        assert [b.label for b in library.backups()] == ["daily"]
        assert (library.path / "index").is_dir()
        assert library.search("model", limit=1)
        assert any(m.startswith(BUILDING) for m in messages), messages
        assert session.window.statusBar().currentMessage() == ""
    finally:
        session.close()


def test_a_second_start_the_same_day_takes_no_second_backup(qtbot: QtBot, library: Library) -> None:
    library.backup_if_due()
    session = open_window(qtbot, library)
    try:
        qtbot.waitUntil(lambda: session.upkeep.warm, timeout=20000)
        assert len(library.backups()) == 1
    finally:
        session.close()


def test_the_index_catches_up_with_a_key_once_the_window_is_idle(qtbot: QtBot, library: Library) -> None:
    session = open_window(qtbot, library)
    try:
        qtbot.waitUntil(lambda: session.upkeep.warm, timeout=20000)
        index = library.keeper.index()
        before = index.watermark
        keys(qtbot, session.window.table, "s")
        qtbot.waitUntil(lambda: library.last_change_id() > before, timeout=5000)
        qtbot.waitUntil(lambda: index.watermark == library.last_change_id(), timeout=10000)
    finally:
        session.close()


def test_closing_the_window_stops_the_index_build(qapp: QApplication, library: Library) -> None:
    task = Task("warm-up")
    task.cancel()  # what closing the window does to every task in flight
    with pytest.raises(Cancelled):
        warm_up(library, task)
    assert [b.label for b in library.backups()] == ["daily"], "the backup came first"
    assert library.search("model", limit=1), "the next search builds the index after all"


def test_the_build_message_counts_up_to_a_hundred_percent() -> None:
    assert building_message(0, 0) == BUILDING
    assert building_message(1, 4) == f"{BUILDING} 25%"
    assert building_message(9, 4) == f"{BUILDING} 100%"


