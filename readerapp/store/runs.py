"""Sync-run bookkeeping: a run is recorded before any fetching starts, so even a crash leaves a trace
(``running`` forever), and it is closed in the same transaction as the data it brought."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from readerapp.store.models import SyncRun
from readerapp.store.types import utcnow


def start_run(session: Session, source: str, window: str) -> int:
    run = SyncRun(source=source, window=window, status="running")
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session, run_id: int, *, fetched: int, new: int, updated: int, error: str | None = None
) -> None:
    run = session.get_one(SyncRun, run_id)
    run.finished = utcnow()
    run.status = "failed" if error else "ok"
    run.fetched, run.new, run.updated, run.error = fetched, new, updated, error


def recent_runs(session: Session, limit: int) -> list[SyncRun]:
    """The last ``limit`` runs, the newest first."""
    newest = select(SyncRun).order_by(SyncRun.started.desc(), SyncRun.id.desc()).limit(limit)
    return list(session.scalars(newest))
