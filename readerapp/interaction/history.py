"""Undo and redo stacks of the library's change records.

``Library.undo(changes)`` reverts exactly one change, in one transaction, and returns its inverse, so
both stacks hold the same kind of record: undoing pops from one stack and the inverse goes on the
other. An undo that fails changed nothing, so its record goes back where it was and ``u`` can try
again. A new action clears redo, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Literal, TypeVar

T = TypeVar("T")


class History(Generic[T]):
    """Bounded undo/redo stacks; the window runs the actual undo on the write worker."""

    def __init__(self, limit: int = 500) -> None:
        self._undo: list[T] = []
        self._redo: list[T] = []
        self._limit = limit

    def record(self, change: T) -> None:
        """A new action: it can be undone, and what was undone before can no longer be redone."""
        self._push(self._undo, change)
        self._redo.clear()

    def replay(self, which: Literal["undo", "redo"], revert: Callable[[T], T]) -> tuple[T, T] | None:
        """Revert the newest record of one stack and keep its inverse on the other; return both (None
        when the stack is empty). When ``revert`` raises, the record stays where it was."""
        taken, other = (self._undo, self._redo) if which == "undo" else (self._redo, self._undo)
        if not taken:
            return None
        change = taken.pop()
        try:
            inverse = revert(change)
        except BaseException:
            taken.append(change)
            raise
        self._push(other, inverse)
        return change, inverse

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def _push(self, stack: list[T], change: T) -> None:
        stack.append(change)
        del stack[: -self._limit]
