"""``emit``: emit a Qt signal from Python without PySide 6.12's reference leak on ``True``.

PySide6 6.12.0's ``SignalInstance.emit`` returns ``True`` without taking a reference to it, so every
emit from Python takes one reference away from ``True``. On Python 3.11 ``True`` is not immortal: after
a few thousand emits its count reaches zero and the interpreter aborts ("bool_dealloc"), at exit or
in the middle of a session. Every emit in ``readerapp.ui`` goes through ``emit``, which gives the
reference back, but only when a probe at import shows this PySide build takes it.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    fired = Signal()


def _emit_steals_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(64):
        probe.fired.emit()
    return before - sys.getrefcount(True) >= 48  # other threads may move the count a little


STEALS = _emit_steals_a_reference()
_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, with the reference PySide took from its result given back."""
    result = signal.emit(*args)  # type: ignore[func-returns-value]  # the stubs say None; PySide returns it
    if STEALS and result is not None:
        _incref(result)
