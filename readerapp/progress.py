"""The one progress-callback shape long work reports through (CLI progress bars, the app's status bar)."""

from __future__ import annotations

from collections.abc import Callable

# progress(what, done, total): ``total`` is None while unknown (paging a feed with no count).
Progress = Callable[[str, int, int | None], None]


def no_progress(_what: str, _done: int, _total: int | None) -> None:
    """The default: report nowhere."""
