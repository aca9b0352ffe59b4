"""What every format writer is fed: the scope's papers in order, in full, plus the library's
collections and saved searches (only the lossless JSON format carries those). No format bundles the
PDF files themselves: the JSON keeps each one's path in the library and says the files are not included."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from readerapp.choices import EXPORT_EXTENSIONS, EXPORT_FORMATS
from readerapp.errors import Cancelled
from readerapp.export.names import citation_keys
from readerapp.formats.readerapp_json import CollectionRecord, SavedSearchRecord
from readerapp.paper import Paper
from readerapp.progress import Progress, no_progress

if TYPE_CHECKING:
    from readerapp.store.extras import PaperExtras

# The formats, in the order a menu offers them, and the usual file extension of each.
FORMATS = EXPORT_FORMATS
EXTENSIONS = EXPORT_EXTENSIONS
PROGRESS_STEP = 200  # report every this many papers: often enough for a bar, rare enough to be free


@dataclass(slots=True)
class ExportBundle:
    """The input of every writer. ``papers`` are full views (abstract, note, highlights)."""

    title: str
    papers: list[Paper]
    collections: list[CollectionRecord] = field(default_factory=list)  # papers by public id, in order
    saved_searches: list[SavedSearchRecord] = field(default_factory=list)
    # What only the lossless JSON carries beyond the views, by public id (filled for that format only).
    extras: dict[str, PaperExtras] = field(default_factory=dict)
    exported: datetime = field(default_factory=lambda: datetime.now(UTC))
    cancel: threading.Event | None = None  # set by the user: the writer stops before writing anything
    # Citation keys by public id when they are pinned (an auto-export's); by default each export makes them.
    keys: dict[str, str] = field(default_factory=dict)
    # How many papers the whole export holds, when ``papers`` are only its first few (a preview's).
    total: int | None = None

    @property
    def count(self) -> int:
        """The number of papers the export writes: what its header says, in a preview too."""
        return len(self.papers) if self.total is None else self.total

    def citation_keys(self) -> dict[str, str]:
        """The pinned keys, else readable keys unique within this export."""
        return self.keys or citation_keys(self.papers)

    def each(self, progress: Progress = no_progress) -> Iterator[Paper]:
        """The papers in order, reporting ``("export", done, total)`` as a writer goes; raises
        Cancelled when ``cancel`` is set (writers write only after the last paper, so nothing is)."""
        total = len(self.papers)
        progress("export", 0, total)
        for done, paper in enumerate(self.papers, 1):
            yield paper
            if done % PROGRESS_STEP == 0 or done == total:
                if self.cancel is not None and self.cancel.is_set():
                    raise Cancelled("export cancelled; nothing was written")
                progress("export", done, total)


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: how many papers, where, and for a vault how many files changed."""

    format: str
    path: Path
    papers: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        text = f"exported {self.papers} paper{'s' * (self.papers != 1)} as {self.format} to {self.path}"
        if self.format == "obsidian":
            text += f" ({self.created} new, {self.updated} updated, {self.unchanged} unchanged files)"
        return text
