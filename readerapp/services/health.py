"""``doctor``: the database, the ``pdfs/`` folder and the search index checked (and, asked to, repaired)
in that order; a damaged database stops the check there, with the backup to restore."""

from __future__ import annotations

from readerapp.disk import room_note
from readerapp.errors import Busy, DiskFull, LibraryError
from readerapp.services.context import LibraryContext
from readerapp.store import pdf_records
from readerapp.store.doctor import DoctorReport, Finding, check_database

PDFS_BUSY = "PDFs are being downloaded: the pdfs folder is checked once no download runs"


def doctor(ctx: LibraryContext, repair: bool = False) -> DoctorReport:
    """Check the library's consistency; with ``repair``, fix what can be fixed safely."""
    report = DoctorReport(room=room_note(ctx.path))
    try:
        with ctx.db.session() as session:
            check_database(session, report, repair)
    except DiskFull as exc:  # no room to look (SQLite's shared memory cannot grow): not damage
        report.findings.append(Finding("disk", str(exc)))
        return report
    except LibraryError as exc:
        report.findings.append(Finding("database", str(exc)))
    if report.damaged:
        if ctx.db_file is not None:
            from readerapp.store.backups import restore_advice

            report.notes.append(restore_advice(ctx.path / "backups"))
        return report
    check_pdfs(ctx, report, repair)
    drift = ctx.keeper.repair() if repair else ctx.keeper.check()
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


def check_pdfs(ctx: LibraryContext, report: DoctorReport, repair: bool) -> None:
    """Leftovers in ``pdfs/`` (see ``pdfs.tidy``), looked at only while no download runs anywhere."""
    from readerapp.pdfs.naming import DOWNLOADS_LOCK, pdf_dir
    from readerapp.pdfs.tidy import find_leftovers
    from readerapp.store.lock import exclusive

    if not pdf_dir(ctx.path).is_dir():
        return

    def papers() -> list[tuple[str, str | None]]:
        with ctx.db.session() as session:
            return pdf_records.every_pdf_path(session)

    try:
        with exclusive(ctx.path, DOWNLOADS_LOCK, PDFS_BUSY):
            found = find_leftovers(ctx.path, papers)
            if repair:
                found.remove()
    except Busy:
        report.notes.append(PDFS_BUSY)
        return
    report.findings.extend(Finding("pdfs", problem, repaired=repair) for problem in found.problems())
    report.notes.extend(found.notes(repair))
