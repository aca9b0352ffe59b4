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


def sample_feed_path() -> Path:
    """The bundled Daily Papers day that a first launch imports so the app is useful offline."""
    return resources_dir() / "sample_feed.json"
