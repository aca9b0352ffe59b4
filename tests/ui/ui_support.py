"""Helpers the UI tests share: open the real window, type keys, wait for the workers."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
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


class StallMeter:
    """Gaps between ticks of a 5 ms timer on the GUI thread, less the time the thread sat runnable in
    the OS's run queue (``/proc/thread-self/schedstat``). On a shared, loaded machine the scheduler can
    leave the whole process off the CPU for tens of ms; that is not the app's stall. What remains is
    what the GUI thread did itself or waited for (the GIL, a lock, I/O): the app's own stalls."""

    SCHEDSTAT = Path("/proc/thread-self/schedstat")

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = self._now()
        self._timer = QTimer(interval=5)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def _now(self) -> tuple[float, float]:
        waited = int(self.SCHEDSTAT.read_text().split()[1]) / 1e9 if self.SCHEDSTAT.exists() else 0.0
        return time.perf_counter(), waited

    def _tick(self) -> None:
        now = self._now()
        self.gaps.append((now[0] - self._last[0]) - (now[1] - self._last[1]))
        self._last = now

    def start(self) -> None:
        self._last = self._now()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def clear(self) -> None:
        self.gaps.clear()


def palette_line(qtbot: QtBot, session: Session, line: str) -> None:
    """Type a command line into the palette (``:``) and run it with Enter."""
    keys(qtbot, session.window.table, ":")
    palette = session.actions.palette
    qtbot.waitUntil(palette.isVisible)
    qtbot.keyClicks(palette.input, line)
    keys(qtbot, palette.input, "Return")
    settle(qtbot, session)
