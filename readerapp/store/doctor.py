"""Consistency checks for a library database, and the repairs that are safe to make automatically."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from readerapp.store.database import HEAD_REVISION
from readerapp.store.models import Highlight, Paper, SyncRun
from readerapp.store.types import utcnow


@dataclass(slots=True)
class Finding:
    """One problem: what is wrong, and whether ``--repair`` fixed it."""

    check: str
    message: str
    repaired: bool = False


@dataclass(slots=True)
class DoctorReport:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    room: str = ""  # the free space where the library lives: a full disk fails every write

    @property
    def consistent(self) -> bool:
        return all(f.repaired for f in self.findings)

    @property
    def damaged(self) -> bool:
        """The database file itself is broken: nothing but a backup repairs it."""
        return any(f.check in ("integrity", "database") and not f.repaired for f in self.findings)


def check_database(session: Session, report: DoctorReport, repair: bool) -> None:
    """SQLite integrity, foreign keys, schema revision, and runs left ``running`` by a crash."""
    if session.get_bind().dialect.name == "sqlite":
        integrity = [row[0] for row in session.execute(text("PRAGMA integrity_check"))]
        if integrity != ["ok"]:
            report.findings.append(Finding("integrity", "; ".join(integrity[:5])))
        broken = list(session.execute(text("PRAGMA foreign_key_check")))
        if broken:
            report.findings.append(Finding("foreign-keys", f"{len(broken)} rows point at missing rows"))
    revision = session.scalar(text("SELECT version_num FROM alembic_version"))
    if revision != HEAD_REVISION:
        report.findings.append(Finding("schema", f"schema {revision}, expected {HEAD_REVISION}"))
    empty = session.scalar(select(func.count()).where(func.trim(Paper.title) == "")) or 0
    if empty:
        report.findings.append(Finding("papers", f"{empty} papers have no title"))
    stray = (
        session.scalar(
            select(func.count())
            .select_from(Highlight)
            .join(Paper, Paper.id == Highlight.paper_id)
            .where((Highlight.start < 0) | (Highlight.end < Highlight.start))
        )
        or 0
    )
    if stray:
        report.findings.append(Finding("highlights", f"{stray} highlights have impossible offsets"))
    interrupted = session.scalar(select(func.count()).where(SyncRun.status == "running")) or 0
    if interrupted:
        # Every sync writes in one transaction, so an unfinished run changed nothing: the data is
        # consistent and only the run's record is stale (or the run is still going in another process).
        report.notes.append(f"{interrupted} sync runs are unfinished (running elsewhere, or interrupted)")
        if repair:
            session.execute(
                update(SyncRun)
                .where(SyncRun.status == "running")
                .values(status="interrupted", finished=utcnow(), error="interrupted before it finished")
            )
            report.notes.append("marked them as interrupted")
