"""The Library facade: the one object the CLI, the app and scripts talk to.

Every method opens its own short transaction, so one Library can serve a GUI's worker threads and a
script alike. Writes return ``Changes`` (the ids touched and the calls that undo them) and append to the
change log, from which the search index catches up.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from readerapp.config import Config, load_config
from readerapp.errors import NotFoundError, ReaderappError
from readerapp.paper import Call, Changes, Paper
from readerapp.progress import Progress, no_progress
from readerapp.records import STATES, PaperRecord
from readerapp.store import annotations as notes_and_tags
from readerapp.store import queries
from readerapp.store.database import Database
from readerapp.store.doctor import DoctorReport, Finding, check_database
from readerapp.store.models import Highlight
from readerapp.store.models import Paper as PaperRow
from readerapp.store.upsert import log_changes
from readerapp.sync import SyncReport, describe_window, fetch, run_merge

DB_FILE = "library.sqlite3"


class Library:
    """A reading library on disk (or on a shared database): papers, and what this user made of them."""

    def __init__(self, config: Config, db: Database) -> None:
        self.config = config
        self.db = db
        with db.session() as session:
            self.user_id = notes_and_tags.user_id_for(session, config.user_name)

    # -- opening -----------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None, **settings: Any) -> Library:
        """Create or open the library at ``path`` (default: ``READERAPP_LIBRARY``, then the platform's)."""
        config = load_config(path, **settings)
        config.library.mkdir(parents=True, exist_ok=True)
        if config.database_url:
            db = Database.open_url(config.database_url)
        else:
            db = Database.open_sqlite(config.library / DB_FILE, config.library / "backups")
        return cls(config, db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self.config.library

    # -- reading -----------------------------------------------------------------------------------

    def get(self, ident: str) -> Paper:
        """One paper in full (abstract, note, highlights), by arXiv id, URL, local id or DOI."""
        with self.db.session() as session:
            row = queries.resolve(session, ident)
            return queries.views(session, [row.id], self.user_id, full=True)[0]

    def list(
        self,
        state: str | None = None,
        tag: str | None = None,
        starred: bool | None = None,
        collection: str | None = None,
        feed_day: date | None = None,
        limit: int | None = None,
        sort: str = "feed",
    ) -> builtins.list[Paper]:
        """Light views (no abstract, note or highlights) of the papers in a view, in its order."""
        _check_state(state)
        with self.db.session() as session:
            query = queries.filtered_ids_query(
                self.user_id,
                state=state,
                tag=tag,
                starred=starred,
                collection=collection,
                feed_day=feed_day,
                sort=sort,
            )
            if limit is not None:
                query = query.limit(limit)
            ids = list(session.scalars(query))
            return queries.views(session, ids, self.user_id)

    def list_ids(
        self,
        state: str | None = None,
        tag: str | None = None,
        starred: bool | None = None,
        collection: str | None = None,
        feed_day: date | None = None,
        sort: str = "feed",
    ) -> builtins.list[str]:
        """Public ids of a view in order: what a list widget needs to show 100k rows lazily."""
        _check_state(state)
        with self.db.session() as session:
            query = queries.filtered_ids_query(
                self.user_id,
                state=state,
                tag=tag,
                starred=starred,
                collection=collection,
                feed_day=feed_day,
                sort=sort,
            ).with_only_columns(PaperRow.arxiv_id, PaperRow.local_id)
            return [arxiv_id or local_id for arxiv_id, local_id in session.execute(query)]

    def rows(self, ids: Sequence[str]) -> builtins.list[Paper]:
        """Light views for these public ids, in their order (unknown ids are skipped)."""
        with self.db.session() as session:
            internal = _internal_ids(session, ids)
            return queries.views(session, [internal[i] for i in ids if i in internal], self.user_id)

    def counts(self) -> dict[str, int]:
        with self.db.session() as session:
            return queries.counts(session, self.user_id)

    def tag_counts(self) -> dict[str, int]:
        with self.db.session() as session:
            return queries.tag_counts(session)

    def feed_days(self, limit: int = 14) -> builtins.list[tuple[date, int]]:
        with self.db.session() as session:
            return queries.feed_days(session, limit)

    # -- triage ------------------------------------------------------------------------------------

    def set_state(self, ids: Iterable[str], state: str, *, when: datetime | None = None) -> Changes:
        """Move papers to ``inbox``, ``reading``, ``done`` or ``archived``."""
        _check_state(state, required=True)
        with self.db.session() as session:
            previous: dict[str, list[str]] = {}
            touched = []
            for row in queries.resolve_many(session, list(ids)):
                before = notes_and_tags.set_state(session, row.id, self.user_id, state, when)
                if before != state:
                    previous.setdefault(before, []).append(row.public_id)
                    touched.append(row)
            return self._changed(
                session,
                "set_state",
                touched,
                [("set_state", {"ids": ids_, "state": s}) for s, ids_ in previous.items()],
            )

    def star(self, ids: Iterable[str], on: bool = True) -> Changes:
        with self.db.session() as session:
            touched = [
                row
                for row in queries.resolve_many(session, list(ids))
                if notes_and_tags.set_starred(session, row.id, self.user_id, on) != on
            ]
            inverse = [("star", {"ids": [r.public_id for r in touched], "on": not on})] if touched else []
            return self._changed(session, "star", touched, inverse)

    def tag(self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()) -> Changes:
        """Add and remove tags on papers; tags are created on first use."""
        to_add = [notes_and_tags.normalize_tag(t) for t in add]
        to_remove = [notes_and_tags.normalize_tag(t) for t in remove]
        with self.db.session() as session:
            touched = []
            inverse: list[Call] = []
            for row in queries.resolve_many(session, list(ids)):
                removed = notes_and_tags.remove_tags(session, row.id, to_remove)
                added = notes_and_tags.add_tags(session, row.id, to_add)
                if added or removed:
                    touched.append(row)
                    inverse.append(("tag", {"ids": [row.public_id], "add": removed, "remove": added}))
            return self._changed(session, "tag", touched, inverse)

    def set_note(self, ident: str, markdown: str) -> Changes:
        """Replace the paper's Markdown note (an empty text deletes it)."""
        with self.db.session() as session:
            row = queries.resolve(session, ident)
            before = notes_and_tags.set_note(session, row.id, self.user_id, markdown)
            if before == markdown:
                return Changes("set_note", ())
            return self._changed(
                session, "set_note", [row], [("set_note", {"ident": row.public_id, "markdown": before})]
            )

    def add_highlight(
        self,
        ident: str,
        text: str,
        comment: str | None = None,
        color: str | None = None,
        *,
        field: str = "abstract",
        start: int | None = None,
    ) -> Changes:
        """Highlight the quoted ``text`` in the paper's abstract (or title), anchored by the quote."""
        with self.db.session() as session:
            row = queries.resolve(session, ident)
            try:
                highlight = notes_and_tags.add_highlight(
                    session, row, self.user_id, text, field=field, start=start, color=color, comment=comment
                )
            except ValueError as exc:
                raise ReaderappError(str(exc)) from exc
            return self._changed(
                session, "add_highlight", [row], [("delete_highlight", {"highlight_id": highlight.id})]
            )

    def edit_highlight(
        self, highlight_id: int, *, color: str | None = None, comment: str | None = None
    ) -> Changes:
        """Recolour a highlight or change its comment (``comment=""`` removes it)."""
        with self.db.session() as session:
            highlight = _highlight(session, highlight_id)
            inverse = (
                "edit_highlight",
                {"highlight_id": highlight_id, "color": highlight.color, "comment": highlight.comment or ""},
            )
            if color is not None:
                highlight.color = color
            if comment is not None:
                highlight.comment = comment or None
            row = session.get_one(PaperRow, highlight.paper_id)
            return self._changed(session, "edit_highlight", [row], [inverse])

    def delete_highlight(self, highlight_id: int) -> Changes:
        with self.db.session() as session:
            h = _highlight(session, highlight_id)
            row = session.get_one(PaperRow, h.paper_id)
            inverse = (
                "add_highlight",
                {
                    "ident": row.public_id,
                    "text": h.quote,
                    "comment": h.comment,
                    "color": h.color,
                    "field": h.field,
                    "start": h.start,
                },
            )
            session.execute(delete(Highlight).where(Highlight.id == highlight_id))
            return self._changed(session, "delete_highlight", [row], [inverse])

    def undo(self, changes: Changes) -> Changes:
        """Revert exactly ``changes``; the result undoes the undo (that is redo)."""
        redo: list[Call] = []
        ids: list[str] = []
        for method, kwargs in changes.inverse:
            done: Changes = getattr(self, method)(**kwargs)
            redo.extend(done.inverse)
            ids.extend(done.ids)
        return Changes("undo:" + changes.op, tuple(dict.fromkeys(ids)), tuple(redo))

    def _changed(
        self, session: Session, op: str, rows: Sequence[PaperRow], inverse: Sequence[Call]
    ) -> Changes:
        """Bump the revision of changed papers, log them for the index, describe the change."""
        if not rows:
            return Changes(op, ())
        paper_ids = [r.id for r in rows]
        session.execute(
            update(PaperRow).where(PaperRow.id.in_(paper_ids)).values(revision=PaperRow.revision + 1)
        )
        public = tuple(dict.fromkeys(r.public_id for r in rows))
        log_changes(session, public)
        return Changes(op, public, tuple(inverse))

    # -- bringing papers in --------------------------------------------------------------------------

    def sync(
        self,
        source: str = "hf",
        *,
        date: date | None = None,
        week: str | None = None,
        month: str | None = None,
        since: date | None = None,
        category: str | None = None,
        progress: Progress = no_progress,
        cancel: threading.Event | None = None,
    ) -> SyncReport:
        """Fetch a feed window and merge it; re-syncing never duplicates and never touches user data."""
        window = describe_window(source, date=date, week=week, month=month, since=since, category=category)

        def produce() -> list[PaperRecord]:
            return fetch(
                self.config,
                source,
                day=date,
                week=week,
                month=month,
                since=since,
                category=category,
                cancel=cancel,
                progress=progress,
            ).records

        return run_merge(self.db, self.user_id, source, window, produce, progress=progress)

    def import_file(
        self, path: str | Path, *, sample: bool = False, progress: Progress = no_progress
    ) -> SyncReport:
        """Import a file whose format is sniffed from its content; a malformed file changes nothing."""
        from readerapp.formats.sniff import read_import_file
        from readerapp.store.collections import merge_collections

        source = Path(path)
        holder: dict[str, Any] = {}

        def produce() -> list[PaperRecord]:
            holder["file"] = read_import_file(source)
            return holder["file"].records

        def after_merge(session: object, _merged: object) -> None:
            imported = holder["file"]
            assert isinstance(session, Session)
            merge_collections(session, imported.collections, imported.saved_searches)

        return run_merge(
            self.db,
            self.user_id,
            "import",
            str(source),
            produce,
            sample=sample,
            progress=progress,
            after_merge=after_merge,
        )

    def add(self, ids_or_urls: Iterable[str], *, progress: Progress = no_progress) -> SyncReport:
        """Add papers by arXiv id or URL, fetching their metadata from the arXiv API."""
        from readerapp.feeds import arxiv_api
        from readerapp.feeds.http import make_client
        from readerapp.ids import parse_arxiv_id

        wanted = []
        for item in ids_or_urls:
            parsed = parse_arxiv_id(item)
            if parsed is None:
                raise ReaderappError(f"not an arXiv id or URL: {item!r}")
            wanted.append(parsed.base)

        def produce() -> list[PaperRecord]:
            with make_client(self.config) as client:
                result = arxiv_api.fetch_ids(client, wanted)
            records = [r for r in result.records if r.arxiv_id in wanted]
            missing = set(wanted) - {r.arxiv_id for r in records}
            if missing:
                raise NotFoundError(f"arXiv has no paper {', '.join(sorted(missing))}")
            return records

        return run_merge(
            self.db, self.user_id, "arxiv", "ids=" + ",".join(wanted), produce, progress=progress
        )

    def import_sample_if_empty(self) -> SyncReport | None:
        """First launch of the app on an empty library: bring in the bundled sample day, marked as such."""
        from readerapp.resources import sample_feed_path

        if self.counts()["all"]:
            return None
        return self.import_file(sample_feed_path(), sample=True)

    def remove_sample(self) -> Changes:
        """Delete the sample papers that nothing but the sample brought in."""
        with self.db.session() as session:
            rows = list(session.scalars(select(PaperRow).where(PaperRow.is_sample.is_(True))))
            public = tuple(r.public_id for r in rows)
            session.execute(delete(PaperRow).where(PaperRow.id.in_([r.id for r in rows])))
            log_changes(session, public)
            return Changes("remove_sample", public)

    # -- health ------------------------------------------------------------------------------------

    def doctor(self, repair: bool = False) -> DoctorReport:
        """Check the library's consistency; with ``repair``, fix what can be fixed safely."""
        report = DoctorReport()
        try:
            with self.db.session() as session:
                check_database(session, report, repair)
        except DatabaseError as exc:
            report.findings.append(Finding("database", f"the database cannot be read: {exc.orig}"))
        return report


def _check_state(state: str | None, required: bool = False) -> None:
    if (state is None and required) or (state is not None and state not in STATES):
        raise ReaderappError(f"unknown state {state!r}; choose one of {', '.join(STATES)}")


def _internal_ids(session: Session, public_ids: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(public_ids))
    for start in range(0, len(unique), 900):
        chunk = unique[start : start + 900]
        for pid, arxiv_id, local_id in session.execute(
            select(PaperRow.id, PaperRow.arxiv_id, PaperRow.local_id).where(
                PaperRow.arxiv_id.in_(chunk) | PaperRow.local_id.in_(chunk)
            )
        ):
            found[arxiv_id or local_id] = pid
            found[local_id] = pid
    return found


def _highlight(session: Session, highlight_id: int) -> Highlight:
    highlight = session.get(Highlight, highlight_id)
    if highlight is None:
        raise NotFoundError(f"no highlight {highlight_id}")
    return highlight
