"""A paper's PDF file from download to deletion: fetch or attach (verified, text extracted, named by
the ``pdf_name`` template), record, replace, drop the files and unfinished downloads nothing points
at any more; and where each user stopped reading."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from readerapp.disk import as_disk_full
from readerapp.errors import Cancelled, NotFoundError, ReaderappError
from readerapp.paper import Changes
from readerapp.progress import Progress, no_progress
from readerapp.services.context import LibraryContext
from readerapp.store import annotations as user_marks
from readerapp.store import pdf_records, queries

if TYPE_CHECKING:
    from readerapp.pdfs.download import PdfClient
    from readerapp.pdfs.naming import NameParts
    from readerapp.pdfs.position import PdfPosition
    from readerapp.pdfs.service import FetchedPdf, PdfFetchReport, PdfJob, PdfSource
    from readerapp.store.models import Paper as PaperRow


class PdfFiles:
    """The PDF files of one library (see the module's docstring)."""

    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def fetch(
        self, ids: Iterable[str], progress: Progress, cancel: threading.Event | None, force: bool,
        client: PdfClient | None, workers: int | None
    ) -> PdfFetchReport:  # fmt: skip
        """Download, verify and extract the PDFs of these papers (``Library.fetch_pdfs``)."""
        from readerapp.pdfs.download import PdfClient
        from readerapp.pdfs.service import DEFAULT_WORKERS, PdfFetchReport, make_job

        report = PdfFetchReport()
        jobs = []
        config = self.ctx.config
        with self.ctx.db.session() as session:
            for row in queries.resolve_many(session, list(ids)):
                if not force and self._on_disk(row):
                    report.already.append(row.public_id)
                    continue
                stored = (row.pdf_path, row.pdf_sha256) if force else (None, None)
                try:
                    parts = _name_parts(row)
                    jobs.append(make_job(config, row.id, parts, row.arxiv_id, config.pdf_name, stored))
                except ReaderappError as exc:
                    report.failed[row.public_id] = str(exc)
        self.drop_parts(report.already)
        own_client = client is None
        pdf_client = client or PdfClient(config, cancel=cancel)
        try:
            self._run(pdf_client, jobs, report, workers or DEFAULT_WORKERS, progress)
        finally:
            if own_client:
                pdf_client.close()
        report.changes = Changes("fetch_pdfs", tuple(f.public_id for f in report.fetched))
        return report

    def attach(self, files: Iterable[tuple[str, Path]]) -> PdfFetchReport:
        """Store PDFs the user already has for these papers, as a fetch stores a download
        (``Library.attach_pdfs``)."""
        from readerapp.pdfs.naming import pdf_filename
        from readerapp.pdfs.service import LocalPdf, PdfFetchReport, PdfJob

        report = PdfFetchReport()
        jobs = []
        with self.ctx.db.session() as session:
            for ident, file in files:
                row = queries.resolve(session, ident)
                if self._on_disk(row):
                    report.already.append(row.public_id)
                    continue
                name = pdf_filename(_name_parts(row), self.ctx.config.pdf_name)
                jobs.append(PdfJob(row.id, row.public_id, str(file), name))
        self._run(LocalPdf(), jobs, report, 1, no_progress)
        report.changes = Changes("attach_pdfs", tuple(f.public_id for f in report.fetched))
        return report

    def _on_disk(self, row: PaperRow) -> bool:
        return bool(row.pdf_path) and (self.ctx.path / str(row.pdf_path)).is_file()

    def _run(
        self, source: PdfSource, jobs: list[PdfJob], report: PdfFetchReport, workers: int, progress: Progress
    ) -> None:
        """Fetch the jobs into ``report``: a failure of one paper is its line in ``failed`` (a full disk
        says so), anything else is a bug and raised."""
        from readerapp.pdfs.service import FetchedPdf, PdfShelf, fetch_all

        shelf = PdfShelf(self.ctx.path, self._stored, self._claimed, self._store)
        for done, (job, outcome) in enumerate(fetch_all(source, shelf, jobs, workers=workers), 1):
            if isinstance(outcome, FetchedPdf):
                report.fetched.append(outcome)
            elif outcome is None:
                report.already.append(job.public_id)
            elif isinstance(outcome, (ReaderappError, OSError)):
                report.cancelled |= isinstance(outcome, Cancelled)
                report.failed[job.public_id] = str(as_disk_full(outcome, self.ctx.path / "pdfs"))
            else:
                raise outcome
            progress("PDFs", done, len(jobs))

    def _stored(self, key: int) -> tuple[str | None, str | None]:
        with self.ctx.db.session() as session:
            return pdf_records.stored_pdf(session, key)

    def _claimed(self, key: int, stored: str) -> bool:
        with self.ctx.db.session() as session:
            return pdf_records.claimed_by_another(session, key, stored)

    def _store(self, fetched: FetchedPdf) -> None:
        """Record a verified PDF (path relative to the library), its hash and text; bump and log. The file
        it replaces (a re-download under a new title's name) goes once the new one is recorded, unless
        another paper points at it too; a paper removed meanwhile gets no file."""
        from readerapp.pdfs.naming import relative_to_library, remove_stored

        stored = relative_to_library(self.ctx.path, fetched.path)
        with self.ctx.db.session() as session:
            row, replaced = pdf_records.record_pdf(session, fetched.key, stored, fetched.sha256, fetched.text)
            if row is None:
                remove_stored(self.ctx.path, stored)
                raise NotFoundError(f"{fetched.public_id} was removed from the library during its download")
            self.ctx.changed(session, "fetch_pdf", [row], [])
        if replaced:
            self.drop_files([replaced])

    def drop_parts(self, public_ids: Iterable[str]) -> None:
        """Delete these papers' unfinished downloads that no fetch is working on: they have a PDF or are
        gone, so nothing would resume them (``doctor --repair`` would be the only other way out)."""
        from readerapp.pdfs.service import drop_part

        for public_id in public_ids:
            drop_part(self.ctx.path, public_id)

    def drop_files(self, stored: Iterable[str]) -> None:
        """Delete these former ``pdf_path`` files that no paper points to any more."""
        from readerapp.pdfs.naming import remove_stored

        wanted = set(stored)
        if not wanted:
            return
        with self.ctx.db.session() as session:
            kept = pdf_records.still_pointed_at(session, wanted)
        for path in wanted - kept:
            remove_stored(self.ctx.path, path)

    def file(self, ident: str) -> Path | None:
        """The paper's stored PDF if it is on disk (the viewer opens this), else None."""
        from readerapp.pdfs.naming import absolute_in_library

        with self.ctx.db.session() as session:
            stored = queries.resolve(session, ident).pdf_path
        if not stored:
            return None
        path = absolute_in_library(self.ctx.path, stored)
        return path if path.is_file() else None

    def position(self, ident: str) -> PdfPosition | None:
        """Where this user stopped reading the paper's PDF, if they ever opened it."""
        from readerapp.pdfs.position import PdfPosition

        with self.ctx.db.session() as session:
            row = queries.resolve(session, ident)
            spot = user_marks.reading_position(session, row.id, self.ctx.user_id)
            return PdfPosition(spot.page, spot.offset, spot.zoom) if spot else None

    def save_position(self, ident: str, position: PdfPosition) -> None:
        """Remember the reading position (not a change the index or undo cares about)."""
        with self.ctx.db.session() as session:
            row = queries.resolve(session, ident)
            user_marks.save_reading_position(
                session, row.id, self.ctx.user_id, position.page, position.offset, position.zoom
            )


def _name_parts(row: PaperRow) -> NameParts:
    from readerapp.pdfs.naming import NameParts

    return NameParts(row.public_id, row.title, tuple(row.authors), row.published)
