"""The Library facade: the one object the CLI, the app and scripts talk to.

Every method opens its own short transaction, so one Library can serve a GUI's worker threads and a
script alike. Writes return ``Changes`` (the ids touched and the typed inverse operations that undo
them, see ``store.undo``) and append to the change log, from which the search index catches up.
"""

from __future__ import annotations

import builtins
import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from readerapp.choices import DB_FILE
from readerapp.config import Config, load_config
from readerapp.disk import as_disk_full, room_note
from readerapp.errors import Cancelled, DiskFull, ExportError, LibraryError, NotFoundError, ReaderappError
from readerapp.export.bundle import ExportBundle, ExportResult
from readerapp.export.scope import Scope
from readerapp.paper import Changes, Paper
from readerapp.progress import Progress, no_progress
from readerapp.records import STATES, Skipped
from readerapp.store import annotations as notes_and_tags
from readerapp.store import changes, identity, queries
from readerapp.store import undo as inverses
from readerapp.store.changes import log_changes, touch
from readerapp.store.collections import CollectionInfo
from readerapp.store.database import Database
from readerapp.store.doctor import DoctorReport, Finding, check_database
from readerapp.store.models import Highlight, User
from readerapp.store.models import Paper as PaperRow
from readerapp.sync import Batch, SyncReport, describe_window, fetch, run_merge

if TYPE_CHECKING:
    from readerapp.export.citation import CitationKind
    from readerapp.feeds.result import FetchResult
    from readerapp.formats.readerapp_json import ImportedFile
    from readerapp.index.keeper import IndexKeeper
    from readerapp.index.search_index import Hit
    from readerapp.pdfs.download import PdfClient
    from readerapp.pdfs.position import PdfPosition
    from readerapp.pdfs.service import FetchedPdf, PdfFetchReport
    from readerapp.store.autoexports import AutoExportInfo
    from readerapp.store.backups import Backup



class Library:
    """A reading library on disk (or on a shared database): papers, and what this user made of them."""

    def __init__(self, config: Config, db: Database) -> None:
        self.config = config
        self.db = db
        self.user_name, self.user_id = self._identify()
        self._keeper: IndexKeeper | None = None
        self._keeper_lock = threading.Lock()
        # Why an auto-export could not be rewritten after a write (the write itself stood): the CLI
        # prints these, the app shows them (``take_autoexport_warnings``).
        self._autoexport_warnings: builtins.list[str] = []
        self._warnings_lock = threading.Lock()  # writer threads add, the GUI thread takes

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

    def _identify(self) -> tuple[str, int]:
        """Who this library's user is (see ``store.identity``): their name and user id."""
        with self.db.session() as session:
            name = identity.library_user(session, self.config.user, self.config.user_name)
            return name, identity.user_id_for(session, name)

    def close(self) -> None:
        if self._keeper is not None:
            self._keeper.close()
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self.config.library

    # -- reading -----------------------------------------------------------------------------------

    def get(self, ident: str) -> Paper:
        """One paper in full (abstract, note, highlights), by arXiv id, URL, local id or DOI."""
        with self.db.session() as session:
            row = queries.resolve(session, ident)
            return self._absolute_pdfs(queries.views(session, [row.id], self.user_id, full=True))[0]

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
        query = self._view_query(state, tag, starred, collection, feed_day, sort)
        if limit is not None:
            query = query.limit(limit)
        with self.db.session() as session:  # the view's ids now, at the call: its rows as they are read
            ids = builtins.list(session.scalars(query))

        def chunks() -> Iterator[Paper]:
            for start in range(0, len(ids), chunk):
                with self.db.session() as session:
                    part = queries.views(session, ids[start : start + chunk], self.user_id)
                yield from self._absolute_pdfs(part)

        return chunks()

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
        query = self._view_query(state, tag, starred, collection, feed_day, sort)
        with self.db.session() as session:
            rows = session.execute(query.with_only_columns(PaperRow.arxiv_id, PaperRow.local_id))
            return [arxiv_id or local_id for arxiv_id, local_id in rows]

    def _view_query(
        self,
        state: str | None,
        tag: str | None,
        starred: bool | None,
        collection: str | None,
        feed_day: date | None,
        sort: str,
    ) -> Any:
        _check_state(state)
        return queries.filtered_ids_query(
            self.user_id,
            state=state,
            tag=tag,
            starred=starred,
            collection=collection,
            feed_day=feed_day,
            sort=sort,
        )

    def rows(self, ids: Sequence[str]) -> builtins.list[Paper]:
        """Light views for these public ids, in their order (unknown ids are skipped)."""
        with self.db.session() as session:
            internal = _internal_ids(session, ids)
            found = [internal[i] for i in ids if i in internal]
            return self._absolute_pdfs(queries.views(session, found, self.user_id))

    def counts(self) -> dict[str, int]:
        with self.db.session() as session:
            return queries.counts(session, self.user_id)

    def tag_counts(self) -> dict[str, int]:
        with self.db.session() as session:
            return queries.tag_counts(session)

    def feed_days(self, limit: int = 14) -> builtins.list[tuple[date, int]]:
        with self.db.session() as session:
            return queries.feed_days(session, limit)

    # -- triage ------------------------------------------------------------------------------------

    def set_state(self, ids: Iterable[str], state: str, *, when: datetime | None = None) -> Changes:
        """Move papers to ``inbox``, ``reading``, ``done`` or ``archived``."""
        _check_state(state, required=True)
        with self.db.session() as session:
            touched: builtins.list[PaperRow] = []
            before = []
            for row in queries.resolve_many(session, list(ids)):
                was = inverses.StateWas.of(notes_and_tags.state_row(session, row.id, self.user_id))
                if notes_and_tags.set_state(session, row.id, self.user_id, state, when) != state:
                    touched.append(row)
                    before.append(was)
            inverse = [inverses.RestoreStates(self.user_id, tuple(before))] if before else []
            return self._changed(session, "set_state", touched, inverse)

    def star(self, ids: Iterable[str], on: bool = True) -> Changes:
        with self.db.session() as session:
            touched: builtins.list[PaperRow] = []
            before = []
            for row in queries.resolve_many(session, list(ids)):
                was = inverses.StarWas.of(notes_and_tags.state_row(session, row.id, self.user_id))
                if notes_and_tags.set_starred(session, row.id, self.user_id, on) != on:
                    touched.append(row)
                    before.append(was)
            inverse = [inverses.RestoreStars(self.user_id, tuple(before))] if before else []
            return self._changed(session, "star", touched, inverse)

    def tag(self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()) -> Changes:
        """Add and remove tags on papers; tags are created on first use (and undo deletes them again)."""
        to_add = [notes_and_tags.normalize_tag(t) for t in add]
        to_remove = [notes_and_tags.normalize_tag(t) for t in remove]
        with self.db.session() as session:
            new_tags = [t for t in dict.fromkeys(to_add) if notes_and_tags.find_tag(session, t) is None]
            touched: builtins.list[PaperRow] = []
            links: builtins.list[inverses.TagLink] = []
            for row in queries.resolve_many(session, list(ids)):
                before = inverses.RestoreTagLinks.of(session, [(row.id, t) for t in [*to_remove, *to_add]])
                removed = notes_and_tags.remove_tags(session, row.id, to_remove)
                added = notes_and_tags.add_tags(session, row.id, to_add)
                if added or removed:
                    touched.append(row)
                    changed = {t.lower() for t in [*removed, *added]}
                    links.extend(link for link in before.links if link.tag.lower() in changed)
            undo: list[inverses.Inverse] = [inverses.RestoreTagLinks(tuple(links))] if links else []
            undo.extend(inverses.DropTag(t) for t in new_tags if touched)  # made by this write
            return self._changed(session, "tag", touched, undo)

    def set_note(self, ident: str, markdown: str) -> Changes:
        """Replace the paper's Markdown note (an empty text deletes it)."""
        with self.db.session() as session:
            row = queries.resolve(session, ident)
            was = inverses.RestoreNote.of(session, row.id, self.user_id)
            if notes_and_tags.set_note(session, row.id, self.user_id, markdown) == markdown:
                return Changes("set_note", ())
            return self._changed(session, "set_note", [row], [was])

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
        with self.db.session() as session:
            row = queries.resolve(session, ident)
            try:
                highlight = notes_and_tags.add_highlight(
                    session, row, self.user_id, text, field=field, start=start, color=color, comment=comment
                )
            except ValueError as exc:
                raise ReaderappError(str(exc)) from exc
            return self._changed(session, "add_highlight", [row], [inverses.DeleteHighlight(highlight.id)])

    def edit_highlight(
        self, highlight_id: int, *, color: str | None = None, comment: str | None = None
    ) -> Changes:
        """Recolour a highlight or change its comment (``comment=""`` removes it)."""
        with self.db.session() as session:
            highlight = _highlight(session, highlight_id, self.user_id)
            inverse = inverses.RestyleHighlight(highlight_id, highlight.color, highlight.comment)
            if color is not None:
                highlight.color = color
            if comment is not None:
                highlight.comment = comment or None
            row = session.get_one(PaperRow, highlight.paper_id)
            return self._changed(session, "edit_highlight", [row], [inverse])

    def delete_highlight(self, highlight_id: int) -> Changes:
        with self.db.session() as session:
            h = _highlight(session, highlight_id, self.user_id)
            row = session.get_one(PaperRow, h.paper_id)
            inverse = inverses.RestoreHighlight.of(h)
            session.execute(delete(Highlight).where(Highlight.id == highlight_id))
            return self._changed(session, "delete_highlight", [row], [inverse])

    def undo(self, changes: Changes) -> Changes:
        """Revert exactly ``changes``, all of it in one transaction or (on any error) nothing, with the
        times, positions and ids it replaced; the result undoes the undo (that is redo)."""
        from readerapp.store.collections import public_ids

        with self.db.session() as session:
            applied = inverses.apply_all(session, changes.inverse)
            papers = public_ids(session, builtins.list(applied.papers))
            touch(session, applied.papers, papers)
            listed = public_ids(session, builtins.list(applied.listed))
        if applied.papers:
            self._written()
        if applied.papers or applied.listed:
            self._refresh_exports([*applied.papers, *applied.listed])
        ids = tuple(dict.fromkeys([*papers, *listed]))
        return Changes("undo:" + changes.op, ids, applied.redo, applied.searches)

    def _changed(
        self,
        session: Session,
        op: str,
        rows: Sequence[PaperRow],
        inverse: Sequence[inverses.Inverse],
        searches: tuple[str, ...] = (),
    ) -> Changes:
        """Bump the revision of changed papers, log them for the index, describe the change."""
        if not rows and not searches and not inverse:
            return Changes(op, ())
        public = tuple(dict.fromkeys(r.public_id for r in rows))
        touch(session, [r.id for r in rows], public)
        if rows:  # once committed: a search that counts this write must find it in the change log
            event.listen(session, "after_commit", lambda _session: self._written(), once=True)
            self._export_after_commit(session, [r.id for r in rows])
        return Changes(op, public, tuple(inverse), searches)

    def _export_after_commit(self, session: Session, paper_ids: Sequence[int] | None) -> None:
        """Once ``session`` commits, rewrite the auto-exports a change to these papers may alter."""
        event.listen(session, "after_commit", lambda _session: self._refresh_exports(paper_ids), once=True)

    def _refresh_exports(self, paper_ids: Sequence[int] | None) -> None:
        from readerapp import autoexport

        warnings = autoexport.refresh(self, paper_ids)
        if warnings:
            with self._warnings_lock:
                self._autoexport_warnings += warnings

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

        arXiv answers are kept until arXiv's next daily update, so a re-sync the same day asks arXiv
        nothing; ``refresh=True`` asks again anyway."""
        window = describe_window(source, date=date, week=week, month=month, since=since, category=category)

        def produce() -> FetchResult:
            return fetch(
                self.config,
                source,
                day=date,
                week=week,
                month=month,
                since=since,
                category=category,
                refresh=refresh,
                cancel=cancel,
                progress=progress,
            )

        return self._merge(source, window, produce, progress=progress)

    def import_file(
        self, path: str | Path, *, sample: bool = False, progress: Progress = no_progress
    ) -> SyncReport:
        """Import a file whose format is sniffed from its content; a malformed file changes nothing.

        A reference file (BibTeX, RIS, CSL-JSON) skips an item it cannot read and goes on: the report's
        ``skipped`` says which and why. PDFs its entries name that exist are attached afterwards
        (``attached``); one that cannot be is reported in ``skipped`` too, the paper stays imported."""
        from readerapp.formats.sniff import read_import_file
        from readerapp.store.collections import merge_collections

        source = Path(path)
        holder: dict[str, Any] = {}

        def produce() -> ImportedFile:
            holder["file"] = read_import_file(source)
            return holder["file"]

        def after_merge(session: Session, _merged: object) -> None:
            imported = holder["file"]
            merge_collections(session, imported.collections, imported.saved_searches)

        report = self._merge(
            "import", str(source), produce, sample=sample, progress=progress, after_merge=after_merge
        )
        imported = holder["file"]
        if imported.attachments:
            attached = self.attach_pdfs(imported.attachments)
            report.attached = [f.public_id for f in attached.fetched]
            report.skipped += [
                Skipped(f"PDF of {ident}", reason) for ident, reason in attached.failed.items()
            ]
        return report

    def attach_pdfs(self, files: Iterable[tuple[str, Path]]) -> PdfFetchReport:
        """Store PDFs the user already has for these papers (any id ``find_paper`` takes, and a file), as
        a fetch stores a download: verified, text extracted, named by the ``pdf_name`` template. A paper
        whose PDF is on disk keeps it (``already``); a file that is no PDF is reported in ``failed``."""
        from readerapp.pdfs.naming import NameParts, pdf_filename
        from readerapp.pdfs.service import FetchedPdf, LocalPdf, PdfFetchReport, PdfJob, PdfShelf, fetch_all

        report = PdfFetchReport()
        jobs = []
        with self.db.session() as session:
            for ident, file in files:
                row = queries.resolve(session, ident)
                if row.pdf_path and (self.path / row.pdf_path).is_file():
                    report.already.append(row.public_id)
                    continue
                parts = NameParts(row.public_id, row.title, tuple(row.authors), row.published)
                jobs.append(
                    PdfJob(row.id, row.public_id, str(file), pdf_filename(parts, self.config.pdf_name))
                )
        shelf = PdfShelf(self.path, self._stored_pdf, self._pdf_claimed, self._store_pdf)
        for job, outcome in fetch_all(LocalPdf(), shelf, jobs, workers=1):
            if isinstance(outcome, FetchedPdf):
                report.fetched.append(outcome)
            elif outcome is None:
                report.already.append(job.public_id)
            elif isinstance(outcome, (ReaderappError, OSError)):
                report.failed[job.public_id] = str(outcome)
            else:
                raise outcome
        report.changes = Changes("attach_pdfs", tuple(f.public_id for f in report.fetched))
        return report

    def add(self, ids_or_urls: Iterable[str], *, progress: Progress = no_progress) -> SyncReport:
        """Add papers by arXiv id or URL, fetching their metadata from the arXiv API."""
        from readerapp.feeds import arxiv_api
        from readerapp.feeds.http import make_client
        from readerapp.ids import parse_arxiv_id

        wanted = []
        for item in ids_or_urls:
            parsed = parse_arxiv_id(item)
            if parsed is None:
                raise ReaderappError(f"not an arXiv id or URL: {item!r}")
            wanted.append(parsed.base)

        def produce() -> FetchResult:
            with make_client(self.config) as client:
                result = arxiv_api.fetch_ids(client, wanted)
            result.records = [r for r in result.records if r.arxiv_id in wanted]
            found = {r.arxiv_id for r in result.records} | {s.where for s in result.skipped}
            missing = set(wanted) - found  # an entry arXiv sent but we could not read is skipped, not missing
            if missing:
                raise NotFoundError(f"arXiv has no paper {', '.join(sorted(missing))}")
            return result

        return self._merge("arxiv", "ids=" + ",".join(wanted), produce, progress=progress)

    def _merge(
        self, source: str, window: str, produce: Callable[[], Batch], **options: Any
    ) -> SyncReport:
        report = run_merge(self.db, self.user_id, source, window, produce, **options)
        self._written()
        self._refresh_exports(None)
        return report

    def import_sample_if_empty(self) -> SyncReport | None:
        """First launch of the app on an empty library: bring in the bundled sample day, marked as such."""
        from readerapp.resources import sample_feed_path

        if self.counts()["all"]:
            return None
        return self.import_file(sample_feed_path(), sample=True)

    def remove_sample(self) -> Changes:
        """Delete the sample papers that nothing but the sample brought in, and the PDFs fetched for them;
        on a library shared with colleagues, those a colleague left something on stay."""
        with self.db.session() as session:
            kept = identity.others_work(PaperRow.id, self.user_id)
            rows = list(session.scalars(select(PaperRow).where(PaperRow.is_sample.is_(True), ~kept)))
            public = tuple(r.public_id for r in rows)
            pdfs = [r.pdf_path for r in rows if r.pdf_path]
            session.execute(delete(PaperRow).where(PaperRow.id.in_([r.id for r in rows])))
            log_changes(session, public)
        self._drop_pdfs(pdfs)
        self._drop_parts(public)
        if public:
            self._refresh_exports(None)
        return Changes("remove_sample", public)

    # -- search ------------------------------------------------------------------------------------

    @property
    def keeper(self) -> IndexKeeper:
        """The search index's single writer; opened (and rebuilt if missing or damaged) on first use,
        so a CLI command that never searches never loads Whoosh."""
        with self._keeper_lock:
            if self._keeper is None:
                from readerapp.index.keeper import IndexKeeper
                from readerapp.store.search_source import LibraryDocuments

                self._keeper = IndexKeeper(self.path / "index", LibraryDocuments(self.db, self.user_id))
            return self._keeper

    def search(self, query: str, limit: int = 50, sort: str = "relevance") -> builtins.list[Hit]:
        """Full-text search (see the README's query language); sees every change made so far."""
        return self.keeper.search(query, limit=limit, sort=sort)

    def similar(self, ident: str, limit: int = 10) -> builtins.list[Hit]:
        """Papers like this one, by title and abstract."""
        return self.keeper.similar(self.get(ident).id, limit=limit)

    def for_you(self, limit: int = 50) -> builtins.list[Hit]:
        """The inbox ranked by a model of what this user keeps (starred, tagged, reading, done) against
        what they archive unread; each hit says which terms explain its rank."""
        with self.db.session() as session:
            seeds = queries.interest_seed_ids(session, self.user_id)
            discarded = queries.discarded_ids(session, self.user_id)
        return self.keeper.for_you(seeds, limit=limit, discarded_ids=discarded)

    def reindex(self, progress: Progress = no_progress, cancel: threading.Event | None = None) -> int:
        """Rebuild the search index from the database; returns the number of papers indexed."""
        return self.keeper.rebuild(progress, cancel)

    def _written(self) -> None:
        # Wakes the keeper's writer thread where a script started one (IndexKeeper.start); otherwise
        # the next search catches up.
        if self._keeper is not None:
            self._keeper.notify()

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
        report = DoctorReport(room=room_note(self.path))
        try:
            with self.db.session() as session:
                check_database(session, report, repair)
        except DiskFull as exc:  # no room to look (SQLite's shared memory cannot grow): not damage
            report.findings.append(Finding("disk", str(exc)))
            return report
        except LibraryError as exc:
            report.findings.append(Finding("database", str(exc)))
        if report.damaged:
            if self._db_file is not None:
                from readerapp.store.backups import restore_advice

                report.notes.append(restore_advice(self.path / "backups"))
            return report
        self._check_pdfs(report, repair)
        drift = self.keeper.repair() if repair else self.keeper.check()
        if drift.building:  # here or in another process (the app's start, a reindex): not a problem
            report.notes.append(drift.building)
        elif drift.absent and not repair:
            report.notes.append("no search index yet: it is built from the library on the first search")
        else:
            report.findings.extend(Finding("index", line, repaired=repair) for line in drift.messages())
        report.notes.extend(drift.leftover_notes(removed=repair))
        if drift.pending:
            report.notes.append(
                f"{drift.pending} changed papers are not in the search index yet (applied on the next search)"
            )
        return report

    def _check_pdfs(self, report: DoctorReport, repair: bool) -> None:
        """Leftovers in ``pdfs/`` (see ``pdfs.tidy``), looked at only while no download runs anywhere."""
        from readerapp.pdfs.naming import DOWNLOADS_LOCK, pdf_dir
        from readerapp.pdfs.tidy import find_leftovers
        from readerapp.store.lock import exclusive

        if not pdf_dir(self.path).is_dir():
            return

        def papers() -> builtins.list[tuple[str, str | None]]:
            with self.db.session() as session:
                rows = session.execute(select(PaperRow.arxiv_id, PaperRow.local_id, PaperRow.pdf_path))
                return [(arxiv_id or local_id, stored) for arxiv_id, local_id, stored in rows]

        busy = "PDFs are being downloaded: the pdfs folder is checked once no download runs"
        try:
            with exclusive(self.path, DOWNLOADS_LOCK, busy):
                found = find_leftovers(self.path, papers)
                if repair:
                    found.remove()
        except LibraryError as exc:
            if str(exc) != busy:
                raise
            report.notes.append(busy)
            return
        report.findings.extend(Finding("pdfs", problem, repaired=repair) for problem in found.problems())
        report.notes.extend(found.notes(repair))

    # -- PDFs --------------------------------------------------------------------------------------

    def _absolute_pdfs(self, papers: builtins.list[Paper]) -> builtins.list[Paper]:
        """Views carry ``pdf_path`` as an absolute path (what every consumer opens); the database keeps
        it relative to the library folder, so a moved or shared library still finds its PDFs."""
        from dataclasses import replace

        return [replace(p, pdf_path=str(self.path / p.pdf_path)) if p.pdf_path else p for p in papers]

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
        from readerapp.pdfs.download import PdfClient
        from readerapp.pdfs.naming import NameParts
        from readerapp.pdfs.service import (
            DEFAULT_WORKERS,
            FetchedPdf,
            PdfFetchReport,
            PdfShelf,
            fetch_all,
            make_job,
        )

        report = PdfFetchReport()
        jobs = []
        with self.db.session() as session:
            for row in queries.resolve_many(session, list(ids)):
                if not force and row.pdf_path and (self.path / row.pdf_path).is_file():
                    report.already.append(row.public_id)
                    continue
                parts = NameParts(row.public_id, row.title, tuple(row.authors), row.published)
                stored = (row.pdf_path, row.pdf_sha256) if force else (None, None)
                try:
                    jobs.append(
                        make_job(self.config, row.id, parts, row.arxiv_id, self.config.pdf_name, stored)
                    )
                except ReaderappError as exc:
                    report.failed[row.public_id] = str(exc)
        self._drop_parts(report.already)
        own_client = client is None
        pdf_client = client or PdfClient(self.config, cancel=cancel)
        shelf = PdfShelf(self.path, self._stored_pdf, self._pdf_claimed, self._store_pdf)
        try:
            outcomes = fetch_all(pdf_client, shelf, jobs, workers=workers or DEFAULT_WORKERS)
            for done, (job, outcome) in enumerate(outcomes, 1):
                if isinstance(outcome, FetchedPdf):
                    report.fetched.append(outcome)
                elif outcome is None:
                    report.already.append(job.public_id)
                elif isinstance(outcome, (ReaderappError, OSError)):
                    report.cancelled |= isinstance(outcome, Cancelled)
                    report.failed[job.public_id] = str(as_disk_full(outcome, self.path / "pdfs"))
                else:
                    raise outcome
                progress("PDFs", done, len(jobs))
        finally:
            if own_client:
                pdf_client.close()
        report.changes = Changes("fetch_pdfs", tuple(f.public_id for f in report.fetched))
        return report

    def _stored_pdf(self, key: int) -> tuple[str | None, str | None]:
        with self.db.session() as session:
            row = session.get(PaperRow, key)
            return (row.pdf_path, row.pdf_sha256) if row else (None, None)

    def _pdf_claimed(self, key: int, stored: str) -> bool:
        """Does a paper other than ``key`` point at ``stored`` (its file may be gone, the claim stays)?"""
        with self.db.session() as session:
            other = select(PaperRow.id).where(PaperRow.pdf_path == stored, PaperRow.id != key).limit(1)
            return session.scalar(other) is not None

    def _store_pdf(self, fetched: FetchedPdf) -> None:
        """Record a verified PDF (path relative to the library), its hash and text; bump and log. The file
        it replaces (a re-download under a new title's name) goes once the new one is recorded, unless
        another paper points at it too; a paper removed meanwhile gets no file."""
        from readerapp.pdfs.naming import relative_to_library, remove_stored

        stored = relative_to_library(self.path, fetched.path)
        with self.db.session() as session:
            row = session.get(PaperRow, fetched.key)
            if row is None:
                remove_stored(self.path, stored)
                raise NotFoundError(f"{fetched.public_id} was removed from the library during its download")
            replaced = row.pdf_path if row.pdf_path != stored else None
            row.pdf_path = stored
            row.pdf_sha256 = fetched.sha256
            row.pdf_text = fetched.text
            self._changed(session, "fetch_pdf", [row], [])
        if replaced:
            self._drop_pdfs([replaced])

    def _drop_parts(self, public_ids: Iterable[str]) -> None:
        """Delete these papers' unfinished downloads that no fetch is working on: they have a PDF or are
        gone, so nothing would resume them (``doctor --repair`` would be the only other way out)."""
        from readerapp.pdfs.service import drop_part

        for public_id in public_ids:
            drop_part(self.path, public_id)

    def _drop_pdfs(self, stored: Iterable[str]) -> None:
        """Delete these former ``pdf_path`` files that no paper points to any more."""
        from readerapp.pdfs.naming import remove_stored

        wanted = set(stored)
        if not wanted:
            return
        with self.db.session() as session:
            kept = set(session.scalars(select(PaperRow.pdf_path).where(PaperRow.pdf_path.in_(wanted))))
        for path in wanted - kept:
            remove_stored(self.path, path)

    def pdf_file(self, ident: str) -> Path | None:
        """The paper's stored PDF if it is on disk (the viewer opens this), else None."""
        from readerapp.pdfs.naming import absolute_in_library

        with self.db.session() as session:
            stored = queries.resolve(session, ident).pdf_path
        if not stored:
            return None
        path = absolute_in_library(self.path, stored)
        return path if path.is_file() else None

    def reading_position(self, ident: str) -> PdfPosition | None:
        """Where this user stopped reading the paper's PDF, if they ever opened it."""
        from readerapp.pdfs.position import PdfPosition
        from readerapp.store.models import ReadingPosition

        with self.db.session() as session:
            row = queries.resolve(session, ident)
            spot = session.get(ReadingPosition, (row.id, self.user_id))
            return PdfPosition(spot.page, spot.offset, spot.zoom) if spot else None

    def save_reading_position(self, ident: str, position: PdfPosition) -> None:
        """Remember the reading position (not a change the index or undo cares about)."""
        from readerapp.store.models import ReadingPosition
        from readerapp.store.types import utcnow

        with self.db.session() as session:
            row = queries.resolve(session, ident)
            spot = session.get(ReadingPosition, (row.id, self.user_id))
            if spot is None:
                spot = ReadingPosition(paper_id=row.id, user_id=self.user_id)
                session.add(spot)
            spot.page, spot.offset, spot.zoom = position.page, position.offset, position.zoom
            spot.updated = utcnow()

    # -- collections and export --------------------------------------------------------------------

    def collections(self) -> builtins.list[CollectionInfo]:
        """Collections (with their sizes), then saved searches: what the sidebar lists."""
        from readerapp.store.collections import summaries

        with self.db.session() as session:
            return summaries(session)

    def collection_ids(self, name: str) -> builtins.list[str]:
        """Public ids of a collection in its order; a saved search runs its query (a live collection)."""
        from readerapp.store import collections as store

        with self.db.session() as session:
            collection = store.find_collection(session, name)
            if collection is not None:
                return store.public_ids(session, store.member_ids(session, collection))
            search = store.find_saved_search(session, name)
            if search is None:
                raise NotFoundError(f"no collection or saved search called {name!r}")
            query = search.query
        return self._search_ids(query)

    def add_to_collection(self, name: str, ids: Iterable[str]) -> Changes:
        """Append papers to a collection (created when missing); papers already in it stay where they are."""
        from readerapp.store import collections as store

        name = store.clean_name(name)
        with self.db.session() as session:
            collection = store.find_collection(session, name)
            inverse: inverses.Inverse | None = None
            if collection is None:
                store.check_name_free(session, name)
                collection = store.collection_for(session, name)
                inverse = inverses.DropCollection(name)
            added = store.append_papers(session, collection, self._paper_ids(session, ids))
            self._export_after_commit(session, added)
            public = store.public_ids(session, added)
            if added and inverse is None:
                inverse = inverses.RestoreMembers(name, tuple(inverses.Member(pid, None) for pid in added))
            return Changes("add_to_collection", tuple(public), (inverse,) if inverse else ())

    def remove_from_collection(self, name: str, ids: Iterable[str]) -> Changes:
        """Take papers out of a collection; undo puts them back at their exact places."""
        from readerapp.store import collections as store

        with self.db.session() as session:
            collection = store.require_collection(session, name)
            wanted = self._paper_ids(session, ids)
            before = inverses.RestoreMembers.of(session, collection, wanted)
            removed = set(store.remove_papers(session, collection, wanted))
            self._export_after_commit(session, builtins.list(removed))
            inverse = inverses.RestoreMembers(name, tuple(m for m in before.members if m.paper_id in removed))
            public = tuple(store.public_ids(session, [m.paper_id for m in inverse.members]))
            return Changes("remove_from_collection", public, (inverse,) if public else ())

    def reorder_collection(self, name: str, ids: Sequence[str]) -> Changes:
        """Give a collection a new order: ``ids`` lists every one of its papers once."""
        from readerapp.store import collections as store

        with self.db.session() as session:
            collection = store.require_collection(session, name)
            internal = _internal_ids(session, ids)
            unknown = [i for i in ids if i not in internal]
            if unknown:
                raise NotFoundError(f"no paper {unknown[0]!r} in the library")
            before = inverses.RestoreMembers.of(session, collection, store.member_ids(session, collection))
            store.set_order(session, collection, [internal[i] for i in ids])
            self._export_after_commit(session, builtins.list(internal.values()))
            return Changes("reorder_collection", tuple(ids), (before,))

    def rename_collection(self, name: str, new_name: str) -> Changes:
        """Rename a collection or a saved search."""
        from readerapp.store import collections as store

        new_name = store.clean_name(new_name)
        with self.db.session() as session:
            found = store.find_collection(session, name) or store.find_saved_search(session, name)
            if found is None:
                raise NotFoundError(f"no collection or saved search called {name!r}")
            if new_name != name:
                store.check_name_free(session, new_name)
                found.name = new_name
            return Changes("rename_collection", (), (inverses.RenameCollection(new_name, name),))

    def delete_collection(self, name: str) -> Changes:
        """Delete a collection (its papers stay in the library) or a saved search; undo brings it back
        as it was: its id, creation time and (a collection's) papers at their places."""
        from readerapp.store import collections as store

        with self.db.session() as session:
            if store.find_collection(session, name) is not None:
                drop: inverses.Inverse = inverses.DropCollection(name)
            elif store.find_saved_search(session, name) is not None:
                drop = inverses.DropSavedSearch(name)
            else:
                raise NotFoundError(f"no collection or saved search called {name!r}")
            applied = inverses.apply_all(session, [drop])
            members = tuple(store.public_ids(session, builtins.list(applied.listed)))
            return Changes("delete_collection", members, applied.redo, applied.searches)

    def save_search(self, name: str, query: str, *, created: datetime | None = None) -> Changes:
        """Save a search as a live collection (or change a saved search's query); ``created`` dates a
        new one (an import keeps its time)."""
        from readerapp.store import collections as store
        from readerapp.store.models import SavedSearch
        from readerapp.store.types import utcnow

        name = store.clean_name(name)
        if not query.strip():
            raise ReaderappError("a saved search needs a query")
        self._search_ids(query, limit=1)  # a malformed query is refused now, not when the view opens
        with self.db.session() as session:
            search = store.find_saved_search(session, name)
            if search is None:
                store.check_name_free(session, name)
                session.add(SavedSearch(name=name, query=query, created=created or utcnow()))
                return Changes("save_search", (), (inverses.DropSavedSearch(name),), (name,))
            inverse = inverses.SetSearchQuery(name, search.query)
            search.query = query
            return Changes("save_search", (), (inverse,), (name,))

    def create_collection(self, name: str, scope: Scope) -> Changes:
        """A collection made from a view, a tag, a search, another collection or a selection."""
        return self.add_to_collection(name, self.scope_ids(scope))

    def scope_ids(self, scope: Scope) -> builtins.list[str]:
        """Public ids of the papers in a scope, in its order (a collection's, relevance, feed)."""
        if scope.kind == "all":
            return self.list_ids()
        if scope.kind == "collection":
            return self.collection_ids(scope.value)
        if scope.kind == "tag":
            return self.list_ids(tag=scope.value)
        if scope.kind == "state":
            return self.list_ids(state=scope.value)
        if scope.kind == "query":
            return self._search_ids(scope.value)
        from readerapp.store.collections import public_ids

        with self.db.session() as session:
            return public_ids(session, self._paper_ids(session, scope.values))

    def export_bundle(
        self, scope: Scope, *, limit: int | None = None, lossless: bool = False
    ) -> ExportBundle:
        """The scope's papers in full, with the collections and saved searches, ready for any writer.

        ``lossless`` (the JSON format) adds each paper's extras and lists the papers in the order the
        library added them, so an import adds them in that order and the "added" sort comes back."""
        from readerapp.formats.readerapp_json import CollectionRecord, SavedSearchRecord
        from readerapp.store.collections import all_members
        from readerapp.store.extras import paper_extras
        from readerapp.store.models import SavedSearch

        every = self.scope_ids(scope)
        ids = every[:limit]
        with self.db.session() as session:
            internal = _internal_ids(session, ids)
            order = sorted(internal[i] for i in ids) if lossless else [internal[i] for i in ids]
            papers = queries.views(session, order, self.user_id, full=True)
            extras = paper_extras(session, order, self.user_id) if lossless else {}
            collections = [CollectionRecord(c.name, ids_, c.created) for c, ids_ in all_members(session)]
            searches = [
                SavedSearchRecord(s.name, s.query, s.created)
                for s in session.scalars(select(SavedSearch).order_by(SavedSearch.id))
            ]
        by_public = {paper.id: extras[internal[paper.id]] for paper in papers if extras}
        if not lossless:  # the lossless JSON keeps the stored, relative path; other formats link the file
            papers = self._absolute_pdfs(papers)
        total = len(every) if limit is not None else None
        return ExportBundle(scope.describe(), papers, collections, searches, extras=by_public, total=total)

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
        from readerapp.export.writer import write_export

        progress("reading papers", 0, None)
        bundle = self.export_bundle(scope, lossless=fmt == "json")
        progress("reading papers", len(bundle.papers), len(bundle.papers))
        bundle.cancel = cancel
        if not bundle.papers and not (scope.kind == "all" and fmt == "json"):
            raise ExportError(f"nothing to export: {scope.describe()} holds no papers")
        return write_export(bundle, fmt, destination, progress)

    def export_preview(self, scope: Scope, fmt: str, papers: int = 3) -> str:
        """The start of an export, for a dialog's preview: the first few papers in that format."""
        from readerapp.export.writer import render

        return render(self.export_bundle(scope, limit=papers, lossless=fmt == "json"), fmt)

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
        with self._warnings_lock:
            taken, self._autoexport_warnings = self._autoexport_warnings, []
        return taken

    def _paper_ids(self, session: Session, idents: Iterable[str]) -> builtins.list[int]:
        """Internal ids for ids, URLs or DOIs, in order, once each: plain ids are looked up in bulk
        (a collection made from a 10,000-paper view), the rest one by one; an unknown one is an error."""
        wanted = builtins.list(dict.fromkeys(idents))
        direct = _internal_ids(session, wanted)
        found = [direct[i] if i in direct else queries.resolve(session, i).id for i in wanted]
        return builtins.list(dict.fromkeys(found))

    def _search_ids(self, query: str, limit: int | None = None) -> builtins.list[str]:
        """Every paper a query finds, best first; ``limit`` caps it (a check needs one hit)."""
        return [hit.id for hit in self.search(query, limit=limit or max(self.counts()["all"], 1))]

    # -- backups -----------------------------------------------------------------------------------

    @property
    def _db_file(self) -> Path | None:
        """The SQLite file, or None on a shared server (whose backups are its administrator's)."""
        return None if self.config.database_url else self.path / DB_FILE

    def backup_if_due(self) -> Backup | None:
        """Take today's backup unless there is one, keeping the last ``backups_kept``; cheap when
        there is (a folder listing), a file copy when not: call it from a worker once the library is
        open. A damaged database raises a LibraryError that names the newest backup to restore."""
        from readerapp.store.backups import backup_if_due

        if self._db_file is None:
            return None
        return backup_if_due(self._db_file, self.path / "backups", self.config.backups_kept)

    def backup_now(self) -> Backup:
        """A backup taken now (``readerapp backup``), outside the daily rotation."""
        from readerapp.store.backups import take_backup

        if self._db_file is None:
            raise LibraryError("a shared library is backed up by its database server's administrator")
        return take_backup(self._db_file, self.path / "backups", "manual")

    def backups(self) -> builtins.list[Backup]:
        """Every backup of the database (daily, before a migration, before a restore), newest first."""
        from readerapp.store.backups import list_backups

        return list_backups(self.path / "backups") if self._db_file is not None else []

    def restore_backup(self, path: str | Path) -> Path:
        """Replace the database by the backup at ``path``; returns where the current one was saved first.

        Every connection of this Library is closed and reopened (a backup from an older schema is
        migrated), and the search index is dropped to be rebuilt from the restored papers on the next
        search. While another process (or another Library here) has the library open, a LibraryError
        says so and nothing changes: closing this one drops its own share of the lock, so only others
        count.
        """
        from readerapp.store import backups

        if self._db_file is None:
            raise LibraryError("a shared library is restored by its database server's administrator")
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None
        self.db.close()
        try:
            saved = backups.restore(self._db_file, Path(path), self.path / "backups", self.path / "index")
        except BaseException:
            # Refused (another reader) or failed: nothing changed. A damaged file cannot be opened again;
            # then the refusal is what to report, and the next restore closes and reopens as now.
            with contextlib.suppress(LibraryError):
                self.db = Database.open_sqlite(self._db_file, self.path / "backups")
            raise
        self.db = Database.open_sqlite(self._db_file, self.path / "backups")
        self.user_name, self.user_id = self._identify()
        return saved

    # -- tags --------------------------------------------------------------------------------------

    def rename_tag(self, old: str, new: str) -> Changes:
        """Rename a tag on every paper that carries it (a change of case too); undo renames it back.

        Saved searches follow: their ``tag:OLD`` terms become ``tag:NEW`` in the same transaction
        (``Changes.searches`` names them), and undo puts their queries back exactly as they were.
        Renaming onto another existing tag is refused with a pointer to ``merge_tags``."""
        name = notes_and_tags.normalize_tag(new)
        with self.db.session() as session:
            try:
                previous, rows = notes_and_tags.rename_tag(session, old, name)
            except LookupError as exc:
                raise NotFoundError(str(exc)) from None
            except ValueError as exc:
                raise ReaderappError(str(exc)) from None
            if previous == name:
                return self._changed(session, "rename_tag", rows, [])
            searches, restore = self._follow_tags(session, {previous: name})
            back = inverses.RenameTag(name, previous)
            return self._changed(session, "rename_tag", rows, [back, *restore], searches)

    def merge_tags(self, sources: Iterable[str], into: str) -> Changes:
        """Fold tags into one: every paper carrying one of ``sources`` carries ``into`` instead (created
        when new), and the sources are gone. Undo brings each source back (its id, papers and the time
        each paper got it) and takes ``into`` from the papers that did not carry it before."""
        target = notes_and_tags.normalize_tag(into)
        names = [notes_and_tags.normalize_tag(s) for s in sources]
        if not names:
            raise ReaderappError("name at least one tag to merge")
        with self.db.session() as session:
            existed = notes_and_tags.find_tag(session, target) is not None
            before = self._tag_snapshots(session, names)
            try:
                moved, gained = notes_and_tags.merge_tags(session, names, target)
            except LookupError as exc:
                raise NotFoundError(str(exc)) from None
            undo: builtins.list[inverses.Inverse] = []
            if gained:
                untag = tuple(inverses.TagLink(r.id, target, None) for r in gained)
                undo.append(inverses.RestoreTagLinks(untag))
            if not existed:
                undo.append(inverses.DropTag(target))
            for name in moved:
                undo.extend(before[name])
            searches, restore = self._follow_tags(session, dict.fromkeys(moved, target))
            touched = builtins.list({r.id: r for rows in moved.values() for r in rows}.values())
            return self._changed(session, "merge_tags", touched, [*undo, *restore], searches)

    @staticmethod
    def _tag_snapshots(session: Session, names: Iterable[str]) -> dict[str, tuple[inverses.Inverse, ...]]:
        """For each existing tag among ``names`` (by its stored name): what brings it back after a
        merge deletes it, its id and each paper with the time it got the tag."""
        found: dict[str, tuple[inverses.Inverse, ...]] = {}
        for name in names:
            tag = notes_and_tags.find_tag(session, name)
            if tag is None or tag.name in found:
                continue
            papers = [p.id for p in notes_and_tags.papers_tagged(session, tag.id)]
            links = inverses.RestoreTagLinks.of(session, [(pid, tag.name) for pid in papers])
            restore = inverses.RestoreTag(tag.name, tag.id)
            found[tag.name] = (restore, links) if links.links else (restore,)
        return found

    def _follow_tags(
        self, session: Session, renames: dict[str, str]
    ) -> tuple[tuple[str, ...], builtins.list[inverses.Inverse]]:
        """Point the saved searches' ``tag:`` terms for the tags renamed (old -> new) at their new
        names, in the caller's transaction; return the searches' names and the inverses that put their
        queries back. A term names a tag the way a search matches it (case and accents aside); a query
        that no longer parses is left as it is."""
        from readerapp.errors import QueryError
        from readerapp.index.analysis import exact
        from readerapp.index.query_syntax import replace_values
        from readerapp.store.collections import rewrite_saved_searches

        wanted = {exact(old): new for old, new in renames.items()}

        def follow(query: str) -> str:
            try:
                return replace_values(query, "tag", lambda value: wanted.get(exact(value)))
            except QueryError:
                return query

        before = rewrite_saved_searches(session, follow)
        return tuple(before), [inverses.SetSearchQuery(n, q) for n, q in before.items()]

    # -- citing and ranking from the app (thin: the work is in export/ and index/) ------------------

    def citation(self, ident: str, kind: CitationKind) -> str:
        """One paper as ``bibtex`` (its entry), ``citekey`` or ``link``, to paste into a manuscript."""
        from readerapp.export.citation import citation

        return citation(self.export_bundle(Scope.ids([self.get(ident).id])), kind)


def _check_state(state: str | None, required: bool = False) -> None:
    if (state is None and required) or (state is not None and state not in STATES):
        raise ReaderappError(f"unknown state {state!r}; choose one of {', '.join(STATES)}")


def _internal_ids(session: Session, public_ids: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(public_ids))
    for start in range(0, len(unique), 900):
        chunk = unique[start : start + 900]
        for pid, arxiv_id, local_id in session.execute(
            select(PaperRow.id, PaperRow.arxiv_id, PaperRow.local_id).where(
                PaperRow.arxiv_id.in_(chunk) | PaperRow.local_id.in_(chunk)
            )
        ):
            found[arxiv_id or local_id] = pid
            found[local_id] = pid
    return found


def _highlight(session: Session, highlight_id: int, user_id: int) -> Highlight:
    """The user's own highlight: a colleague's is theirs to change (on a shared library the server
    refuses it anyway; this says so in words)."""
    highlight = session.get(Highlight, highlight_id)
    if highlight is None:
        raise NotFoundError(f"no highlight {highlight_id}")
    if highlight.user_id != user_id:
        author = session.get_one(User, highlight.user_id).name
        raise ReaderappError(f"highlight {highlight_id} is {author}'s: only its author changes it")
    return highlight
