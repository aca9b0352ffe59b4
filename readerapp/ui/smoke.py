"""Quit by itself once the window shows papers: how a packaged build proves that it starts.

Only with ``$READERAPP_SMOKE`` set (``make bundle-smoke`` sets it); a normal start never sees this.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtWidgets import QApplication

from readerapp.ui.window import MainWindow

SMOKE_ENV = "READERAPP_SMOKE"


def quit_when_shown(app: QApplication, window: MainWindow) -> None:
    """Close the window (the user's way out) after the first view with papers; exit 1 on a reported error."""
    if not os.environ.get(SMOKE_ENV):
        return

    def loaded(view: str) -> None:
        rows = window.model.rowCount()
        if window.isVisible() and rows > 0:
            icons = len(window.windowIcon().availableSizes())
            print(f"readerapp: smoke: window shown, view {view} with {rows} papers, icon in {icons} sizes",
                  flush=True)
            window.close()

    def failed(text: str) -> None:
        print(f"readerapp: smoke: {text}", file=sys.stderr, flush=True)
        app.exit(1)

    window.view_loaded.connect(loaded)
    window.failed.connect(failed)
