"""UI fixtures: a real library on disk with the sample day, and the real window over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_support import open_window

from readerapp import Library
from readerapp.ui import theme
from readerapp.ui.app import Session

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
def session(qtbot: QtBot, qapp: QApplication, library: Library) -> Iterator[Session]:
    """The real window, shown offscreen, with the inbox loaded and its first paper selected."""
    theme.apply(qapp, "light")
    opened = open_window(qtbot, library)
    yield opened
    opened.close()
