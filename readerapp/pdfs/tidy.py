"""What ``pdfs/`` holds that no paper needs: the leftovers ``doctor`` reports and ``--repair`` removes.

A download killed mid-way leaves its ``.part`` (the next fetch of the paper resumes it) and its lock file
(which locks nothing once its process is gone). A ``.part`` is worth keeping only while its paper has no
PDF: once the paper has one (an interrupted ``--force``) or is gone from the library, nothing resumes it.
A ``.part`` bigger than ``MAX_PDF`` is never resumed (the download would be refused), whatever its paper.
A PDF no paper points to is a leftover as well. Files that are not ours (no ``.pdf``, ``.part`` or
``.lock`` name) are the user's and are left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from readerapp.errors import ReaderappError
from readerapp.pdfs.naming import MAX_PDF, absolute_in_library, part_path, pdf_dir

Papers = Callable[[], Iterable[tuple[str, str | None]]]  # every paper's public id and stored pdf_path


@dataclass(slots=True)
class Leftovers:
    pdfs: list[Path] = field(default_factory=list)  # PDFs no paper points to
    parts: list[Path] = field(default_factory=list)  # unfinished downloads nothing will resume
    oversized: list[Path] = field(default_factory=list)  # unfinished downloads past MAX_PDF
    locks: list[Path] = field(default_factory=list)  # lock files of downloads whose process was killed
    resumable: list[Path] = field(default_factory=list)  # resumed by the next fetch of their paper

    def remove(self) -> None:
        for path in (*self.pdfs, *self.parts, *self.oversized, *self.locks):
            path.unlink(missing_ok=True)

    def problems(self) -> list[str]:
        """What ``doctor`` reports as problems (``--repair`` removes them)."""
        found = []
        if self.pdfs:
            found.append(f"{_count(self.pdfs, 'PDF')} no paper points to: {_names(self.pdfs)}")
        if self.parts:
            found.append(
                f"{_count(self.parts, 'unfinished download')} nothing will resume (the paper was removed, "
                f"or has its PDF since): {_names(self.parts)}"
            )
        if self.oversized:
            found.append(
                f"{_count(self.oversized, 'unfinished download')} larger than the {MAX_PDF:,} bytes a PDF "
                f"may have, never resumed: {_names(self.oversized)}"
            )
        return found

    def notes(self, removed: bool) -> list[str]:
        """What is worth knowing but harmless: stale lock files, downloads the next fetch resumes."""
        found = []
        if self.locks:
            locks = f"{_count(self.locks, 'lock file')} of killed downloads in pdfs/"
            found.append(f"removed {locks}" if removed else f"{locks} (harmless; --repair removes them)")
        if self.resumable:
            found.append(
                f"{_count(self.resumable, 'unfinished download')}, resumed by the next fetch of the paper: "
                f"{_names(self.resumable)}"
            )
        return found


def find_leftovers(library: Path, papers: Papers) -> Leftovers:
    """Sort the files of ``pdfs/`` into leftovers. ``papers`` is asked only when there are files.

    Call it with ``DOWNLOADS_LOCK`` held exclusively: then no download is in flight anywhere, so no
    ``.part``, lock file or just-placed PDF belongs to one.
    """
    folder = pdf_dir(library)
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    found = Leftovers(locks=[p for p in files if p.suffix == ".lock"])
    pdfs = [p for p in files if p.suffix == ".pdf"]
    parts = [p for p in files if p.suffix == ".part"]
    found.oversized = [p for p in parts if p.stat().st_size > MAX_PDF]
    parts = [p for p in parts if p not in found.oversized]
    if not pdfs and not parts:
        return found
    pointed: set[str] = set()
    waiting: set[str] = set()  # the .part names of papers without a PDF on disk
    for public_id, stored in papers():
        path = _in_pdfs(library, stored)
        if path is not None:
            pointed.add(path.name)
        if path is None or (parts and not path.is_file()):
            waiting.add(part_path(library, public_id).name)
    found.pdfs = [p for p in pdfs if p.name not in pointed]
    found.resumable = [p for p in parts if p.name in waiting]
    found.parts = [p for p in parts if p.name not in waiting]
    return found


def _in_pdfs(library: Path, stored: str | None) -> Path | None:
    if not stored:
        return None
    try:
        return absolute_in_library(library, stored)
    except ReaderappError:
        return None  # pointing outside pdfs/: it keeps nothing in pdfs/ alive


def _count(items: list[Path], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _names(paths: list[Path], shown: int = 3) -> str:
    names = ", ".join(p.name for p in paths[:shown])
    return names + (f" and {len(paths) - shown} more" if len(paths) > shown else "")
