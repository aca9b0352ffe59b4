"""Writes that leave either the old file or the complete new one, never a partial file.

The text goes to a temporary file in the destination's own folder (a rename is atomic only within one
filesystem) and is renamed over the destination once flushed to disk.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from readerapp.errors import ExportError

NEW_FILE_MODE = 0o644  # a temporary file is private (0600); the export is an ordinary document


def check_folder(folder: Path) -> None:
    """Fail early, with a clear message, when files cannot be written into ``folder``."""
    if not folder.exists():
        raise ExportError(f"cannot write to {folder}: the folder does not exist")
    if not folder.is_dir():
        raise ExportError(f"cannot write to {folder}: it is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write to {folder}: permission denied")


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one step; on any failure nothing is left behind."""
    if path.is_dir():
        raise ExportError(f"cannot write to {path}: it is a folder (give a file name)")
    folder = path.parent if str(path.parent) else Path(".")
    check_folder(folder)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportError(f"cannot write to {folder}: {exc.strerror or exc}") from exc
    temp = Path(temp_name)
    try:
        os.chmod(temp, path.stat().st_mode & 0o7777 if path.exists() else NEW_FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
