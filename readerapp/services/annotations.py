"""What a user makes of papers: state, star, note and highlights, each write with its undo; and undo
itself, which reverts any write's ``Changes`` in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from readerapp.errors import ReaderappError
from readerapp.paper import Changes
from readerapp.services.context import LibraryContext
from readerapp.services.reading import check_state
from readerapp.store import annotations as notes_and_tags
from readerapp.store import queries
from readerapp.store import undo as inverses
from readerapp.store.changes import touch
from readerapp.store.collections import public_ids
from readerapp.store.models import Paper as PaperRow
from readerapp.store.models import PaperState

W = TypeVar("W")  # what a paper's mark was before a write


class Annotations:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def set_state(self, ids: Iterable[str], state: str, when: datetime | None) -> Changes:
        check_state(state, required=True)
        user_id = self.ctx.user_id
        return self._mark(
            "set_state",
            ids,
            inverses.StateWas.of,
            lambda session, pid: notes_and_tags.set_state(session, pid, user_id, state, when) != state,
            lambda before: inverses.RestoreStates(user_id, tuple(before)),
        )

    def star(self, ids: Iterable[str], on: bool) -> Changes:
        user_id = self.ctx.user_id
        return self._mark(
            "star",
            ids,
            inverses.StarWas.of,
            lambda session, pid: notes_and_tags.set_starred(session, pid, user_id, on) != on,
            lambda before: inverses.RestoreStars(user_id, tuple(before)),
        )

    def _mark(
        self,
        op: str,
        ids: Iterable[str],
        was: Callable[[PaperState], W],
        changes: Callable[[Session, int], bool],
        restore: Callable[[list[W]], inverses.Inverse],
    ) -> Changes:
        """Set a per-user mark (state, star) on papers: ``was`` keeps what each had, ``changes`` sets it
        and says whether that changed anything, ``restore`` undoes it for the papers it changed."""
        with self.ctx.db.session() as session:
            touched: list[PaperRow] = []
            before: list[W] = []
            for row in queries.resolve_many(session, list(ids)):
                kept = was(notes_and_tags.state_row(session, row.id, self.ctx.user_id))
                if changes(session, row.id):
                    touched.append(row)
                    before.append(kept)
            return self.ctx.changed(session, op, touched, [restore(before)] if before else [])

    def set_note(self, ident: str, markdown: str) -> Changes:
        with self.ctx.db.session() as session:
            row = queries.resolve(session, ident)
            was = inverses.RestoreNote.of(session, row.id, self.ctx.user_id)
            if notes_and_tags.set_note(session, row.id, self.ctx.user_id, markdown) == markdown:
                return Changes("set_note", ())
            return self.ctx.changed(session, "set_note", [row], [was])

    def add_highlight(
        self, ident: str, text: str, comment: str | None, color: str | None, field: str, start: int | None
    ) -> Changes:
        with self.ctx.db.session() as session:
            row = queries.resolve(session, ident)
            try:
                user_id = self.ctx.user_id
                highlight = notes_and_tags.add_highlight(
                    session, row, user_id, text, field=field, start=start, color=color, comment=comment
                )
            except ValueError as exc:
                raise ReaderappError(str(exc)) from exc
            return self.ctx.changed(session, "add_highlight", [row], [inverses.DeleteHighlight(highlight.id)])

    def edit_highlight(self, highlight_id: int, color: str | None, comment: str | None) -> Changes:
        with self.ctx.db.session() as session:
            highlight = notes_and_tags.own_highlight(session, highlight_id, self.ctx.user_id)
            inverse = inverses.RestyleHighlight(highlight_id, highlight.color, highlight.comment)
            if color is not None:
                highlight.color = color
            if comment is not None:
                highlight.comment = comment or None
            row = session.get_one(PaperRow, highlight.paper_id)
            return self.ctx.changed(session, "edit_highlight", [row], [inverse])

    def delete_highlight(self, highlight_id: int) -> Changes:
        with self.ctx.db.session() as session:
            highlight = notes_and_tags.own_highlight(session, highlight_id, self.ctx.user_id)
            row = session.get_one(PaperRow, highlight.paper_id)
            inverse = inverses.RestoreHighlight.of(highlight)
            notes_and_tags.delete_highlight(session, highlight_id)
            return self.ctx.changed(session, "delete_highlight", [row], [inverse])

    def undo(self, changes: Changes) -> Changes:
        """Revert exactly ``changes``, all of it in one transaction or nothing (``Library.undo``)."""
        with self.ctx.db.session() as session:
            applied = inverses.apply_all(session, changes.inverse)
            papers = public_ids(session, list(applied.papers))
            touch(session, applied.papers, papers)
            listed = public_ids(session, list(applied.listed))
        if applied.papers:
            self.ctx.written()
        if applied.papers or applied.listed:
            self.ctx.refresh_exports([*applied.papers, *applied.listed])
        ids = tuple(dict.fromkeys([*papers, *listed]))
        return Changes("undo:" + changes.op, ids, applied.redo, applied.searches)
