"""Reading the library: one paper in full, the papers of a view (light views, in order, in chunks for
100k rows), the sidebar's counts. ``pdf_path`` comes out absolute (see ``absolute_pdfs``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import cast

from readerapp.errors import ReaderappError
from readerapp.membership import ListFilter
from readerapp.paper import Paper
from readerapp.records import STATES, State
from readerapp.services.context import LibraryContext
from readerapp.store import queries


class Reading:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def get(self, ident: str) -> Paper:
        """One paper in full (abstract, note, highlights), by arXiv id, URL, local id or DOI."""
        with self.ctx.db.session() as session:
            row = queries.resolve(session, ident)
            return self.ctx.absolute_pdfs(queries.views(session, [row.id], self.ctx.user_id, full=True))[0]

    def iter_list(self, where: ListFilter, sort: str, limit: int | None, chunk: int) -> Iterator[Paper]:
        """The list's ids now, at the call; its rows as they are read, ``chunk`` at a time."""
        query = queries.filtered_ids_query(self.ctx.user_id, where, sort)
        if limit is not None:
            query = query.limit(limit)
        with self.ctx.db.session() as session:
            ids = queries.row_ids(session, query)

        def chunks() -> Iterator[Paper]:
            for start in range(0, len(ids), chunk):
                with self.ctx.db.session() as session:
                    part = queries.views(session, ids[start : start + chunk], self.ctx.user_id)
                yield from self.ctx.absolute_pdfs(part)

        return chunks()

    def list_ids(self, where: ListFilter, sort: str = "feed") -> list[str]:
        """Public ids of a list in order: what a list widget needs to show 100k rows lazily."""
        query = queries.filtered_ids_query(self.ctx.user_id, where, sort)
        with self.ctx.db.session() as session:
            return queries.public_ids_of(session, query)

    def rows(self, ids: Sequence[str]) -> list[Paper]:
        """Light views for these public ids, in their order (unknown ids are skipped)."""
        with self.ctx.db.session() as session:
            internal = queries.internal_ids(session, ids)
            found = [internal[i] for i in ids if i in internal]
            return self.ctx.absolute_pdfs(queries.views(session, found, self.ctx.user_id))

    def counts(self) -> dict[str, int]:
        with self.ctx.db.session() as session:
            return queries.counts(session, self.ctx.user_id)

    def tag_counts(self) -> dict[str, int]:
        with self.ctx.db.session() as session:
            return queries.tag_counts(session)

    def feed_days(self, limit: int) -> list[tuple[date, int]]:
        with self.ctx.db.session() as session:
            return queries.feed_days(session, limit)

    def interest_seeds(self) -> list[str]:
        """What this user starred, tagged, reads or finished: what For you learns to rank high."""
        with self.ctx.db.session() as session:
            return queries.interest_seed_ids(session, self.ctx.user_id)

    def discarded(self) -> list[str]:
        """What this user archived unread: what For you learns to rank low."""
        with self.ctx.db.session() as session:
            return queries.discarded_ids(session, self.ctx.user_id)


def list_filter(
    state: str | None = None,
    tag: str | None = None,
    starred: bool | None = None,
    collection: str | None = None,
    feed_day: date | None = None,
) -> ListFilter:
    """The list the keyword filters of ``list``/``list_ids`` describe (a clear error for a bad state)."""
    check_state(state)
    return ListFilter(cast(State | None, state), starred, tag, feed_day, collection)


def check_state(state: str | None, required: bool = False) -> None:
    if (state is None and required) or (state is not None and state not in STATES):
        raise ReaderappError(f"unknown state {state!r}; choose one of {', '.join(STATES)}")
