"""Keep PySide6 6.12.0 from freeing ``None`` (and ``True``/``False``) under a long paint loop.

On Python 3.11 this PySide build takes one reference to ``None`` on *every* call of a void Qt method
(``update()``, ``QPainter.fillRect()``, ``QScrollBar.setValue()``...), without giving it back. ``None``
starts with a few thousand references, so a viewer that paints pages and scrolls aborts the process
("none_dealloc") within seconds of reading. ``readerapp.ui.signals`` gives back the references ``emit``
takes from ``True``; void calls are everywhere, so they cannot be wrapped one by one. Instead, when a
probe shows the steal, the three singletons get a very large reference count, which is what Python
3.12 does for them anyway (immortal objects). Nothing happens on 3.12+, on other interpreters, or on a
PySide build that does not steal.
"""

from __future__ import annotations

import ctypes
import sys

_PIN = 1 << 40  # a million calls a second would need twelve days to use this up
_pinned = False


def _void_call_steals_none() -> bool:
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= 48  # other threads may move the count a little


def pin_singletons() -> bool:
    """Make ``None``, ``True`` and ``False`` effectively immortal if this PySide steals from them;
    returns whether it did (once per process)."""
    global _pinned
    if _pinned or sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return _pinned
    if _void_call_steals_none():
        for singleton in (None, True, False):
            ctypes.c_ssize_t.from_address(id(singleton)).value += _PIN
        _pinned = True
    return _pinned
