"""Opening a write transaction explicitly, so savepoints nest inside it on SQLite as on PostgreSQL.

Python's sqlite3 module opens a transaction only before its first INSERT, UPDATE or DELETE. A SAVEPOINT
issued before that would itself become the transaction, and releasing it would commit: a merge that
isolates each batch in a savepoint would no longer be one transaction.
"""

from __future__ import annotations

from sqlalchemy.orm import Session


def begin_write(session: Session) -> None:
    """Make sure the session's transaction is open and may write. On SQLite that is ``BEGIN IMMEDIATE``,
    which takes the write lock at once (waiting out the busy timeout, as any write does): a read first
    and a write later could otherwise meet another process's commit in between and fail."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL's transaction is open from the first statement
    driver = connection.connection.driver_connection
    if driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
