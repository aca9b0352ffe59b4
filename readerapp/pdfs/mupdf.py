"""PyMuPDF, imported lazily and used by one thread at a time.

``import pymupdf`` costs about 0.1 s, so nothing imports it until a PDF is really opened. MuPDF is not
safe to drive from several threads at once (its documentation says so), and the app uses it from the
download pool (verification, text extraction) and the viewer's render thread: every use holds
``LOCK``, one page at a time, so a long extraction never stalls the viewer for more than a page.
"""

from __future__ import annotations

import threading
from types import ModuleType

LOCK = threading.RLock()


def pymupdf() -> ModuleType:
    """The ``pymupdf`` module, imported on first use."""
    import pymupdf as module

    return module
