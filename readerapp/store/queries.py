"""Reads: resolve ids, list papers for a view, build the detached ``Paper`` views the Library returns.

Views are assembled from a few set-based queries (papers, then their tags, notes and highlights by id)
rather than lazy ORM relationships, so a list of thousands costs a handful of statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import Session

from readerapp.errors import NotFoundError
from readerapp.ids import parse_arxiv_id
from readerapp.membership import COUNTED, UNTRIAGED, ListFilter
from readerapp.paper import HighlightView, Paper
from readerapp.store.models import (
    Collection,
    CollectionItem,
    Highlight,
    Note,
    PaperState,
    PaperTag,
    Tag,
    User,
)
from readerapp.store.models import Paper as PaperRow
from readerapp.store.view_rows import FULL_COLUMNS, VIEW_COLUMNS, highlight_view, paper_view
from readerapp.text import title_key

SORTS = {
    "feed": (PaperRow.feed_day.desc(), PaperRow.upvotes.desc(), PaperRow.id.desc()),
    "date": (PaperRow.published.desc(), PaperRow.id.desc()),
    "upvotes": (PaperRow.upvotes.desc(), PaperRow.id.desc()),
    "title": (PaperRow.title_key.asc(),),
    "added": (PaperRow.id.desc(),),
}
_IN_CHUNK = 900
_VIEW_COLUMNS = [PaperRow.__table__.c[name] for name in VIEW_COLUMNS]
_FULL_COLUMNS = [PaperRow.__table__.c[name] for name in FULL_COLUMNS]


def chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    """``values`` in slices small enough for one ``IN (...)`` on every backend."""
    return [values[i : i + _IN_CHUNK] for i in range(0, len(values), _IN_CHUNK)]


def find_paper(session: Session, ident: str) -> PaperRow | None:
    """The paper an arXiv id or URL, local id, DOI (``doi:``/URL) or ``title:`` key names, or None."""
    ident = ident.strip()
    arxiv = parse_arxiv_id(ident)
    if arxiv is not None:
        found = session.scalar(select(PaperRow).where(PaperRow.arxiv_id == arxiv.base))
        if found is not None:
            return found
    found = session.scalar(select(PaperRow).where(PaperRow.local_id == ident))
    if found is not None:
        return found
    if ident.startswith("title:"):  # a paper without ids, as the lossless JSON format names it
        return session.scalars(select(PaperRow).where(PaperRow.title_key == title_key(ident[6:]))).first()
    doi = ident.lower().removeprefix("doi:").removeprefix("https://doi.org/").strip()
    if doi.startswith("10."):
        return session.scalar(select(PaperRow).where(PaperRow.doi == doi))
    return None


def resolve(session: Session, ident: str) -> PaperRow:
    """Like ``find_paper`` but a clear error when nothing matches."""
    found = find_paper(session, ident)
    if found is None:
        raise NotFoundError(f"no paper {ident!r} in the library")
    return found


def resolve_many(session: Session, idents: Sequence[str]) -> list[PaperRow]:
    return [resolve(session, ident) for ident in dict.fromkeys(idents)]


_Query = TypeVar("_Query", bound=Any)  # any Select; 2.1 types Select by its column tuple


def internal_ids(session: Session, public_ids: Sequence[str]) -> dict[str, int]:
    """Row ids for public ids (arXiv ids or local ids), looked up in bulk; unknown ids are left out."""
    found: dict[str, int] = {}
    for chunk in chunks(list(dict.fromkeys(public_ids))):
        for pid, arxiv_id, local_id in session.execute(
            select(PaperRow.id, PaperRow.arxiv_id, PaperRow.local_id).where(
                PaperRow.arxiv_id.in_(chunk) | PaperRow.local_id.in_(chunk)
            )
        ):
            found[arxiv_id or local_id] = pid
            found[local_id] = pid
    return found


def row_ids(session: Session, query: Select[tuple[int]]) -> list[int]:
    """The row ids a ``filtered_ids_query`` finds, in its order."""
    return list(session.scalars(query))


def public_ids_of(session: Session, query: Select[tuple[int]]) -> list[str]:
    """The public ids a ``filtered_ids_query`` finds, in its order, without loading its rows."""
    rows = session.execute(query.with_only_columns(PaperRow.arxiv_id, PaperRow.local_id))
    return [arxiv_id or local_id for arxiv_id, local_id in rows]


def _state_join(query: _Query, user_id: int) -> _Query:
    return query.outerjoin(
        PaperState, and_(PaperState.paper_id == PaperRow.id, PaperState.user_id == user_id)
    )


def _conditions(where: ListFilter) -> list[ColumnElement[bool]]:
    """``where`` in SQL over papers outer-joined to this user's states (``_state_join``): the SQL half of
    ``ListFilter.admits`` (a paper without a state row is in the inbox and not starred)."""
    conditions: list[ColumnElement[bool]] = []
    if where.state == "inbox":
        conditions.append(or_(PaperState.state.is_(None), PaperState.state == "inbox"))
    elif where.state is not None:
        conditions.append(PaperState.state == where.state)
    if where.starred is not None:
        conditions.append(
            PaperState.starred.is_(True)
            if where.starred
            else or_(PaperState.starred.is_(None), PaperState.starred.is_(False))
        )
    if where.tag is not None:
        conditions.append(
            PaperRow.id.in_(
                select(PaperTag.paper_id)
                .join(Tag, Tag.id == PaperTag.tag_id)
                .where(func.lower(Tag.name) == where.tag.lower())
            )
        )
    if where.feed_day is not None:
        conditions.append(PaperRow.feed_day == where.feed_day)
    return conditions


def filtered_ids_query(user_id: int, where: ListFilter, sort: str = "feed") -> Select[Any]:
    """Paper ids (internal) in the list ``where`` describes, in the list's order."""
    query = _state_join(select(PaperRow.id), user_id).where(*_conditions(where))
    if where.collection is not None:
        query = query.join(CollectionItem, CollectionItem.paper_id == PaperRow.id).join(
            Collection,
            and_(Collection.id == CollectionItem.collection_id, Collection.name == where.collection),
        )
        return query.order_by(CollectionItem.position)
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    return query.order_by(*SORTS[sort])


def views(session: Session, paper_ids: Sequence[int], user_id: int, *, full: bool = False) -> list[Paper]:
    """Detached views of these papers, in the given order."""
    if not paper_ids:
        return []
    columns = [*_VIEW_COLUMNS, *_FULL_COLUMNS] if full else _VIEW_COLUMNS
    rows: dict[int, Any] = {}
    tags: dict[int, list[str]] = {}
    notes: dict[int, str] = {}
    other_notes: dict[int, list[tuple[str, str]]] = {}
    highlights: dict[int, list[HighlightView]] = {}
    for chunk in chunks(list(paper_ids)):
        query = _state_join(
            select(*columns, PaperState.state, PaperState.state_changed, PaperState.starred), user_id
        ).where(PaperRow.id.in_(chunk))
        for row in session.execute(query):
            rows[row.id] = row
        tag_rows = session.execute(
            select(PaperTag.paper_id, Tag.name)
            .join(Tag, Tag.id == PaperTag.tag_id)
            .where(PaperTag.paper_id.in_(chunk))
        )
        for paper_id, name in tag_rows:
            tags.setdefault(paper_id, []).append(name)
        note_rows = session.execute(
            select(Note.paper_id, Note.markdown).where(Note.paper_id.in_(chunk), Note.user_id == user_id)
        )
        notes.update({paper_id: markdown for paper_id, markdown in note_rows})
        if full:
            for paper_id, author, markdown in session.execute(
                select(Note.paper_id, User.name, Note.markdown)
                .join(User, User.id == Note.user_id)
                .where(Note.paper_id.in_(chunk), Note.user_id != user_id)
                .order_by(User.name)
            ):
                other_notes.setdefault(paper_id, []).append((author, markdown))
            for highlight, author in session.execute(
                select(Highlight, User.name)
                .join(User, User.id == Highlight.user_id)
                .where(Highlight.paper_id.in_(chunk))
                .order_by(Highlight.start, Highlight.id)
            ):
                highlights.setdefault(highlight.paper_id, []).append(highlight_view(highlight, author))
    return [
        paper_view(
            rows[pid],
            tags.get(pid, []),
            notes.get(pid, ""),
            highlights.get(pid, []),
            full,
            other_notes.get(pid, []),
        )
        for pid in paper_ids
        if pid in rows
    ]


def counts(session: Session, user_id: int) -> dict[str, int]:
    """How many papers each counted view (``membership.COUNTED``) holds: this user's state rows under
    the view's conditions, plus the papers without one (``UNTRIAGED``) when the view admits those. The
    counted views filter by state and star only, so no pass over the papers is needed."""
    total = session.scalar(select(func.count(PaperRow.id))) or 0
    columns = [func.count().filter(and_(true(), *_conditions(where))) for where in COUNTED.values()]
    row = session.execute(
        select(func.count(), *columns).select_from(PaperState).where(PaperState.user_id == user_id)
    ).one()
    untriaged = total - row[0]
    return {
        name: row[n + 1] + (untriaged if where.admits(UNTRIAGED) else 0)
        for n, (name, where) in enumerate(COUNTED.items())
    }


def tag_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Tag.name, func.count(PaperTag.paper_id))
        .outerjoin(PaperTag, PaperTag.tag_id == Tag.id)
        .group_by(Tag.id)
        .order_by(func.lower(Tag.name))
    ).all()
    return {name: n for name, n in rows if n}


def feed_days(session: Session, limit: int = 14) -> list[tuple[date, int]]:
    rows = session.execute(
        select(PaperRow.feed_day, func.count())
        .where(PaperRow.feed_day.is_not(None))
        .group_by(PaperRow.feed_day)
        .order_by(PaperRow.feed_day.desc())
        .limit(limit)
    ).all()
    return [(day, n) for day, n in rows if day is not None]


def interest_seed_ids(session: Session, user_id: int, limit: int = 500) -> list[str]:
    """What this user showed interest in (starred, tagged, reading or done), newest first: the seeds
    of the For-you ranking."""
    tagged = select(PaperTag.paper_id)
    query = (
        _state_join(select(PaperRow.arxiv_id, PaperRow.local_id), user_id)
        .where(
            PaperState.starred.is_(True) | PaperState.state.in_(("reading", "done")) | PaperRow.id.in_(tagged)
        )
        .order_by(PaperRow.id.desc())
        .limit(limit)
    )
    return [arxiv_id or local_id for arxiv_id, local_id in session.execute(query)]


def discarded_ids(session: Session, user_id: int, limit: int = 500) -> list[str]:
    """What this user archived without keeping anything of it (no star, tag, note or highlight), newest
    first: the papers For you learns to rank low."""
    kept = or_(
        PaperRow.id.in_(select(PaperTag.paper_id)),
        PaperRow.id.in_(select(Note.paper_id).where(Note.user_id == user_id)),
        PaperRow.id.in_(select(Highlight.paper_id).where(Highlight.user_id == user_id)),
    )
    query = (
        _state_join(select(PaperRow.arxiv_id, PaperRow.local_id), user_id)
        .where(PaperState.state == "archived", PaperState.starred.is_not(True), ~kept)
        .order_by(PaperRow.id.desc())
        .limit(limit)
    )
    return [arxiv_id or local_id for arxiv_id, local_id in session.execute(query)]
