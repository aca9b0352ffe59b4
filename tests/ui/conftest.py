"""UI fixtures: a real library on disk with the sample day, and the real window over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from readerapp import Library
from readerapp.ui import theme
from readerapp.ui.app import Session, open_session

# The offscreen platform says, at warning level, that it cannot raise windows or grab the keyboard.
# Those lines describe the headless test platform, not the app; every other warning still fails a test.
OFFSCREEN_NOISE = "This plugin does not support"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in item.nodeid:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture
def library(tmp_path: Path, sample_feed: Path) -> Iterator[Library]:
    """The 43-paper sample day in a fresh library that never syncs on its own."""
    with Library.open(tmp_path / "lib", sync_on_start="never") as lib:
        lib.import_file(sample_feed)
        yield lib


@pytest.fixture
def session(qtbot: QtBot, qapp, library: Library) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    """The real window, shown offscreen, with the inbox loaded and its first paper selected."""
    theme.apply(qapp, "light")
    opened = open_session(library)
    qtbot.addWidget(opened.window)
    with qtbot.waitSignal(opened.window.view_loaded, timeout=5000):
        opened.window.show()
        opened.start()
    opened.window.table.setFocus()
    qtbot.waitUntil(lambda: opened.window.current_paper() is not None)
    yield opened
    opened.close()
