"""Find the files in the top-level ``resources/`` folder, from a checkout or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """``resources/`` beside the package in a checkout, or inside the bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


MARKS = ("star", "reading", "done", "archived", "pdf", "note")  # resources/marks/NAME.svg


def mark_icon_path(name: str) -> Path:
    """The SVG the paper list draws for a mark (a star, a state, a PDF, a note): drawn for the app, so it
    looks the same whatever fonts the system has (U+2398 for a PDF was an empty box with stock fonts)."""
    if name not in MARKS:
        raise ValueError(f"no mark icon {name!r}; the marks are {', '.join(MARKS)}")
    return resources_dir() / "marks" / f"{name}.svg"


def sample_feed_path() -> Path:
    """The bundled Daily Papers day that a first launch imports so the app is useful offline."""
    return resources_dir() / "sample_feed.json"
