"""Emitting signals from Python never drains the reference count of ``True`` (PySide 6.12 leak)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from readerapp.ui.signals import emit


class Emitter(QObject):
    changed = Signal(str)


def test_emit_leaves_the_count_of_true_as_it_was() -> None:
    emitter = Emitter()
    seen: list[str] = []
    emitter.changed.connect(seen.append)
    before = sys.getrefcount(True)
    for _ in range(500):
        emit(emitter.changed, "x")
    assert abs(sys.getrefcount(True) - before) < 50
    assert len(seen) == 500
