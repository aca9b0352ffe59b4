"""The change log: every write appends the public ids it touched, in the write's own transaction.

Readers catch up from it by id: this machine's search index, and other app instances on a shared
library. On PostgreSQL a write also sends a NOTIFY (delivered at commit), so a listener (``ChangeFeed``)
wakes at once; elsewhere waiting polls.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session

from readerapp.errors import LibraryError
from readerapp.store.bulk import bulk_insert
from readerapp.store.models import ChangeLog, Paper
from readerapp.store.types import utcnow

if TYPE_CHECKING:
    import psycopg

    from readerapp.store.database import Database

CHANNEL = "readerapp_changes"
POLL_SECONDS = 1.0  # without PostgreSQL: how often the log is read
RECONNECT_SECONDS = 0.25  # after a lost server, the first pause before listening again; then doubled
RECONNECT_MAX_SECONDS = 8.0
# The listening connection: named for pg_stat_activity; TCP keepalives notice a silently dropped link.
LISTEN_CONNECTION: dict[str, Any] = {
    "application_name": "readerapp-listen",
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


def log_changes(session: Session, public_ids: Iterable[str]) -> None:
    """Append one row per distinct id (and tell PostgreSQL listeners once the transaction commits)."""
    unique = list(dict.fromkeys(public_ids))
    if not unique:
        return
    now = utcnow()
    bulk_insert(session, ChangeLog.__table__, [{"public_id": pid, "at": now} for pid in unique])
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


def touch(session: Session, paper_ids: Sequence[int], public_ids: Sequence[str]) -> None:
    """A write changed these papers' own data: bump their revision and log them for the index."""
    ids = list(dict.fromkeys(paper_ids))
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        session.execute(update(Paper).where(Paper.id.in_(chunk)).values(revision=Paper.revision + 1))
    log_changes(session, public_ids)


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


class Listener:
    """One persistent LISTEN connection to a PostgreSQL library.

    Waits ``select`` on its socket next to a wake-up socket, so ``interrupt`` (from any thread) ends a
    wait at once, and a NOTIFY that arrives while nobody waits stays queued on the connection for the
    next wait instead of being lost.
    """

    def __init__(self, engine: Engine) -> None:
        self._url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn: psycopg.Connection[Any] | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)

    @property
    def connected(self) -> bool:
        return self._conn is not None

    def connect(self) -> None:
        """LISTEN on a new connection; call it before reading the log, so no change falls in between."""
        import psycopg

        self.disconnect()
        try:
            conn = psycopg.connect(self._url, autocommit=True, **LISTEN_CONNECTION)
        except psycopg.Error as exc:
            raise LibraryError(f"cannot listen for changes: {exc}") from exc
        try:
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            conn.close()
            raise LibraryError(f"cannot listen for changes: {exc}") from exc
        self._conn = conn

    def wait(self, timeout: float) -> bool:
        """True once a change is announced; False after ``timeout`` or an ``interrupt``.

        A lost connection (a server restart, a terminated backend) is closed and raises LibraryError:
        ``connect`` again, then read the log from the last change seen.
        """
        import psycopg

        conn = self._conn
        if conn is None:
            raise LibraryError("not listening for changes")
        try:
            if self._announced(conn):
                return True
            with selectors.DefaultSelector() as selector:
                selector.register(conn.fileno(), selectors.EVENT_READ)
                selector.register(self._wake_r, selectors.EVENT_READ)
                ready = {key.fileobj for key, _ in selector.select(timeout)}
            if self._wake_r in ready:
                with contextlib.suppress(BlockingIOError):
                    while self._wake_r.recv(64):
                        pass
                return False
            return bool(ready) and self._announced(conn)
        except (psycopg.Error, OSError) as exc:
            self.disconnect()
            raise LibraryError(f"lost the connection that listens for changes: {exc}") from exc

    @staticmethod
    def _announced(conn: psycopg.Connection[Any]) -> bool:
        """Take every notification already received (all of them: one read of the log covers them)."""
        return bool(list(conn.notifies(timeout=0)))

    def interrupt(self) -> None:
        """End the current wait, or the next one if none is running (thread-safe)."""
        with contextlib.suppress(OSError):  # already full (an interrupt is pending) or closed
            self._wake_w.send(b"x")

    def disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # a dead connection has nothing left to close cleanly
                conn.close()

    def close(self) -> None:
        """Only from the thread that waits (``interrupt`` it first)."""
        self.disconnect()
        self._wake_r.close()
        self._wake_w.close()


class ChangeFeed:
    """What anyone changes in a library, batch by batch, for a watcher thread.

    On PostgreSQL one persistent LISTEN connection wakes it. It is opened before the first read of the
    log, so a change committed in between is not missed; a lost connection is opened again (at once, then
    with growing pauses while the server is away) and the log read from the last change seen, so nothing
    made meanwhile is missed either. Elsewhere ``next`` polls once a second. ``stop`` (any thread) ends a
    wait at once; the waiting thread then ``close``s the feed.
    """

    def __init__(self, db: Database, after: int | None = None) -> None:
        self._db = db
        self._listener = Listener(db.engine) if db.engine.dialect.name == "postgresql" else None
        self._stopped = threading.Event()
        self._failures = 0
        self.after = after  # None: from the change log's high-water mark when first listening

    def next(self, timeout: float) -> tuple[int, list[str]]:
        """The ids changed since the last batch, waiting up to ``timeout`` seconds for one, and the newest
        change id. A lost server raises LibraryError; the next call retries, after a pause that doubles
        with every failure in a row (up to ``RECONNECT_MAX_SECONDS``)."""
        if self._failures:
            self._stopped.wait(min(RECONNECT_SECONDS * 2 ** (self._failures - 1), RECONNECT_MAX_SECONDS))
        try:
            found = self._next(timeout)
        except LibraryError:
            self._failures += 1
            raise
        self._failures = 0
        self.after = found[0]
        return found

    def _next(self, timeout: float) -> tuple[int, list[str]]:
        if self._stopped.is_set():
            return self.after or 0, []
        if self._listener is not None and not self._listener.connected:
            self._listener.connect()
        if self.after is None:
            with self._db.session() as session:
                self.after = last_change_id(session)
        found = self._read(self.after)
        if found[1]:
            return found
        if self._listener is None:
            self._stopped.wait(min(timeout, POLL_SECONDS))
        else:
            try:
                self._listener.wait(timeout)
            except LibraryError:
                self._listener.connect()  # a dropped connection, not a lost server: go on quietly
        return self._read(self.after)

    def _read(self, after: int) -> tuple[int, list[str]]:
        with self._db.session() as session:
            return changes_since(session, after)

    def stop(self) -> None:
        """End the current wait and every later one (thread-safe)."""
        self._stopped.set()
        if self._listener is not None:
            self._listener.interrupt()

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()

    def __enter__(self) -> ChangeFeed:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
