"""A full disk in the app is a disk-full message, never the damaged-library dialog: the restore offer
replaces the user's file, so it comes only when SQLite's quick_check finds the file damaged."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_support import keys, open_window, settle

from readerapp import Library
from readerapp.config import load_config
from readerapp.errors import DatabaseDamaged, DiskFull
from readerapp.ui.app import build_session
from tests.reliability.support import fill_disk, small_disk


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with small_disk(tmp_path / "disk", "16m") as folder:
        yield folder


@pytest.fixture
def library_on_disk(disk: Path, sample_feed: Path) -> Path:
    with Library.open(disk / "lib", sync_on_start="never") as lib:
        lib.import_file(sample_feed)
        lib.backup_now()
    return disk / "lib"


def test_a_full_disk_at_open_is_refused_as_disk_full_without_the_restore_offer(
        qtbot: QtBot, qapp: QApplication, library_on_disk: Path, disk: Path) -> None:
    fill_disk(disk)
    refused: list[object] = []
    session = build_session(load_config(library_on_disk, sync_on_start="never"))
    qtbot.addWidget(session.window)
    session.window.show()
    try:
        session.open_library({"sync_on_start": "never"}, refused.append)
        qtbot.waitUntil(lambda: bool(refused), timeout=20000)
        settle(qtbot, session)
        assert session.recovery.dialog is None
        [error] = refused
        assert isinstance(error, DiskFull) and "disk full: cannot write" in str(error), error
    finally:
        session.close()


def test_a_write_on_a_full_disk_shows_a_disk_full_message_without_the_restore_offer(
        qtbot: QtBot, qapp: QApplication, library_on_disk: Path, disk: Path) -> None:
    with Library.open(library_on_disk, sync_on_start="never") as library:
        session = open_window(qtbot, library)
        try:
            qtbot.waitUntil(lambda: session.upkeep.warm, timeout=20000)
            fill_disk(disk)
            with qtbot.waitSignal(session.window.failed, timeout=20000) as failed:
                keys(qtbot, session.window.table, "s")  # star: a write
            settle(qtbot, session)
            assert "disk full: cannot write" in failed.args[0] and "free there" in failed.args[0]
            assert session.recovery.dialog is None and not session.window.messages.isHidden()
        finally:
            session.close()


def test_an_error_that_reads_like_damage_on_a_sound_file_is_only_a_message(
        qtbot: QtBot, qapp: QApplication, tmp_path: Path, sample_feed: Path) -> None:
    with Library.open(tmp_path / "lib", sync_on_start="never") as library:
        library.import_file(sample_feed)
        library.backup_now()
        session = open_window(qtbot, library)
        try:
            looks_damaged = DatabaseDamaged("the library database is damaged: disk I/O error (run doctor)")
            with qtbot.waitSignal(session.window.failed, timeout=20000) as failed:
                session.window.report_error(looks_damaged)
            assert failed.args[0] == str(looks_damaged)
            settle(qtbot, session)
            assert session.recovery.dialog is None, "quick_check finds the file sound: no restore offered"
        finally:
            session.close()


def test_an_os_error_for_want_of_room_is_told_as_disk_full_at_the_library(
        qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib", sync_on_start="never") as library:
        session = open_window(qtbot, library)
        try:
            no_room = OSError(errno.ENOSPC, "No space left on device")  # no file named: the library's
            with qtbot.waitSignal(session.window.failed, timeout=20000) as failed:
                session.window.report_error(no_room, prefix="Index: ")
            assert failed.args[0].startswith(f"Index: disk full: cannot write {library.path} (no space left")
        finally:
            session.close()
