"""The store side of the CLI's light path (``readerapp.quick``): ``show``, ``list``, ``state`` and ``tag``,
and the rows a ``search`` catches the index up with, on a library's SQLite file through the standard
library's ``sqlite3``, without SQLAlchemy (whose import is most of a short command's time).

It reads the same rows into the same ``Paper`` views as the Library (``store.view_rows``) and writes
the same rows, revisions and change-log entries in one transaction under the same folder lock, so the
open app and the search index see a change made here as one made through the Library. Whatever it does
not cover it leaves to the Library: ``open`` returns None (a shared PostgreSQL library, a missing file,
a schema that is not the head revision and so needs a migration, a user not yet in the library), and a
call raises ``NotCovered`` before it has written or printed anything (an unknown state or an empty tag,
which the Library words as errors; a library with auto-exports, which a write rewrites; a database
error, which the Library reports in its own words; a search whose index must be built or rebuilt).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from types import SimpleNamespace, TracebackType
from typing import Any, Self

from readerapp.choices import DB_FILE
from readerapp.clock import utcnow
from readerapp.config import Config
from readerapp.errors import LibraryError, NotFoundError, ReaderappError
from readerapp.ids import parse_arxiv_id
from readerapp.paper import Changes, HighlightView, Paper
from readerapp.records import STATES
from readerapp.store.backups import Backup, backup_if_due
from readerapp.store.lock import SharedLock
from readerapp.store.names import normalize_tag, normalize_user
from readerapp.store.sqlite_file import HEAD_REVISION, connect, stamped_revision
from readerapp.store.view_rows import FULL_COLUMNS, VIEW_COLUMNS, highlight_view, paper_view
from readerapp.text import title_key

# How SQLAlchemy's column types keep values in SQLite, by column name (a test checks these against the
# models): JSON as text, datetimes as naive UTC text, dates as ISO text, booleans as 0/1.
JSON_COLUMNS = frozenset({"authors", "categories", "ai_keywords", "sources", "keywords", "editors", "quads"})
DATETIME_COLUMNS = frozenset({"published", "updated", "first_seen", "state_changed", "created"})
DATE_COLUMNS = frozenset({"feed_day"})
BOOL_COLUMNS = frozenset({"is_sample", "withdrawn", "starred", "anchored", "imported"})
# ``store.queries.SORTS`` in SQL (a test checks both name the same sorts).
SORTS = {
    "feed": "p.feed_day DESC, p.upvotes DESC, p.id DESC",
    "date": "p.published DESC, p.id DESC",
    "upvotes": "p.upvotes DESC, p.id DESC",
    "title": "p.title_key ASC",
    "added": "p.id DESC",
}
_IN_CHUNK = 900  # ids in one ``IN (...)``, as the store's queries use
# A paper's row for the search index, this user's state and star, its tags, notes and highlight texts.
DocumentRow = tuple[SimpleNamespace, str | None, bool | None, list[str], list[str], list[str]]
_STATE_JOIN = "LEFT OUTER JOIN paper_states ps ON ps.paper_id = p.id AND ps.user_id = ?"


class NotCovered(Exception):
    """The light path does not do this; the Library does (nothing was written or printed yet)."""


def stored_time(when: datetime) -> str:
    """A datetime as SQLAlchemy's ``UTCDateTime`` keeps it in SQLite: naive UTC, microseconds."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _value(name: str, value: Any) -> Any:
    """A column's value as SQLAlchemy reads it from SQLite."""
    if value is None:
        return None
    if name in JSON_COLUMNS:
        return json.loads(value)
    if name in DATETIME_COLUMNS:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    if name in DATE_COLUMNS:
        return date.fromisoformat(value)
    if name in BOOL_COLUMNS:
        return bool(value)
    return value


def _rows(cursor: sqlite3.Cursor) -> Iterator[SimpleNamespace]:
    names = [column[0] for column in cursor.description]
    for row in cursor:
        yield SimpleNamespace(**{name: _value(name, value) for name, value in zip(names, row, strict=True)})


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


class QuickStore:
    """A SQLite library open for the light path: the Library's ``get``, ``iter_list``, ``rows``,
    ``set_state`` and ``tag``, answering as the Library does (``Changes`` carry no undo: the CLI keeps
    none), and the change log and rows the search index reads (``indexing.quick_source``)."""

    def __init__(
        self, config: Config, connection: sqlite3.Connection, lock: SharedLock, user_id: int
    ) -> None:
        self.path = config.library
        self._backups_kept = config.backups_kept
        self._db = connection
        self._lock = lock
        self.user_id = user_id

    @classmethod
    def open(cls, config: Config) -> Self | None:
        """The library ``config`` names, when the light path can serve it; None for the Library."""
        file = config.library / DB_FILE
        if config.database_url or not file.is_file():
            return None
        lock = SharedLock(config.library)  # as ``Database.open_sqlite``: before the first connection
        connection: sqlite3.Connection | None = None
        try:
            connection = connect(file)
            if stamped_revision(connection) != HEAD_REVISION:
                raise NotCovered
            name = normalize_user(config.user.strip() or config.user_name)  # as ``identity.library_user``
            found = connection.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
            if found is None:
                raise NotCovered  # the Library makes the user
        except (sqlite3.Error, ReaderappError, NotCovered):
            if connection is not None:
                connection.close()
            lock.release()
            return None
        return cls(config, connection, lock, found[0])

    def close(self) -> None:
        self._db.close()
        self._lock.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def backup_if_due(self) -> Backup | None:
        """``Library.backup_if_due``: today's backup, unless there is one."""
        return backup_if_due(self.path / DB_FILE, self.path / "backups", self._backups_kept)

    # -- reading -----------------------------------------------------------------------------------

    def get(self, ident: str) -> Paper:
        """``Library.get``: one paper in full."""
        with self._covered():
            paper_id, _public = self._resolve(ident)
            return self._views([paper_id], full=True)[0]

    def iter_list(
        self,
        state: str | None = None,
        tag: str | None = None,
        starred: bool | None = None,
        limit: int | None = None,
        sort: str = "feed",
        chunk: int = 2_000,
    ) -> Iterator[Paper]:
        """``Library.iter_list`` without collections or feed days (the CLI's ``list`` has neither)."""
        if (state is not None and state not in STATES) or sort not in SORTS:
            raise NotCovered
        where: list[str] = []
        params: list[Any] = [self.user_id]
        if state == "inbox":
            where.append("(ps.state IS NULL OR ps.state = 'inbox')")
        elif state is not None:
            where.append("ps.state = ?")
            params.append(state)
        if starred is not None:
            where.append("ps.starred IS 1" if starred else "(ps.starred IS NULL OR ps.starred IS 0)")
        if tag is not None:
            where.append(
                "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
                " WHERE lower(t.name) = ?)"
            )
            params.append(tag.lower())
        sql = f"SELECT p.id FROM papers p {_STATE_JOIN}"
        sql += (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {SORTS[sort]}"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self._covered():
            ids = [row[0] for row in self._db.execute(sql, params)]

        def chunks() -> Iterator[Paper]:
            for start in range(0, len(ids), chunk):
                try:
                    part = self._views(ids[start : start + chunk])
                except sqlite3.Error as exc:  # rows are out already: too late to hand over
                    raise LibraryError(f"the library database failed: {exc}") from exc
                yield from part

        return chunks()

    def rows(self, ids: Sequence[str]) -> list[Paper]:
        """``Library.rows``: light views for these public ids, in their order (unknown ids skipped)."""
        with self._covered():
            found = self._internal_ids(ids)
            return self._views([found[i] for i in ids if i in found])

    def _internal_ids(self, public_ids: Sequence[str]) -> dict[str, int]:
        """``api._internal_ids``: the internal id of each public id that exists."""
        found: dict[str, int] = {}
        unique = list(dict.fromkeys(public_ids))
        for start in range(0, len(unique), _IN_CHUNK):
            chunk = unique[start : start + _IN_CHUNK]
            among = _marks(chunk)
            sql = "SELECT id, arxiv_id, local_id FROM papers"
            sql += f" WHERE arxiv_id IN ({among}) OR local_id IN ({among})"
            for paper_id, arxiv_id, local_id in self._db.execute(sql, [*chunk, *chunk]):
                found[arxiv_id or local_id] = paper_id
                found[local_id] = paper_id
        return found

    def _tag_names(self, paper_ids: Sequence[int]) -> dict[int, list[str]]:
        """Each paper's tag names (at most ``_IN_CHUNK`` papers)."""
        tags: dict[int, list[str]] = {}
        sql = "SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
        for paper_id, name in self._db.execute(
            f"{sql} WHERE pt.paper_id IN ({_marks(paper_ids)})", paper_ids
        ):
            tags.setdefault(paper_id, []).append(name)
        return tags

    def document_rows(self, public_ids: Sequence[str], columns: Sequence[str]) -> list[DocumentRow]:
        """What ``indexing.rows.index_document`` reads for these public ids (those that exist): each paper's
        ``columns``, this user's state and star (None: no state row), its tags, every reader's notes,
        and its highlights' quotes and comments."""
        with self._covered():
            ids = sorted(set(self._internal_ids(public_ids).values()))
            return [
                row
                for start in range(0, len(ids), _IN_CHUNK)
                for row in self._document_rows(ids[start : start + _IN_CHUNK], columns)
            ]

    def _document_rows(self, ids: list[int], columns: Sequence[str]) -> Iterator[DocumentRow]:
        among = _marks(ids)
        sql = f"SELECT paper_id, state, starred FROM paper_states WHERE paper_id IN ({among}) AND user_id = ?"
        states = {
            pid: (state, starred) for pid, state, starred in self._db.execute(sql, [*ids, self.user_id])
        }
        tags = self._tag_names(ids)
        notes: dict[int, list[str]] = {}
        for pid, markdown in self._db.execute(
            f"SELECT paper_id, markdown FROM notes WHERE paper_id IN ({among})", ids
        ):
            notes.setdefault(pid, []).append(markdown)
        highlights: dict[int, list[str]] = {}
        sql = f"SELECT paper_id, quote, comment FROM highlights WHERE paper_id IN ({among})"
        for pid, quote, comment in self._db.execute(sql, ids):
            highlights.setdefault(pid, []).extend(t for t in (quote, comment) if t)
        sql = f"SELECT {', '.join(dict.fromkeys(('id', *columns)))} FROM papers WHERE id IN ({among})"
        for paper in _rows(self._db.execute(sql, ids)):
            state, starred = states.get(paper.id, (None, None))
            found = (tags.get(paper.id, []), notes.get(paper.id, []), highlights.get(paper.id, []))
            yield paper, state, starred, *found

    def changes_since(self, watermark: int) -> tuple[list[str], int]:
        """``indexing.source.LibraryDocuments.changes_since``: ids logged after ``watermark``, the newest."""
        with self._covered():
            rows = self._db.execute(
                "SELECT id, public_id FROM change_log WHERE id > ? ORDER BY id", (watermark,)
            ).fetchall()
        return list(dict.fromkeys(public_id for _, public_id in rows)), rows[-1][0] if rows else watermark

    def _resolve(self, ident: str) -> tuple[int, str]:
        """``queries.resolve``: the internal and public id of the paper ``ident`` names."""
        ident = ident.strip()
        arxiv = parse_arxiv_id(ident)
        lookups: list[tuple[str, str]] = []
        if arxiv is not None:
            lookups.append(("arxiv_id = ?", arxiv.base))
        lookups.append(("local_id = ?", ident))
        if ident.startswith("title:"):
            lookups.append(("title_key = ?", title_key(ident[6:])))
        else:
            doi = ident.lower().removeprefix("doi:").removeprefix("https://doi.org/").strip()
            if doi.startswith("10."):
                lookups.append(("doi = ?", doi))
        for condition, value in lookups:
            sql = f"SELECT id, arxiv_id, local_id FROM papers WHERE {condition} LIMIT 1"
            found = self._db.execute(sql, (value,)).fetchone()
            if found is not None:
                return found[0], found[1] or found[2]
        raise NotFoundError(f"no paper {ident!r} in the library")

    def _resolve_many(self, idents: Iterable[str]) -> list[tuple[int, str]]:
        return [self._resolve(ident) for ident in dict.fromkeys(idents)]

    def _views(self, paper_ids: Sequence[int], *, full: bool = False) -> list[Paper]:
        """``queries.views`` in SQL, with ``pdf_path`` made absolute as the Library does."""
        columns = [*VIEW_COLUMNS, *FULL_COLUMNS] if full else list(VIEW_COLUMNS)
        selected = ", ".join(f"p.{name}" for name in columns) + ", ps.state, ps.state_changed, ps.starred"
        rows: dict[int, SimpleNamespace] = {}
        tags: dict[int, list[str]] = {}
        notes: dict[int, str] = {}
        other_notes: dict[int, list[tuple[str, str]]] = {}
        highlights: dict[int, list[HighlightView]] = {}
        for start in range(0, len(paper_ids), _IN_CHUNK):
            chunk = list(paper_ids[start : start + _IN_CHUNK])
            among = _marks(chunk)
            sql = f"SELECT {selected} FROM papers p {_STATE_JOIN} WHERE p.id IN ({among})"
            for row in _rows(self._db.execute(sql, [self.user_id, *chunk])):
                rows[row.id] = row
            tags.update(self._tag_names(chunk))
            sql = f"SELECT paper_id, markdown FROM notes WHERE paper_id IN ({among}) AND user_id = ?"
            notes.update(self._db.execute(sql, [*chunk, self.user_id]).fetchall())
            if full:
                sql = (
                    "SELECT n.paper_id, u.name, n.markdown FROM notes n JOIN users u ON u.id = n.user_id"
                    f" WHERE n.paper_id IN ({among}) AND n.user_id != ? ORDER BY u.name"
                )
                for paper_id, author, markdown in self._db.execute(sql, [*chunk, self.user_id]):
                    other_notes.setdefault(paper_id, []).append((author, markdown))
                sql = (
                    "SELECT h.*, u.name AS author FROM highlights h JOIN users u ON u.id = h.user_id"
                    f" WHERE h.paper_id IN ({among}) ORDER BY h.start, h.id"
                )
                for h in _rows(self._db.execute(sql, chunk)):
                    highlights.setdefault(h.paper_id, []).append(highlight_view(h, h.author))
        views = [
            paper_view(rows[pid], tags.get(pid, []), notes.get(pid, ""), highlights.get(pid, []), full,
                       other_notes.get(pid, []))
            for pid in paper_ids
            if pid in rows
        ]  # fmt: skip
        return [replace(p, pdf_path=str(self.path / p.pdf_path)) if p.pdf_path else p for p in views]

    # -- writing -----------------------------------------------------------------------------------

    def set_state(self, ids: Iterable[str], state: str) -> Changes:
        """``Library.set_state``: the same state rows, revisions and change-log entries."""
        if state not in STATES:
            raise NotCovered  # the Library's error names the states
        with self._write():
            touched = []
            for paper_id, public in self._resolve_many(ids):
                previous = self._state_row(paper_id)
                if previous != state:
                    self._db.execute(
                        "UPDATE paper_states SET state = ?, state_changed = ?"
                        " WHERE paper_id = ? AND user_id = ?",
                        (state, stored_time(utcnow()), paper_id, self.user_id),
                    )
                    touched.append((paper_id, public))
            return self._changed("set_state", touched)

    def _state_row(self, paper_id: int) -> str:
        """``annotations.state_row``: the paper's state, its row made (inbox, not starred) when missing."""
        found = self._db.execute(
            "SELECT state FROM paper_states WHERE paper_id = ? AND user_id = ?", (paper_id, self.user_id)
        ).fetchone()
        if found is None:
            self._db.execute(
                "INSERT INTO paper_states (paper_id, user_id, state, starred) VALUES (?, ?, 'inbox', 0)",
                (paper_id, self.user_id),
            )
            return "inbox"
        return str(found[0] or "inbox")

    def tag(self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()) -> Changes:
        """``Library.tag``: the same tags, links, revisions and change-log entries."""
        try:
            to_add = [normalize_tag(t) for t in add]
            to_remove = [normalize_tag(t) for t in remove]
        except ValueError:
            raise NotCovered from None  # the Library's error says what is wrong
        with self._write():
            touched = []
            for paper_id, public in self._resolve_many(ids):
                removed = self._remove_tags(paper_id, to_remove)
                added = self._add_tags(paper_id, to_add)
                if added or removed:
                    touched.append((paper_id, public))
            return self._changed("tag", touched)

    def _tag(self, name: str) -> tuple[int, str] | None:
        """``annotations.find_tag``: the tag's id and stored name, whatever its case."""
        found = self._db.execute(
            "SELECT id, name FROM tags WHERE lower(name) = ?", (name.lower(),)
        ).fetchone()
        return None if found is None else (found[0], found[1])

    def _remove_tags(self, paper_id: int, names: Sequence[str]) -> list[str]:
        removed = []
        for name in names:
            tag = self._tag(name)
            if tag is None:
                continue
            done = self._db.execute(
                "DELETE FROM paper_tags WHERE paper_id = ? AND tag_id = ?", (paper_id, tag[0])
            )
            if done.rowcount:
                removed.append(tag[1])
        return removed

    def _add_tags(self, paper_id: int, names: Sequence[str]) -> list[str]:
        sql = "SELECT t.name FROM tags t JOIN paper_tags pt ON pt.tag_id = t.id WHERE pt.paper_id = ?"
        present = {name.lower() for (name,) in self._db.execute(sql, (paper_id,))}
        added = []
        for name in names:
            if name.lower() in present:
                continue
            tag = self._tag(name)
            tag_id = (
                tag[0] if tag else self._db.execute("INSERT INTO tags (name) VALUES (?)", (name,)).lastrowid
            )
            self._db.execute(
                "INSERT INTO paper_tags (paper_id, tag_id, added) VALUES (?, ?, ?)",
                (paper_id, tag_id, stored_time(utcnow())),
            )
            present.add(name.lower())
            added.append(name)
        return added

    def _changed(self, op: str, touched: Sequence[tuple[int, str]]) -> Changes:
        """``changes.touch``: bump the changed papers' revisions and log them for the index."""
        ids = list(dict.fromkeys(paper_id for paper_id, _ in touched))
        public = tuple(dict.fromkeys(public for _, public in touched))
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            self._db.execute(
                f"UPDATE papers SET revision = revision + 1 WHERE id IN ({_marks(chunk)})", chunk
            )
        now = stored_time(utcnow())
        self._db.executemany(
            "INSERT INTO change_log (public_id, at) VALUES (?, ?)", [(p, now) for p in public]
        )
        return Changes(op, public)

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taken at once (as ``transactions.begin_write``); a library with
        auto-exports is the Library's, which rewrites them after the write."""
        with self._covered():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if self._db.execute("SELECT 1 FROM auto_exports LIMIT 1").fetchone() is not None:
                    raise NotCovered
                yield
            except BaseException:
                if self._db.in_transaction:  # SQLite may have rolled back itself (a full disk)
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _covered(self) -> Iterator[None]:
        """A database error (busy past the timeout, a full disk, damage) is the Library's to word."""
        try:
            yield
        except sqlite3.Error as exc:
            raise NotCovered from exc
