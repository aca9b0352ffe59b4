"""Auto-exports: a BibTeX or CSL-JSON file kept current with a collection, for writers who cite from it.

No daemon: the process that commits a write (the app, a CLI command, a script's Library) rewrites the
auto-exports the write may alter right after its commit, atomically, and only when the text changed.
Citation keys are pinned the first time a paper is exported (``store.autoexports.pinned_keys``), so a
document citing the file never breaks when a title or year is corrected. A rewrite that fails (a missing
folder, a full disk) never fails the user's write: it is kept as the export's error, reported, and tried
again on the next change. One rewrite of an export at a time on this machine (a lock file in the library
folder), each reading the database once it holds the lock, so the last one to write wrote the newest state.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from readerapp.choices import AUTO_EXPORT_FORMATS as AUTO_FORMATS
from readerapp.errors import ExportError, NotFoundError, ReaderappError
from readerapp.export.atomic import check_folder, write_atomically
from readerapp.export.bundle import ExportBundle
from readerapp.export.names import base_key
from readerapp.export.scope import Scope
from readerapp.export.writer import render
from readerapp.store import autoexports as store
from readerapp.store import collections
from readerapp.store.lock import claimed

if TYPE_CHECKING:
    from readerapp.api import Library

MAX_TOUCHED = 900  # a write touching more papers than this checks every auto-export instead
_FAILURES = (ReaderappError, OSError, SQLAlchemyError)


def start(library: Library, name: str, fmt: str, destination: str | Path) -> store.AutoExportInfo:
    """Keep ``destination`` current with collection ``name`` in ``fmt``, writing it now; a destination
    whose folder cannot be written is refused before anything is saved."""
    if fmt not in AUTO_FORMATS:
        raise ExportError(f"an auto-export is {' or '.join(AUTO_FORMATS)}, not {fmt!r}")
    path = Path(destination).expanduser().absolute()
    if path.is_dir():
        raise ExportError(f"cannot write to {path}: it is a folder (give a file name)")
    check_folder(path.parent)
    with library.db.session() as session:
        found = collections.find_collection(session, name)
        if found is None:
            raise _not_a_collection(session, name)
        export_id = store.set_for(session, library.user_id, found, fmt, str(path))
    info = store.AutoExportInfo(export_id, name, fmt, str(path), None)
    error = _rewrite(library, info)
    if error is not None:
        raise ExportError(f"{error} (the auto-export is set: the next change tries again; --off stops it)")
    return info


def stop(library: Library, name: str) -> None:
    """Stop keeping the collection's file current (the file stays as it is)."""
    with library.db.session() as session:
        found = collections.find_collection(session, name)
        if found is None:
            raise _not_a_collection(session, name)
        if not store.drop_for(session, library.user_id, found):
            raise ReaderappError(f"the collection {name!r} has no auto-export")


def listed(library: Library) -> list[store.AutoExportInfo]:
    with library.db.session() as session:
        return store.listed(session, library.user_id)


def refresh(library: Library, touched: Sequence[int] | None) -> list[str]:
    """Rewrite the auto-exports a committed change to ``touched`` papers (internal ids; None: anything)
    may alter, and those that failed before; one warning line per export that still fails."""
    if touched is not None and len(touched) > MAX_TOUCHED:
        touched = None
    try:
        with library.db.session() as session:
            exports = store.listed(session, library.user_id, touching=touched)
    except _FAILURES as exc:
        return [f"auto-exports not brought up to date: {exc}"]
    warnings = []
    for export in exports:
        error = _rewrite(library, export)
        if error is not None:
            name = export.collection
            warnings.append(f"auto-export of {name!r} not written ({error}); the next change retries it")
    return warnings


def _rewrite(library: Library, export: store.AutoExportInfo) -> str | None:
    """Write the export's file if its text changed; the error (also kept in the database), or None."""
    try:
        with claimed(library.path / f".autoexport-{export.id}.lock", _pause):
            text = _text(library, export)
            path = Path(export.path)
            if _current(path) != text:
                write_atomically(path, text)
    except _FAILURES as exc:
        error = str(exc) or type(exc).__name__
        _keep_error(library, export, error)
        return error
    if export.error is not None:
        _keep_error(library, export, None)
    return None


def _text(library: Library, export: store.AutoExportInfo) -> str:
    """The export's text now, each paper under its pinned key (new papers get theirs pinned here)."""
    with library.db.session() as session:
        members = collections.member_ids(session, collections.require_collection(session, export.collection))
        public = collections.public_ids(session, members)
    if not public:
        return render(ExportBundle(Scope.of("collection", export.collection).describe(), []), export.format)
    bundle = library.export_bundle(Scope.ids(public))
    internal = dict(zip(public, members, strict=True))
    papers = {internal[paper.id]: paper for paper in bundle.papers}
    with library.db.session() as session:
        keys = store.pinned_keys(session, export.id, list(papers), lambda key: base_key(papers[key]))
    bundle.keys = {paper.id: keys[paper_id] for paper_id, paper in papers.items()}
    return render(bundle, export.format)


def _current(path: Path) -> str | None:
    """The file's text as it is, or None when it cannot be read (then it is written)."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _keep_error(library: Library, export: store.AutoExportInfo, error: str | None) -> None:
    try:
        with library.db.session() as session:
            store.set_error(session, export.id, error)
    except _FAILURES:
        pass  # the database cannot be written either: the warning says what failed


def _pause() -> None:
    time.sleep(0.02)


def _not_a_collection(session: Session, name: str) -> ReaderappError:
    if collections.find_saved_search(session, name) is not None:
        return ReaderappError(f"{name!r} is a saved search: only a collection can be auto-exported")
    return NotFoundError(f"no collection called {name!r}")
