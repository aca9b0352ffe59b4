"""Helpers the UI tests share: open the real window, type keys, wait for the workers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from readerapp import Library
from readerapp.ui.app import Session, open_session

MODIFIERS = {"Ctrl": Qt.KeyboardModifier.ControlModifier, "Shift": Qt.KeyboardModifier.ShiftModifier}


def open_window(qtbot: QtBot, library: Library) -> Session:
    """The real window over ``library``, shown, its view loaded and its first row on screen."""
    session = open_session(library)
    qtbot.addWidget(session.window)
    with qtbot.waitSignal(session.window.view_loaded, timeout=5000):
        session.window.show()
        session.start()
    session.window.table.setFocus()
    if session.window.model.ids:
        qtbot.waitUntil(lambda: session.window.current_paper() is not None)
    return session


def keys(qtbot: QtBot, widget: QWidget, *sequence: str) -> None:
    """Type keys the way a user does: one key per item ("Ctrl+K" style names for modified keys)."""
    for key in sequence:
        if "+" in key and len(key) > 1:
            *mods, name = key.split("+")
            flags = Qt.KeyboardModifier.NoModifier
            for mod in mods:
                flags |= MODIFIERS[mod]
            qtbot.keyClick(widget, getattr(Qt.Key, f"Key_{name}"), flags)
        elif key in ("Return", "Escape", "Down", "Up"):
            qtbot.keyClick(widget, getattr(Qt.Key, f"Key_{key}"))
        else:
            qtbot.keyClick(widget, key)


def settle(qtbot: QtBot, session: Session) -> None:
    """Wait until every write and read the keys started has come back."""
    qtbot.waitUntil(lambda: session.workers.busy == 0, timeout=5000)
