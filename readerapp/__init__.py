"""readerapp: a reading-list manager for the daily paper feed.

``from readerapp import Library`` is the Python API; it never imports Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Library", "__version__"]

if TYPE_CHECKING:
    from readerapp.api import Library


def __getattr__(name: str) -> Any:
    # Lazy, so that `import readerapp.ids` (parsers, workers) does not pay for SQLAlchemy.
    if name == "Library":
        from readerapp.api import Library

        return Library
    raise AttributeError(name)
