"""The Library facade: the one object the CLI, the app and scripts talk to.

A door, not a house: every method hands its work to one of the services in ``readerapp.services``,
which share the library's settings, database and user (``LibraryContext``). Every method opens its own
short transaction, so one Library can serve a GUI's worker threads and a script alike. Writes return
``Changes`` (the ids touched and the typed inverse operations that undo them, see ``store.undo``) and
append to the change log, from which the search index catches up.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from readerapp.choices import DB_FILE
from readerapp.config import Config, load_config
from readerapp.export.bundle import ExportBundle, ExportResult
from readerapp.export.scope import Scope
from readerapp.feeds.registry import FeedWindow
from readerapp.membership import ListFilter
from readerapp.paper import Changes, HighlightView, Paper
from readerapp.progress import Progress, no_progress
from readerapp.records import SyncRunView
from readerapp.services import health
from readerapp.services.annotations import Annotations
from readerapp.services.backups import Backups
from readerapp.services.collections import Collections
from readerapp.services.context import LibraryContext
from readerapp.services.exports import Exports
from readerapp.services.intake import Intake
from readerapp.services.pdf_annotations import PdfAnnotations
from readerapp.services.pdf_files import PdfFiles
from readerapp.services.reading import Reading, list_filter
from readerapp.services.tags import Tags
from readerapp.store import changes
from readerapp.store.collections import CollectionInfo
from readerapp.store.database import Database
from readerapp.store.doctor import DoctorReport
from readerapp.sync import SyncReport

if TYPE_CHECKING:
    from readerapp.choices import CitationKind
    from readerapp.index.keeper import IndexKeeper
    from readerapp.index.search_index import Hit as Hit  # re-exported for typing: Whoosh loads lazily
    from readerapp.pdfs.download import PdfClient
    from readerapp.pdfs.position import PdfPosition
    from readerapp.pdfs.service import PdfFetchReport
    from readerapp.store.autoexports import AutoExportInfo
    from readerapp.store.backups import Backup as Backup  # re-exported for typing

# The facade: the Library, and the types the app and the CLI take from it (the `ui` and `cli` import
# contracts send them here rather than into the store or the index). ``Hit`` and ``Backup`` are
# re-exported above for type checking only, so they are not listed: they do not exist at run time.
__all__ = [
    "DB_FILE",
    "CollectionInfo",
    "ExportResult",
    "Library",
    "SyncReport",
    "damage_and_backup",
    "restore_library",
]


def damage_and_backup(library_dir: Path) -> tuple[str | None, Backup | None]:
    """For a library that would not open: what SQLite's ``quick_check`` finds wrong with its database
    (None: it is sound, or cannot be looked at, so no backup is offered) and then the newest backup."""
    from readerapp.store.backups import damage_found, newest_restorable

    problem = damage_found(library_dir / DB_FILE)
    return problem, newest_restorable(library_dir / "backups") if problem is not None else None


def restore_library(library_dir: Path, source: Path) -> Path:
    """Put the backup ``source`` in place of the library's database without opening it (it may be too
    damaged to open); returns where the replaced file was saved."""
    from readerapp.store.backups import restore

    return restore(library_dir / DB_FILE, source, library_dir / "backups", library_dir / "index")


class Library:
    """A reading library on disk (or on a shared database): papers, and what this user made of them."""

    def __init__(self, config: Config, db: Database) -> None:
        from readerapp import autoexport

        self._ctx = ctx = LibraryContext(config, db, lambda paper_ids: autoexport.refresh(self, paper_ids))
        self._reading = Reading(ctx)
        self._annotations = Annotations(ctx)
        self._tags = Tags(ctx)
        self._pdfs = PdfFiles(ctx)
        self._pdf_marks = PdfAnnotations(ctx, self._reading, self._pdfs)
        self._intake = Intake(ctx, self._pdfs)
        self._collections = Collections(ctx)
        self._exports = Exports(ctx, self._reading, self._collections)
        self._backups = Backups(ctx)

    # -- opening -----------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None, **settings: Any) -> Library:
        """Create or open the library at ``path`` (default: ``READERAPP_LIBRARY``, then the platform's)."""
        config = load_config(path, **settings)
        config.library.mkdir(parents=True, exist_ok=True)
        if config.database_url:
            db = Database.open_url(config.database_url)
        else:
            db = Database.open_sqlite(config.library / DB_FILE, config.library / "backups")
        try:
            return cls(config, db)
        except BaseException:
            db.close()  # its lock too, or a restore in this process would be refused
            raise

    def close(self) -> None:
        self._ctx.close_keeper()
        self._ctx.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def config(self) -> Config:
        return self._ctx.config

    @config.setter
    def config(self, config: Config) -> None:
        self._ctx.config = config

    @property
    def db(self) -> Database:
        return self._ctx.db

    @property
    def user_name(self) -> str:
        return self._ctx.user_name

    @property
    def user_id(self) -> int:
        return self._ctx.user_id

    @property
    def path(self) -> Path:
        return self._ctx.path

    # -- reading -----------------------------------------------------------------------------------

    def get(self, ident: str) -> Paper:
        """One paper in full (abstract, note, highlights), by arXiv id, URL, local id or DOI."""
        return self._reading.get(ident)

    def list(
        self,
        state: str | None = None,
        tag: str | None = None,
        starred: bool | None = None,
        collection: str | None = None,
        feed_day: date | None = None,
        limit: int | None = None,
        sort: str = "feed",
    ) -> builtins.list[Paper]:
        """Light views (no abstract, note or highlights) of the papers in a view, in its order."""
        return builtins.list(self.iter_list(state, tag, starred, collection, feed_day, limit, sort))

    def iter_list(
        self,
        state: str | None = None,
        tag: str | None = None,
        starred: bool | None = None,
        collection: str | None = None,
        feed_day: date | None = None,
        limit: int | None = None,
        sort: str = "feed",
        chunk: int = 2_000,
    ) -> Iterator[Paper]:
        """``list``, read ``chunk`` papers at a time: a consumer of 100k papers (``readerapp list``)
        starts at once and holds one chunk's rows, not every row before the first."""
        where = list_filter(state, tag, starred, collection, feed_day)
        return self._reading.iter_list(where, sort, limit, chunk)

    def list_ids(
        self,
        state: str | None = None,
        tag: str | None = None,
        starred: bool | None = None,
        collection: str | None = None,
        feed_day: date | None = None,
        sort: str = "feed",
    ) -> builtins.list[str]:
        """Public ids of a view in order: what a list widget needs to show 100k rows lazily."""
        return self.ids_in(list_filter(state, tag, starred, collection, feed_day), sort)

    def ids_in(self, where: ListFilter, sort: str = "feed") -> builtins.list[str]:
        """Public ids of the list ``where`` describes (the rule a window's local edits follow), in order."""
        return self._reading.list_ids(where, sort)

    def rows(self, ids: Sequence[str]) -> builtins.list[Paper]:
        """Light views for these public ids, in their order (unknown ids are skipped)."""
        return self._reading.rows(ids)

    def counts(self) -> dict[str, int]:
        return self._reading.counts()

    def tag_counts(self) -> dict[str, int]:
        return self._reading.tag_counts()

    def feed_days(self, limit: int = 14) -> builtins.list[tuple[date, int]]:
        return self._reading.feed_days(limit)

    # -- triage ------------------------------------------------------------------------------------

    def set_state(self, ids: Iterable[str], state: str, *, when: datetime | None = None) -> Changes:
        """Move papers to ``inbox``, ``reading``, ``done`` or ``archived``."""
        return self._annotations.set_state(ids, state, when)

    def star(self, ids: Iterable[str], on: bool = True) -> Changes:
        return self._annotations.star(ids, on)

    def tag(self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()) -> Changes:
        """Add and remove tags on papers; tags are created on first use (and undo deletes them again)."""
        return self._tags.tag(ids, add, remove)

    def set_note(self, ident: str, markdown: str) -> Changes:
        """Replace the paper's Markdown note (an empty text deletes it)."""
        return self._annotations.set_note(ident, markdown)

    def add_highlight(
        self,
        ident: str,
        text: str,
        comment: str | None = None,
        color: str | None = None,
        *,
        field: str = "abstract",
        start: int | None = None,
    ) -> Changes:
        """Highlight the quoted ``text`` in the paper's abstract (or title), anchored by the quote."""
        return self._annotations.add_highlight(ident, text, comment, color, field, start)

    def edit_highlight(
        self, highlight_id: int, *, color: str | None = None, comment: str | None = None
    ) -> Changes:
        """Recolour a highlight or change its comment (``comment=""`` removes it)."""
        return self._annotations.edit_highlight(highlight_id, color, comment)

    def delete_highlight(self, highlight_id: int) -> Changes:
        return self._annotations.delete_highlight(highlight_id)

    def undo(self, changes: Changes) -> Changes:
        """Revert exactly ``changes``, all of it in one transaction or (on any error) nothing, with the
        times, positions and ids it replaced; the result undoes the undo (that is redo)."""
        return self._annotations.undo(changes)

    # -- bringing papers in --------------------------------------------------------------------------

    def sync(
        self,
        source: str = "hf",
        *,
        date: date | None = None,
        week: str | None = None,
        month: str | None = None,
        since: date | None = None,
        category: str | None = None,
        refresh: bool = False,
        progress: Progress = no_progress,
        cancel: threading.Event | None = None,
    ) -> SyncReport:
        """Fetch a feed window and merge it; re-syncing never duplicates and never touches user data.

        Each feed takes only the window options it declares (``feeds.registry``). arXiv answers are
        kept until arXiv's next daily update, so a re-sync the same day asks arXiv nothing;
        ``refresh=True`` asks again anyway."""
        window = FeedWindow(date, week, month, since, category)
        return self._intake.sync(source, window, refresh=refresh, progress=progress, cancel=cancel)

    def import_file(
        self, path: str | Path, *, sample: bool = False, progress: Progress = no_progress
    ) -> SyncReport:
        """Import a file whose format is sniffed from its content; a malformed file changes nothing.

        A reference file (BibTeX, RIS, CSL-JSON) skips an item it cannot read and goes on: the report's
        ``skipped`` says which and why. PDFs its entries name that exist are attached afterwards
        (``attached``); one that cannot be is reported in ``skipped`` too, the paper stays imported."""
        return self._intake.import_file(path, sample=sample, progress=progress)

    def attach_pdfs(self, files: Iterable[tuple[str, Path]]) -> PdfFetchReport:
        """Store PDFs the user already has for these papers (any id ``find_paper`` takes, and a file), as
        a fetch stores a download: verified, text extracted, named by the ``pdf_name`` template. A paper
        whose PDF is on disk keeps it (``already``); a file that is no PDF is reported in ``failed``."""
        return self._pdfs.attach(files)

    def add(self, ids_or_urls: Iterable[str], *, progress: Progress = no_progress) -> SyncReport:
        """Add papers by arXiv id or URL, fetching their metadata from the arXiv API."""
        return self._intake.add(ids_or_urls, progress=progress)

    def import_sample_if_empty(self) -> SyncReport | None:
        """First launch of the app on an empty library: bring in the bundled sample day, marked as such."""
        return self._intake.import_sample_if_empty()

    def remove_sample(self) -> Changes:
        """Delete the sample papers that nothing but the sample brought in, and the PDFs fetched for them;
        on a library shared with colleagues, those a colleague left something on stay."""
        return self._intake.remove_sample()

    def sync_runs(self, limit: int = 10) -> builtins.list[SyncRunView]:
        """The last ``limit`` syncs and imports, the newest first (the app's sync log)."""
        return self._intake.recent_runs(limit)

    # -- search ------------------------------------------------------------------------------------

    @property
    def keeper(self) -> IndexKeeper:
        """The search index's single writer; opened (and rebuilt if missing or damaged) on first use,
        so a CLI command that never searches never loads Whoosh."""
        return self._ctx.keeper

    def search(self, query: str, limit: int = 50, sort: str = "relevance") -> builtins.list[Hit]:
        """Full-text search (see the README's query language); sees every change this thread made, and
        others' once their index catch-up is committed."""
        return self.keeper.search(query, limit=limit, sort=sort)

    def similar(self, ident: str, limit: int = 10) -> builtins.list[Hit]:
        """Papers like this one, by title and abstract."""
        return self.keeper.similar(self.get(ident).id, limit=limit)

    def for_you(self, limit: int = 50) -> builtins.list[Hit]:
        """The inbox ranked by a model of what this user keeps (starred, tagged, reading, done) against
        what they archive unread; each hit says which terms explain its rank."""
        seeds, discarded = self._reading.interest_seeds(), self._reading.discarded()
        return self.keeper.for_you(seeds, limit=limit, discarded_ids=discarded)

    def reindex(self, progress: Progress = no_progress, cancel: threading.Event | None = None) -> int:
        """Rebuild the search index from the database; returns the number of papers indexed."""
        return self.keeper.rebuild(progress, cancel)

    # -- changes by others -------------------------------------------------------------------------

    def last_change_id(self) -> int:
        """Where the change log stands now: remember it, then ask what changed since."""
        with self.db.session() as session:
            return changes.last_change_id(session)

    def changes_since(self, after: int) -> tuple[int, builtins.list[str]]:
        """Public ids changed (by anyone: this process, a CLI, another machine) after change ``after``."""
        with self.db.session() as session:
            return changes.changes_since(session, after)

    def wait_for_changes(self, after: int, timeout: float = 5.0) -> tuple[int, builtins.list[str]]:
        """Like ``changes_since`` but waits up to ``timeout`` seconds for something to change: at once
        on PostgreSQL (LISTEN/NOTIFY), by polling on SQLite. One call, one wait: a thread that keeps
        watching takes a ``change_feed`` instead."""
        with self.change_feed(after) as feed:
            return feed.next(timeout)

    def change_feed(self, after: int | None = None) -> changes.ChangeFeed:
        """Changes by anyone after change ``after`` (by default: from now), batch by batch, for a watcher
        thread: ``next(timeout)`` in a loop, ``stop()`` from any thread, ``close()`` when done. On
        PostgreSQL it keeps one listening connection, and catches up after a lost one."""
        return changes.ChangeFeed(self.db, after)

    # -- health ------------------------------------------------------------------------------------

    def doctor(self, repair: bool = False) -> DoctorReport:
        """Check the library's consistency; with ``repair``, fix what can be fixed safely."""
        return health.doctor(self._ctx, repair)

    # -- PDFs --------------------------------------------------------------------------------------

    def fetch_pdfs(
        self,
        ids: Iterable[str],
        progress: Progress = no_progress,
        cancel: threading.Event | None = None,
        *,
        force: bool = False,
        client: PdfClient | None = None,
        workers: int | None = None,
    ) -> PdfFetchReport:
        """Download, verify and extract the PDFs of these papers, a few at a time and politely.

        A paper whose PDF is stored and on disk is skipped unless ``force``, and so is one whose PDF
        another fetch (here or in another process) stored while this one waited for it. One that fails is
        reported in ``failed`` and stays without a PDF, so a later call tries again (resuming a partial
        file). The text goes into ``pdf_text`` and the paper is logged as changed, so the index learns it.
        ``client`` (tests inject one with fake sleeps) brings its own cancel event.
        """
        return self._pdfs.fetch(ids, progress, cancel, force, client, workers)

    def pdf_file(self, ident: str) -> Path | None:
        """The paper's stored PDF if it is on disk (the viewer opens this), else None."""
        return self._pdfs.file(ident)

    def reading_position(self, ident: str) -> PdfPosition | None:
        """Where this user stopped reading the paper's PDF, if they ever opened it."""
        return self._pdfs.position(ident)

    def save_reading_position(self, ident: str, position: PdfPosition) -> None:
        """Remember the reading position (not a change the index or undo cares about)."""
        self._pdfs.save_position(ident, position)

    # -- collections and export --------------------------------------------------------------------

    def collections(self) -> builtins.list[CollectionInfo]:
        """Collections (with their sizes), then saved searches: what the sidebar lists."""
        return self._collections.listed()

    def collection_ids(self, name: str) -> builtins.list[str]:
        """Public ids of a collection in its order; a saved search runs its query (a live collection)."""
        return self._collections.ids(name)

    def add_to_collection(self, name: str, ids: Iterable[str]) -> Changes:
        """Append papers to a collection (created when missing); papers already in it stay where they are."""
        return self._collections.add(name, ids)

    def remove_from_collection(self, name: str, ids: Iterable[str]) -> Changes:
        """Take papers out of a collection; undo puts them back at their exact places."""
        return self._collections.remove(name, ids)

    def reorder_collection(self, name: str, ids: Sequence[str]) -> Changes:
        """Give a collection a new order: ``ids`` lists every one of its papers once."""
        return self._collections.reorder(name, ids)

    def rename_collection(self, name: str, new_name: str) -> Changes:
        """Rename a collection or a saved search."""
        return self._collections.rename(name, new_name)

    def delete_collection(self, name: str) -> Changes:
        """Delete a collection (its papers stay in the library) or a saved search; undo brings it back
        as it was: its id, creation time and (a collection's) papers at their places."""
        return self._collections.delete(name)

    def save_search(self, name: str, query: str, *, created: datetime | None = None) -> Changes:
        """Save a search as a live collection (or change a saved search's query); ``created`` dates a
        new one (an import keeps its time)."""
        return self._collections.save_search(name, query, created=created)

    def create_collection(self, name: str, scope: Scope) -> Changes:
        """A collection made from a view, a tag, a search, another collection or a selection."""
        return self._collections.add(name, self.scope_ids(scope))

    def scope_ids(self, scope: Scope) -> builtins.list[str]:
        """Public ids of the papers in a scope, in its order (a collection's, relevance, feed)."""
        return self._exports.scope_ids(scope)

    def export_bundle(
        self, scope: Scope, *, limit: int | None = None, lossless: bool = False
    ) -> ExportBundle:
        """The scope's papers in full, with the collections and saved searches, ready for any writer.

        ``lossless`` (the JSON format) adds each paper's extras and lists the papers in the order the
        library added them, so an import adds them in that order and the "added" sort comes back."""
        return self._exports.bundle(scope, limit=limit, lossless=lossless)

    def export(
        self,
        scope: Scope,
        fmt: str,
        destination: str | Path,
        *,
        progress: Progress = no_progress,
        cancel: threading.Event | None = None,
    ) -> ExportResult:
        """Write the scope's papers and annotations in ``fmt`` (see ``readerapp.export.bundle.FORMATS``);
        setting ``cancel`` stops it with Cancelled and nothing written."""
        return self._exports.export(scope, fmt, destination, progress, cancel)

    def export_preview(self, scope: Scope, fmt: str, papers: int = 3) -> str:
        """The start of an export, for a dialog's preview: the first few papers in that format."""
        return self._exports.preview(scope, fmt, papers)

    def autoexport(self, name: str, fmt: str, destination: str | Path) -> AutoExportInfo:
        """Keep ``destination`` current with collection ``name`` (``bibtex`` or ``csl-json``): written
        now, and again after every write that changes what it holds; citation keys never change."""
        from readerapp import autoexport

        return autoexport.start(self, name, fmt, destination)

    def autoexport_off(self, name: str) -> None:
        """Stop keeping the collection's auto-export current; the file stays."""
        from readerapp import autoexport

        autoexport.stop(self, name)

    def autoexports(self) -> builtins.list[AutoExportInfo]:
        """This user's auto-exports, each with the error of its last rewrite (None when it was written)."""
        from readerapp import autoexport

        return autoexport.listed(self)

    def take_autoexport_warnings(self) -> builtins.list[str]:
        """Why auto-exports could not be rewritten since the last call (the writes themselves stood)."""
        return self._ctx.take_warnings()

    # -- backups -----------------------------------------------------------------------------------

    def backup_if_due(self) -> Backup | None:
        """Take today's backup unless there is one, keeping the last ``backups_kept``; cheap when
        there is (a folder listing), a file copy when not: call it from a worker once the library is
        open. A damaged database raises DatabaseDamaged, which names the newest backup to restore."""
        return self._backups.if_due()

    def backup_now(self) -> Backup:
        """A backup taken now (``readerapp backup``), outside the daily rotation."""
        return self._backups.now()

    def backups(self) -> builtins.list[Backup]:
        """Every backup of the database (daily, before a migration, before a restore), newest first."""
        return self._backups.listed()

    def restore_backup(self, path: str | Path) -> Path:
        """Replace the database by the backup at ``path``; returns where the current one was saved first.

        Every connection of this Library is closed and reopened (a backup from an older schema is
        migrated), and the search index is dropped to be rebuilt from the restored papers on the next
        search. While another process (or another Library here) has the library open, ``Busy`` says
        so and nothing changes: closing this one drops its own share of the lock, so only others
        count.
        """
        return self._backups.restore(path)

    # -- tags --------------------------------------------------------------------------------------

    def rename_tag(self, old: str, new: str) -> Changes:
        """Rename a tag on every paper that carries it (a change of case too); undo renames it back.

        Saved searches follow: their ``tag:OLD`` terms become ``tag:NEW`` in the same transaction
        (``Changes.searches`` names them), and undo puts their queries back exactly as they were.
        Renaming onto another existing tag is refused with a pointer to ``merge_tags``."""
        return self._tags.rename(old, new)

    def merge_tags(self, sources: Iterable[str], into: str) -> Changes:
        """Fold tags into one: every paper carrying one of ``sources`` carries ``into`` instead (created
        when new), and the sources are gone. Undo brings each source back (its id, papers and the time
        each paper got it) and takes ``into`` from the papers that did not carry it before."""
        return self._tags.merge(sources, into)

    # -- annotations on PDF pages (issue 16) -------------------------------------------------------

    def add_pdf_highlight(
        self,
        ident: str,
        page: int,
        text: str = "",
        *,
        quads: Sequence[Sequence[float]] | None = None,
        comment: str | None = None,
        color: str | None = None,
        kind: str = "highlight",
    ) -> Changes:
        """Highlight ``text`` on page ``page`` (1-based) of the paper's PDF: at the quads given, or where
        PyMuPDF finds the text first on that page. ``kind="note"`` pins ``comment`` to a point (one quad)."""
        return self._pdf_marks.add(ident, page, text, quads, comment, color, kind)

    def pdf_highlights(self, ident: str) -> builtins.list[HighlightView]:
        """Every reader's annotations on the paper's PDF, in page order (edit and delete them with
        ``edit_highlight`` and ``delete_highlight``, undone like any highlight)."""
        return self._pdf_marks.highlights(ident)

    def import_pdf_annotations(self, ident: str) -> Changes:
        """Read in the highlights and notes another reader wrote into the stored PDF, marked as imported;
        what was read in before (or is in the library already) is not added again."""
        return self._pdf_marks.import_into(ident)

    def export_annotated_pdf(self, ident: str, target: str | Path) -> int:
        """Write a copy of the paper's PDF with its annotations as real PDF annotations (what Zotero,
        Okular and browsers show) to ``target``; returns how many were written."""
        return self._pdf_marks.export_annotated(ident, Path(target))

    def citation(self, ident: str, kind: CitationKind) -> str:
        """One paper as ``bibtex`` (its entry), ``citekey`` or ``link``, to paste into a manuscript."""
        return self._exports.citation(self.get(ident).id, kind)
