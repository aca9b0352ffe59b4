"""Writes that leave either the old file or the complete new one, never a partial file.

The text goes to a temporary file in the destination's own folder (a rename is atomic only within one
filesystem) and is renamed over the destination once it is on disk. ``StagedWrites`` does the same for
many files at once with one sync for all of them instead of one per file (an fsync costs more than
writing a small file), and renames nothing unless every file was written.

A temporary file is named ``.{target}.readerapp-{pid}-{random}.part``: recognisably ours, for one target,
and from one process. A process killed before its rename leaves it behind, so each write first removes
those of its target whose process is gone (``StagedWrites``: of every target in the folders it writes
to, one listing each). Only the folder written to is ever looked at, and only for names of this form.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from readerapp.disk import no_room
from readerapp.errors import ExportError

NEW_FILE_MODE = 0o644  # a temporary file is private (0600); the export is an ordinary document
TEMP_SUFFIX = ".part"
_TEMP_NAME = re.compile(r"\.(?P<target>.+)\.readerapp-(?P<pid>\d+)-[^.]*\.part")


def check_folder(folder: Path) -> None:
    """Fail early, with a clear message, when files cannot be written into ``folder``."""
    if not folder.exists():
        raise ExportError(f"cannot write to {folder}: the folder does not exist")
    if not folder.is_dir():
        raise ExportError(f"cannot write to {folder}: it is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write to {folder}: permission denied")


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _write_temp(path: Path, text: str, *, durable: bool) -> Path:
    """``text`` in a new temporary file beside ``path``, with the mode ``path`` has (or a default)."""
    if path.is_dir():
        raise ExportError(f"cannot write to {path}: it is a folder (give a file name)")
    folder = _folder(path)
    check_folder(folder)
    try:
        prefix = f".{path.name}.readerapp-{os.getpid()}-"
        fd, temp_name = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise no_room(exc, folder) or ExportError(f"cannot write to {folder}: {exc.strerror or exc}") from exc
    temp = Path(temp_name)
    try:
        os.chmod(temp, path.stat().st_mode & 0o7777 if path.exists() else NEW_FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            if durable:
                os.fsync(out.fileno())
    except OSError as exc:
        temp.unlink(missing_ok=True)  # on a full disk too: a temp file would hold the space it took
        raise no_room(exc, path) or ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def clear_stale_temps(folder: Path, target: str | None = None) -> None:
    """Remove the temporary files that writes of ``target`` (any target when None) in ``folder`` left when
    their process was killed; a live process's, this one's included, are left to it."""
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return  # an unreadable folder: the write that follows says what is wrong
    for name in names:
        match = _TEMP_NAME.fullmatch(name)
        if match and target in (None, match["target"]) and not _alive(int(match["pid"])):
            (folder / name).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (on Windows, where signal 0 would end it, always assumed)."""
    if sys.platform == "win32":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process, or no way to tell: not ours to judge
    return True


def _replace(temp: Path, path: Path) -> None:
    try:
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one step; on any failure nothing is left behind."""
    clear_stale_temps(_folder(path), path.name)
    _replace(_write_temp(path, text, durable=True), path)


class StagedWrites:
    """Replace many files: ``stage`` each, then leaving the ``with`` block syncs once and renames all.

    If anything fails before that, every temporary file is removed and no destination was touched.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []
        self._cleared: set[Path] = set()  # folders already rid of killed writes' temporary files
        self._one_sync = hasattr(os, "sync")  # elsewhere (Windows) each file is synced on its own

    def stage(self, path: Path, text: str) -> None:
        folder = _folder(path)
        if folder not in self._cleared:
            self._cleared.add(folder)
            clear_stale_temps(folder)
        self._pending.append((_write_temp(path, text, durable=not self._one_sync), path))

    def __enter__(self) -> StagedWrites:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pending, self._pending = self._pending, []
        if exc_type is None:
            if self._one_sync:
                os.sync()
            for number, (temp, path) in enumerate(pending):
                try:
                    _replace(temp, path)
                except ExportError:
                    for left, _ in pending[number + 1 :]:
                        left.unlink(missing_ok=True)
                    raise
        else:
            for temp, _ in pending:
                temp.unlink(missing_ok=True)
