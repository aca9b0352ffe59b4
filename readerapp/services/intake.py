"""Bringing papers in: a feed window (``sync.sync_feed``), a file, arXiv ids, the bundled sample day;
and taking the sample out again. Every merge is one transaction (``sync.run_merge``); once it
committed, the index and the auto-exports learn of it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from readerapp.errors import NotFoundError, ReaderappError
from readerapp.feeds.registry import FeedWindow
from readerapp.paper import Changes
from readerapp.progress import Progress, no_progress
from readerapp.records import Skipped, SyncRunView
from readerapp.services.context import LibraryContext
from readerapp.services.pdf_files import PdfFiles
from readerapp.store import queries, runs
from readerapp.store import sample as samples
from readerapp.sync import Batch, SyncReport, run_merge, sync_feed

if TYPE_CHECKING:
    from readerapp.feeds.result import FetchResult
    from readerapp.formats.readerapp_json import ImportedFile


class Intake:
    def __init__(self, ctx: LibraryContext, pdfs: PdfFiles) -> None:
        self.ctx = ctx
        self.pdfs = pdfs

    def sync(
        self,
        source: str,
        window: FeedWindow,
        *,
        refresh: bool,
        progress: Progress,
        cancel: threading.Event | None,
    ) -> SyncReport:
        """Fetch a feed window and merge it (``Library.sync``)."""
        ctx = self.ctx
        report = sync_feed(
            ctx.db, ctx.user_id, ctx.config, source, window, refresh=refresh, cancel=cancel, progress=progress
        )
        ctx.merged()
        return report

    def import_file(self, path: str | Path, *, sample: bool, progress: Progress) -> SyncReport:
        """Import a file whose format is sniffed from its content (``Library.import_file``); the PDFs
        its entries name are attached once its papers are in."""
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
        # Indexed now, with progress (a big import is a rebuild in worker processes): the first
        # search after an import must not wait for a build the user did not ask for.
        self.ctx.keeper.catch_up(progress)
        imported = holder["file"]
        if imported.attachments:
            attached = self.pdfs.attach(imported.attachments)
            report.attached = [f.public_id for f in attached.fetched]
            report.skipped += [
                Skipped(f"PDF of {ident}", reason) for ident, reason in attached.failed.items()
            ]
        return report

    def add(self, ids_or_urls: Iterable[str], *, progress: Progress) -> SyncReport:
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
            with make_client(self.ctx.config) as client:
                result = arxiv_api.fetch_ids(client, wanted)
            result.records = [r for r in result.records if r.arxiv_id in wanted]
            found = {r.arxiv_id for r in result.records} | {s.where for s in result.skipped}
            missing = set(wanted) - found  # an entry arXiv sent but we could not read is skipped, not missing
            if missing:
                raise NotFoundError(f"arXiv has no paper {', '.join(sorted(missing))}")
            return result

        return self._merge("arxiv", "ids=" + ",".join(wanted), produce, progress=progress)

    def _merge(self, source: str, window: str, produce: Callable[[], Batch], **options: Any) -> SyncReport:
        report = run_merge(self.ctx.db, self.ctx.user_id, source, window, produce, **options)
        self.ctx.merged()
        return report

    def import_sample_if_empty(self) -> SyncReport | None:
        """First launch of the app on an empty library: bring in the bundled sample day, marked as such."""
        from readerapp.resources import sample_feed_path

        with self.ctx.db.session() as session:
            if queries.counts(session, self.ctx.user_id)["all"]:
                return None
        return self.import_file(sample_feed_path(), sample=True, progress=no_progress)

    def recent_runs(self, limit: int) -> list[SyncRunView]:
        """The last ``limit`` syncs and imports, the newest first: what each fetched, added, updated."""
        with self.ctx.db.session() as session:
            return [SyncRunView(r.source, r.window, r.started, r.finished, r.status, r.fetched, r.new,
                                r.updated, r.error) for r in runs.recent_runs(session, limit)]

    def remove_sample(self) -> Changes:
        """Delete the sample papers that nothing but the sample brought in, and the PDFs fetched for them;
        on a library shared with colleagues, those a colleague left something on stay."""
        with self.ctx.db.session() as session:
            public, pdfs = samples.delete_sample_papers(session, self.ctx.user_id)
        self.pdfs.drop_files(pdfs)
        self.pdfs.drop_parts(public)
        if public:
            self.ctx.refresh_exports(None)
        return Changes("remove_sample", public)
