"""Undo and redo stacks of the library's change records.

``Library.undo(changes)`` reverts exactly one change and returns its inverse, so both stacks hold the
same kind of record: undoing pops from one stack and the inverse goes on the other. A new action
clears redo, as everywhere else.
"""

from __future__ import annotations

from typing import Generic, TypeVar

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

    def take_undo(self) -> T | None:
        return self._undo.pop() if self._undo else None

    def take_redo(self) -> T | None:
        return self._redo.pop() if self._redo else None

    def undone(self, inverse: T) -> None:
        """The inverse of an undone change: redoing it replays the change."""
        self._push(self._redo, inverse)

    def redone(self, inverse: T) -> None:
        """The inverse of a redone change: it can be undone again without clearing redo."""
        self._push(self._undo, inverse)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def _push(self, stack: list[T], change: T) -> None:
        stack.append(change)
        del stack[: -self._limit]
