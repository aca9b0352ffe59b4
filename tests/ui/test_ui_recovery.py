"""A really damaged library file: the window offers the newest backup, Enter restores it on a worker,
and the library opens (or reopens) with the papers and notes of the backup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_support import keys, open_window, settle

from readerapp import Library
from readerapp.api import DB_FILE
from readerapp.config import load_config
from readerapp.errors import DatabaseDamaged, DiskFull, LibraryError
from readerapp.ui.app import Session, build_session
from readerapp.ui.recovery import RestoreOffer, backup_label, is_damage
from tests.reliability.support import checkpoint, middle_page, overwrite_pages, page_of


@pytest.fixture
def saved(tmp_path: Path, sample_feed: Path) -> Iterator[tuple[Path, str]]:
    """A library with a note, backed up by hand (so today's daily backup is still due), then closed."""
    with Library.open(tmp_path / "lib", sync_on_start="never") as lib:
        lib.import_file(sample_feed)
        ident = lib.list_ids()[0]
        lib.set_note(ident, "precious")
        lib.backup_now()
    checkpoint(tmp_path / "lib" / DB_FILE)
    yield tmp_path / "lib", ident


def _offer(qtbot: QtBot, session: Session) -> RestoreOffer:
    qtbot.waitUntil(lambda: session.recovery.dialog is not None, timeout=20000)
    dialog = session.recovery.dialog
    assert isinstance(dialog, RestoreOffer)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_a_damaged_header_at_open_offers_the_backup_and_enter_restores_it(
        qtbot: QtBot, qapp: QApplication, saved: tuple[Path, str]) -> None:
    folder, ident = saved
    overwrite_pages(folder / DB_FILE, 0, 1)
    refused: list[object] = []
    session = build_session(load_config(folder, sync_on_start="never"))
    qtbot.addWidget(session.window)
    session.recovery.reopen.connect(lambda: session.open_library({"sync_on_start": "never"}, refused.append))
    session.window.show()
    try:
        session.open_library({"sync_on_start": "never"}, refused.append)
        dialog = _offer(qtbot, session)
        assert dialog.restore_button.text().startswith("Restore the backup of 20")
        assert dialog.defaultButton() is dialog.restore_button
        with qtbot.waitSignal(session.window.view_loaded, timeout=20000):
            qtbot.keyClick(dialog, Qt.Key.Key_Return)
        assert refused == [] and not dialog.isVisible()
        library = session.window.library
        assert library is not None and library.counts()["all"] == 43
        assert library.get(ident).note == "precious"
        assert any(not b.restorable for b in library.backups()), "the damaged file is kept aside"
    finally:
        session.close()
        for opened in session.opened:
            opened.close()


def test_damage_found_by_the_daily_backup_is_restored_under_the_open_window(
        qtbot: QtBot, qapp: QApplication, saved: tuple[Path, str]) -> None:
    folder, ident = saved
    db = folder / DB_FILE
    for index in ("ix_paper_tags_tag", "ix_notes_user"):  # what the list does not read: the window opens
        overwrite_pages(db, page_of(db, index), 1)
    with Library.open(folder, sync_on_start="never") as library:
        session = open_window(qtbot, library)
        try:
            dialog = _offer(qtbot, session)
            newest = next(b for b in library.backups() if b.restorable)
            assert dialog.restore_button.text() == f"Restore the backup of {backup_label(newest)}"
            with qtbot.waitSignal(session.recovery.restored, timeout=20000):
                qtbot.keyClick(dialog, Qt.Key.Key_Return)
            assert library.get(ident).note == "precious"
            qtbot.waitUntil(lambda: session.upkeep.warm, timeout=20000)  # backed up, indexed anew
            # (doctor only now: while the warm-up rebuilds the dropped index, it is half built)
            assert library.doctor().consistent
            assert library.search("model", limit=1), "the dropped index is rebuilt"
        finally:
            session.close()


def test_escape_quits_instead(qtbot: QtBot, qapp: QApplication, saved: tuple[Path, str]) -> None:
    folder, _ident = saved
    overwrite_pages(folder / DB_FILE, 0, 1)
    session = build_session(load_config(folder, sync_on_start="never"))
    qtbot.addWidget(session.window)
    session.window.show()
    try:
        session.open_library({"sync_on_start": "never"}, lambda _error: None)
        dialog = _offer(qtbot, session)
        with qtbot.waitSignal(session.recovery.quit_requested, timeout=5000):
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert session.window.library is None
    finally:
        session.close()


def test_only_damage_is_taken_for_damage() -> None:
    """Damage is told by its type, never by the words of a message."""
    assert is_damage(DatabaseDamaged("the library database is damaged (x); restore the newest backup (y)"))
    assert is_damage(DatabaseDamaged("file is not a database"))
    assert not is_damage(LibraryError("the library database is damaged (x); restore the newest backup (y)"))
    assert not is_damage(LibraryError("unknown paper 1234.5678"))
    assert not is_damage(DiskFull("disk full: cannot write x (no space left on the disk; 0 bytes free)"))
    assert not is_damage(ValueError("is damaged"))


def _damage_under_the_window(qtbot: QtBot, session: Session, library: Library) -> None:
    """Once the start-up backup found the file sound, scribble over the tables' pages: every query fails."""
    qtbot.waitUntil(lambda: session.upkeep.warm, timeout=20000)
    library.db.engine.dispose()  # (no connection keeps pages read before the damage)
    db = library.path / DB_FILE
    checkpoint(db)
    overwrite_pages(db, 2, middle_page(db) - 2)


def test_damage_hit_by_an_ordinary_read_offers_the_backup_once(
        qtbot: QtBot, qapp: QApplication, saved: tuple[Path, str]) -> None:
    folder, ident = saved
    with Library.open(folder, sync_on_start="never") as library:
        session = open_window(qtbot, library)
        try:
            _damage_under_the_window(qtbot, session, library)
            offers: list[str] = []
            session.window.failed.connect(offers.append)
            keys(qtbot, session.window.table, "g", "a")  # a view that must be read: it fails
            dialog = _offer(qtbot, session)
            keys(qtbot, session.window.table, "g", "d")  # more damage while the offer is up: no second
            settle(qtbot, session)
            assert session.recovery.dialog is dialog and offers == [], "damage is not an error line"
            with qtbot.waitSignal(session.recovery.restored, timeout=20000):
                qtbot.keyClick(dialog, Qt.Key.Key_Return)
            assert library.get(ident).note == "precious"
            keys(qtbot, session.window.table, "g", "i")
            qtbot.waitUntil(lambda: len(session.window.model.ids) == 43)
            assert session.window.messages.isHidden()
        finally:
            session.close()


def test_a_refused_restore_is_offered_again_until_the_other_reader_closes(
        qtbot: QtBot, qapp: QApplication, saved: tuple[Path, str]) -> None:
    folder, ident = saved
    with Library.open(folder, sync_on_start="never") as library:
        session = open_window(qtbot, library)
        try:
            other = Library.open(folder, sync_on_start="never")  # another reader keeps it open
            _damage_under_the_window(qtbot, session, library)
            keys(qtbot, session.window.table, "g", "a")
            dialog = _offer(qtbot, session)
            qtbot.keyClick(dialog, Qt.Key.Key_Return)  # refused: the other reader has it open
            qtbot.waitUntil(lambda: session.recovery.dialog not in (None, dialog), timeout=20000)
            again = _offer(qtbot, session)
            assert "open in another readerapp process" in again.informativeText()
            other.close()
            with qtbot.waitSignal(session.recovery.restored, timeout=20000):
                qtbot.keyClick(again, Qt.Key.Key_Return)
            assert library.get(ident).note == "precious"
        finally:
            session.close()
