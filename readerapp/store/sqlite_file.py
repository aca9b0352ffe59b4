"""What every connection to a library's SQLite file needs, without SQLAlchemy: the head revision its
schema must carry, and the settings each connection runs with (WAL, foreign keys, a busy timeout), so
the store's engine and the CLI's light path (``store.quick``) open the file alike."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# The newest Alembic revision; a test checks it matches the scripts, so opening an up-to-date
# library needs no Alembic import at all.
HEAD_REVISION = "0008"
BUSY_TIMEOUT_MS = 15_000
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous=NORMAL",
    # 64 MiB of page cache (the default is 2 MiB): a 100k-paper import touches every index page.
    "PRAGMA cache_size=-65536",
)


def set_pragmas(connection: sqlite3.Connection) -> None:
    cursor = connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the library file with every setting, in autocommit mode: the caller opens
    each transaction itself (``BEGIN IMMEDIATE`` for a write)."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    set_pragmas(connection)
    return connection


def stamped_revision(connection: sqlite3.Connection) -> str | None:
    """The Alembic revision the file carries; None for a file without one (new or not a library)."""
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no such table
        return None
    return row[0] if row else None
