"""Importing Whoosh without the standard-library weight it carries and a search never uses.

Whoosh-Reloaded imports ``urllib.request`` (for a ``urlretrieve`` it re-exports and never calls), which
brings in ``http.client``, ``email`` and ``ssl``; and the ``cached_property`` backport, which imports
``asyncio``. Together that is some 40% of importing the search index: a command-line search pays it
at every start (``benchmarks/cli_bench.py``). ``import_whoosh`` imports Whoosh's modules that take
them with stand-ins in their place, and takes the stand-ins away again, so anything imported later
gets the real modules.
"""

from __future__ import annotations

import functools
import importlib
import sys
import types
from typing import Any


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    """The real ``urlretrieve``, imported when called (Whoosh never calls it)."""
    return importlib.import_module("urllib.request").urlretrieve(*args, **kwargs)


def _stand_ins() -> dict[str, types.ModuleType]:
    request = types.ModuleType("urllib.request")
    request.urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    # The backport's descriptor and the standard library's behave alike for Whoosh's one use
    # (``IndexReader`` caching a computed value per reader).
    cached = types.ModuleType("cached_property")
    cached.cached_property = functools.cached_property  # type: ignore[attr-defined]
    return {"urllib.request": request, "cached_property": cached}


def import_whoosh() -> None:
    """Import ``whoosh.compat`` and ``whoosh.reading`` with the stand-ins (a no-op once imported)."""
    if "whoosh.reading" in sys.modules:
        return
    placed = {name: module for name, module in _stand_ins().items() if name not in sys.modules}
    sys.modules.update(placed)
    try:
        importlib.import_module("whoosh.compat")
        importlib.import_module("whoosh.reading")
    finally:
        for name, module in placed.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
