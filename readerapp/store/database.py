"""Opening a library database: engine settings, migrations with a backup first, short sessions.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so the app's writer, its readers and a
CLI in another process can share one file. The schema only ever changes through Alembic.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    InternalError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm import Session, sessionmaker

from readerapp.disk import no_room
from readerapp.errors import DatabaseDamaged, DiskFull, LibraryError
from readerapp.store.backups import backup_sqlite, restore_advice
from readerapp.store.lock import SharedLock

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest Alembic revision; a test checks it matches the scripts, so opening an up-to-date
# library needs no Alembic import at all.
HEAD_REVISION = "0007"
BUSY_TIMEOUT_MS = 15_000
SUPPORTED_DRIVERS = frozenset({"postgresql", "postgresql+psycopg", "sqlite", "sqlite+pysqlite"})
SUPPORTED_URLS = "postgresql://USER@HOST/DATABASE (or postgresql+psycopg://...) or sqlite:///FILE"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 64 MiB of page cache (the default is 2 MiB): a 100k-paper import touches every index page.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def create_library_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings every connection needs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def check_url(url: str) -> None:
    """Refuse, in one line naming the URLs that work, a database URL readerapp cannot use (another
    database, or a driver that is not installed), before SQLAlchemy tries and fails with a traceback."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise LibraryError(f"the database URL is not a URL; use {SUPPORTED_URLS}") from None
    if parsed.drivername not in SUPPORTED_DRIVERS:
        shown = parsed.render_as_string(hide_password=True)
        raise LibraryError(f"unsupported database URL {shown}; use {SUPPORTED_URLS}")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _database_files(engine: Engine) -> tuple[Path, ...]:
    """A SQLite database's file and the journals beside it (none for a server)."""
    name = engine.url.database if engine.dialect.name == "sqlite" else None
    if not name or name == ":memory:":
        return ()
    path = Path(name)
    return path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")


def _no_room(engine: Engine, error: DBAPIError) -> DiskFull | None:
    """``DiskFull`` when the database failed for want of room (on our disk or the server's), else None."""
    files = _database_files(engine)
    return no_room(error, files[0] if files else None, *files)


def failure(engine: Engine, error: DBAPIError, what: str) -> Exception:
    """The error to raise for a database that failed: ``DiskFull`` when it found no room (never taken
    for damage), else a LibraryError saying ``what`` with the driver's one-line reason. The want of room
    may be the error's context: SQLite rolls a full transaction back itself, so the savepoint being
    rolled back next is gone ("no such savepoint"), and that is the error that surfaces."""
    cause: BaseException | None = error
    seen: set[int] = set()
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, DBAPIError) and (full := _no_room(engine, cause)) is not None:
            return full
        cause = cause.__cause__ or cause.__context__
    return LibraryError(f"{what}: {error.orig}")


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision stamped in the database, or None for an empty one."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(engine: Engine, connection: Any) -> Any:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine, backup_dir: Path | None = None) -> str | None:
    """Bring the schema to the head revision; before touching an existing older library, back it up.

    Returns the path of the backup written, if any.
    """
    try:
        revision = current_revision(engine)
    except DatabaseError as exc:
        if _refused(exc):  # a library from before 0006 opened its tables to no member
            raise _not_the_owner(engine, "it is not open to members yet") from exc
        raise failure(engine, exc, "cannot read the library database") from exc
    if revision == HEAD_REVISION:
        return None
    backup: str | None = None
    db_path = engine.url.database
    if revision is not None and backup_dir is not None and db_path and engine.dialect.name == "sqlite":
        backup = str(backup_sqlite(Path(db_path), backup_dir, f"before-{HEAD_REVISION}"))
    from alembic import command
    from alembic.script import ScriptDirectory

    try:
        with engine.begin() as conn:
            cfg = _alembic_config(engine, conn)
            known = {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}
            if revision is not None and revision not in known:
                raise LibraryError(
                    f"the library was written by a newer readerapp (schema {revision}); upgrade readerapp"
                )
            try:
                command.upgrade(cfg, "head")
            except ProgrammingError as exc:
                if not _refused(exc):
                    raise
                has = f"it has schema {revision}" if revision else "it has no tables yet"
                raise _not_the_owner(engine, has) from exc
    except OperationalError as exc:  # a full disk is one line; anything else stays what it was
        full = _no_room(engine, exc)
        if full is None:
            raise
        raise full from exc
    return backup


def _refused(exc: DatabaseError) -> bool:
    """Whether the server refused this role (insufficient_privilege), rather than failed."""
    return getattr(exc.orig, "sqlstate", None) == "42501"


def _not_the_owner(engine: Engine, has: str) -> LibraryError:
    """On a shared library only the tables' owner makes or upgrades them (the server refuses every
    other role): say so, instead of the server's "permission denied for schema public"."""
    role = engine.url.username or "this role"
    return LibraryError(
        f"this shared library needs schema {HEAD_REVISION} ({has}), which only its owner can make, "
        f"not {role}: its owner opens it once with this readerapp first"
    )


class Database:
    """One library database: the engine, and short transactional sessions on it."""

    def __init__(self, engine: Engine, lock: SharedLock | None = None) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._lock = lock

    @classmethod
    def open_sqlite(cls, path: Path, backups_dir: Path | None = None) -> Database:
        """Open (and migrate) the file, holding the folder's shared lock until ``close`` (see ``lock``)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = SharedLock(path.parent)
        engine = create_library_engine(sqlite_url(path))
        try:
            migrate(engine, backups_dir)
        except BaseException as exc:
            engine.dispose()
            lock.release()
            unreadable = isinstance(exc, LibraryError) and isinstance(exc.__cause__, DatabaseError)
            if unreadable and not isinstance(exc, DiskFull) and backups_dir is not None:
                raise DatabaseDamaged(f"{exc}; {restore_advice(backups_dir)}") from exc
            raise  # not damage (a newer schema, say): no backup would help
        return cls(engine, lock)

    @classmethod
    def open_url(cls, url: str) -> Database:
        check_url(url)
        engine = create_library_engine(url)
        migrate(engine)
        return cls(engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back if it raises.

        A database that cannot be read or written (a full disk, an I/O error, a damaged file, a lost
        server) raises a LibraryError with SQLite's or the server's one-line reason, so the CLI and the
        app show it instead of a traceback; constraint and programming errors stay what they are.
        """
        try:
            with self._sessions.begin() as session:
                yield session
        except (OperationalError, InternalError) as exc:
            raise failure(self.engine, exc, "the library database failed") from exc
        except DatabaseError as exc:
            if type(exc) is not DatabaseError:
                raise
            damaged = f"the library database is damaged: {exc.orig} (run readerapp doctor)"
            raise DatabaseDamaged(damaged) from exc

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
