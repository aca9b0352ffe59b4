"""The change log: every write appends the public ids it touched, in the write's own transaction.

Readers catch up from it by id: this machine's search index, and other app instances on a shared
library. On PostgreSQL a write also sends a NOTIFY (delivered at commit), so a listener wakes at once;
elsewhere, or if listening fails, waiting falls back to polling.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from readerapp.store.bulk import bulk_insert
from readerapp.store.models import ChangeLog
from readerapp.store.types import utcnow

CHANNEL = "readerapp_changes"
POLL_SECONDS = 1.0


def log_changes(session: Session, public_ids: Iterable[str]) -> None:
    """Append one row per distinct id (and tell PostgreSQL listeners once the transaction commits)."""
    unique = list(dict.fromkeys(public_ids))
    if not unique:
        return
    now = utcnow()
    bulk_insert(session, ChangeLog.__table__, [{"public_id": pid, "at": now} for pid in unique])
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


def last_change_id(session: Session) -> int:
    return session.scalar(select(func.max(ChangeLog.id))) or 0


def changes_since(session: Session, after: int, limit: int | None = 50_000) -> tuple[int, list[str]]:
    """The ids changed after change ``after`` (each once) and the newest change id seen."""
    rows = session.execute(
        select(ChangeLog.id, ChangeLog.public_id)
        .where(ChangeLog.id > after)
        .order_by(ChangeLog.id)
        .limit(limit)
    ).all()
    if not rows:
        return after, []
    return rows[-1][0], list(dict.fromkeys(public_id for _, public_id in rows))


@contextmanager
def listening(engine: Engine) -> Iterator[Callable[[float], None]]:
    """Start listening for changes, then hand out a ``wait(timeout)``.

    Listen *before* checking the log, or a change committed in between is only seen after the timeout.
    Without PostgreSQL (or if listening fails) ``wait`` sleeps one polling interval.
    """

    def poll(timeout: float) -> None:
        time.sleep(min(timeout, POLL_SECONDS))

    if engine.dialect.name != "postgresql":
        yield poll
        return
    import psycopg

    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg.connect(url, autocommit=True)
        conn.execute(f"LISTEN {CHANNEL}")
    except psycopg.Error:
        yield poll
        return

    def wait(timeout: float) -> None:
        try:
            for _ in conn.notifies(timeout=timeout, stop_after=1):
                break
        except psycopg.Error:
            poll(timeout)

    with conn:
        yield wait
