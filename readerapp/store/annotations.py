"""Writes of what the user makes: state, star, tags, notes and highlights, per user.

These functions run inside the caller's transaction and return what they changed; the Library turns
that into ``Changes`` (with the calls that undo it) and the change log entries the index catches up on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from readerapp.errors import NotFoundError, ReaderappError
from readerapp.records import Annotations, HighlightRecord, PositionRecord
from readerapp.store.highlights import field_text, locate
from readerapp.store.identity import Authors
from readerapp.store.models import Highlight, Note, Paper, PaperState, PaperTag, ReadingPosition, Tag, User
from readerapp.store.types import utcnow


def state_row(session: Session, paper_id: int, user_id: int) -> PaperState:
    """The user's state row for a paper; created (inbox, not starred) when missing."""
    row = session.get(PaperState, (paper_id, user_id))
    if row is None:
        row = PaperState(paper_id=paper_id, user_id=user_id, state="inbox", starred=False)
        session.add(row)
    return row


def set_state(session: Session, paper_id: int, user_id: int, state: str, when: datetime | None = None) -> str:
    """Set the state and return the previous one."""
    row = state_row(session, paper_id, user_id)
    previous = row.state or "inbox"
    if previous != state:
        row.state = state
        row.state_changed = when or utcnow()
    return previous


def set_starred(session: Session, paper_id: int, user_id: int, on: bool) -> bool:
    """Star or unstar and return the previous value."""
    row = state_row(session, paper_id, user_id)
    previous = bool(row.starred)
    if previous != on:
        row.starred = on
        row.starred_at = utcnow() if on else None
    return previous


def normalize_tag(name: str) -> str:
    """Tags are single trimmed words-or-phrases; leading ``#`` or ``+`` is not part of the name."""
    cleaned = " ".join(name.strip().lstrip("#+").split())
    if not cleaned:
        raise ValueError("a tag needs a name")
    return cleaned


def tag_id_for(session: Session, name: str) -> int:
    found = session.scalar(select(Tag.id).where(func.lower(Tag.name) == name.lower()))
    if found is not None:
        return found
    tag = Tag(name=name)
    session.add(tag)
    session.flush()
    return tag.id


def paper_tags(session: Session, paper_id: int) -> list[str]:
    rows = session.scalars(
        select(Tag.name).join(PaperTag, PaperTag.tag_id == Tag.id).where(PaperTag.paper_id == paper_id)
    )
    return sorted(rows, key=str.lower)


def add_tags(
    session: Session, paper_id: int, names: Iterable[str], when: Mapping[str, datetime] | None = None
) -> list[str]:
    """Add tags; return the ones that were not there before. ``when`` dates them by lower-case name
    (an import keeps when they were added); the others are added now."""
    present = {t.lower() for t in paper_tags(session, paper_id)}
    added = []
    for name in names:
        if name.lower() in present:
            continue
        added_at = (when or {}).get(name.lower()) or utcnow()
        session.add(PaperTag(paper_id=paper_id, tag_id=tag_id_for(session, name), added=added_at))
        present.add(name.lower())
        added.append(name)
    return added


def remove_tags(session: Session, paper_id: int, names: Iterable[str]) -> list[str]:
    """Remove tags; return the ones that were there (with their stored spelling)."""
    removed = []
    for name in names:
        tag = session.scalar(select(Tag).where(func.lower(Tag.name) == name.lower()))
        if tag is None:
            continue
        result = session.execute(
            delete(PaperTag).where(PaperTag.paper_id == paper_id, PaperTag.tag_id == tag.id)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            removed.append(tag.name)
    return removed


def get_note(session: Session, paper_id: int, user_id: int) -> str:
    return (
        session.scalar(select(Note.markdown).where(Note.paper_id == paper_id, Note.user_id == user_id)) or ""
    )


def set_note(
    session: Session, paper_id: int, user_id: int, markdown: str, updated: datetime | None = None
) -> str:
    """Replace the user's note and return the previous text (an empty note is deleted). ``updated``
    dates the change (an import keeps the note's own time); by default it is now."""
    note = session.get(Note, (paper_id, user_id))
    previous = note.markdown if note else ""
    if not markdown.strip():
        if note is not None:
            session.delete(note)
        return previous
    if note is None:
        session.add(Note(paper_id=paper_id, user_id=user_id, markdown=markdown, updated=updated or utcnow()))
    elif note.markdown != markdown:
        note.markdown = markdown
        note.updated = updated or utcnow()
    return previous


def add_highlight(
    session: Session,
    paper: Paper,
    user_id: int,
    quote: str,
    *,
    field: str = "abstract",
    start: int | None = None,
    color: str | None = None,
    comment: str | None = None,
    created: datetime | None = None,
) -> Highlight:
    """Anchor ``quote`` in the paper's field (near ``start`` if given) and store the highlight."""
    text = field_text(paper, field)
    found = locate(text, quote, start)
    if found is None and start is None:
        raise ValueError(f"the text to highlight is not in the paper's {field}: {quote[:60]!r}")
    begin, end = found if found else (start or 0, (start or 0) + len(quote))
    highlight = Highlight(
        paper_id=paper.id,
        user_id=user_id,
        field=field,
        start=begin,
        end=end,
        quote=quote,
        color=color or "yellow",
        comment=comment,
        created=created or utcnow(),
        anchored=found is not None,
    )
    session.add(highlight)
    session.flush()
    return highlight


def own_highlight(session: Session, highlight_id: int, user_id: int) -> Highlight:
    """The user's own highlight: a colleague's is theirs to change (on a shared library the server
    refuses it anyway; this says so in words)."""
    highlight = session.get(Highlight, highlight_id)
    if highlight is None:
        raise NotFoundError(f"no highlight {highlight_id}")
    if highlight.user_id != user_id:
        author = session.get_one(User, highlight.user_id).name
        raise ReaderappError(f"highlight {highlight_id} is {author}'s: only its author changes it")
    return highlight


def delete_highlight(session: Session, highlight_id: int) -> None:
    session.execute(delete(Highlight).where(Highlight.id == highlight_id))


def reading_position(session: Session, paper_id: int, user_id: int) -> ReadingPosition | None:
    return session.get(ReadingPosition, (paper_id, user_id))


def save_reading_position(
    session: Session, paper_id: int, user_id: int, page: int, offset: float, zoom: str
) -> None:
    """Where the user stopped reading the paper's PDF (not a change the index or undo cares about)."""
    spot = session.get(ReadingPosition, (paper_id, user_id))
    if spot is None:
        spot = ReadingPosition(paper_id=paper_id, user_id=user_id)
        session.add(spot)
    spot.page, spot.offset, spot.zoom = page, offset, zoom
    spot.updated = utcnow()


def _merge_note(
    session: Session, paper_id: int, user_id: int, incoming: str, updated: datetime | None = None
) -> bool:
    """A note where there was none comes with its own time; one appended to a note is a change now."""
    current = get_note(session, paper_id, user_id)
    if not incoming.strip() or incoming.strip() in current:
        return False
    if not current.strip():
        set_note(session, paper_id, user_id, incoming, updated)
    else:
        set_note(session, paper_id, user_id, f"{current.rstrip()}\n\n---\n\n{incoming.strip()}\n")
    return True


def _merge_highlights(
    session: Session, paper_id: int, authors: Authors, incoming: Sequence[HighlightRecord]
) -> bool:
    """Add the highlights the paper does not have: one its author made of the same quote already is
    skipped (its place may have moved with the text), so two readers' highlights of it both stay."""
    existing = {
        (h.user_id, h.field, h.quote)
        for h in session.scalars(select(Highlight).where(Highlight.paper_id == paper_id))
    }
    added: set[tuple[int, str, str, int | None]] = set()
    paper = session.get_one(Paper, paper_id)
    changed = False
    for record in incoming:
        author = authors.id_for(record.author, paper_id, "highlight")
        if author is None:
            continue
        mark = (author, record.field, record.text, record.start)
        if mark[:3] in existing or mark in added:
            continue
        add_highlight(
            session,
            paper,
            author,
            record.text,
            field=record.field,
            start=record.start,
            color=record.color,
            comment=record.comment,
            created=record.created,
        )
        added.add(mark)
        changed = True
    return changed


def _merge_position(session: Session, paper_id: int, user_id: int, incoming: PositionRecord) -> bool:
    """Where the user stopped reading, unless this library knows that already."""
    if session.get(ReadingPosition, (paper_id, user_id)) is not None:
        return False
    session.add(
        ReadingPosition(
            paper_id=paper_id,
            user_id=user_id,
            page=incoming.page,
            offset=incoming.offset,
            zoom=incoming.zoom,
            updated=incoming.updated or utcnow(),
        )
    )
    return True


def merge_annotations(session: Session, paper_id: int, authors: Authors, incoming: Annotations) -> bool:
    """Merge annotations carried by an import without losing either side's: tags and highlights are
    united, a different note (each reader's own) is appended, a star is kept, the later-changed state
    wins, and a reading position is taken only where there is none. What is new keeps its own time.
    Other readers' notes and highlights go under their authors as ``authors`` allows."""
    changed = False
    user_id = authors.me
    row = state_row(session, paper_id, user_id)
    if incoming.state and incoming.state != row.state:
        theirs, ours = incoming.state_changed, row.state_changed
        if ours is None or (theirs is not None and theirs > ours):
            row.state, row.state_changed = incoming.state, theirs or utcnow()
            changed = True
    if incoming.starred and not row.starred:
        row.starred, row.starred_at = True, incoming.starred_at or utcnow()
        changed = True
    when = {name.lower(): added for name, added in incoming.tag_added.items()}
    if incoming.tags and add_tags(session, paper_id, [normalize_tag(t) for t in incoming.tags], when):
        changed = True
    if incoming.note and _merge_note(session, paper_id, user_id, incoming.note, incoming.note_updated):
        changed = True
    for other in incoming.other_notes:
        author = authors.id_for(other.author, paper_id, "note")
        if author is not None:
            changed |= _merge_note(session, paper_id, author, other.markdown, other.updated)
    if incoming.highlights and _merge_highlights(session, paper_id, authors, incoming.highlights):
        changed = True
    if incoming.position is not None and _merge_position(session, paper_id, user_id, incoming.position):
        changed = True
    return changed


def find_tag(session: Session, name: str) -> Tag | None:
    """The tag called ``name``, whatever its case."""
    return session.scalar(select(Tag).where(func.lower(Tag.name) == name.lower()))


def papers_tagged(session: Session, tag_id: int) -> list[Paper]:
    """Every paper carrying the tag (joined, so a tag on 100k papers needs no list of ids)."""
    return list(session.scalars(select(Paper).join(PaperTag, PaperTag.paper_id == Paper.id)
                                .where(PaperTag.tag_id == tag_id).order_by(Paper.id)))  # fmt: skip


def rename_tag(session: Session, old: str, new: str) -> tuple[str, list[Paper]]:
    """Give the tag ``old`` the name ``new`` on every paper; return its stored old name and its papers.

    Renaming onto another existing tag is refused (that is a merge, whose undo differs); a change of
    case is a rename. Raises LookupError for an unknown tag, ValueError for a taken name.
    """
    tag = find_tag(session, old)
    if tag is None:
        raise LookupError(f"no tag called {old!r}")
    other = find_tag(session, new)
    if other is not None and other.id != tag.id:
        raise ValueError(f"a tag called {other.name!r} exists already: merge {tag.name!r} into it instead")
    previous = tag.name
    tag.name = new
    return previous, papers_tagged(session, tag.id)


def merge_tags(
    session: Session, sources: Sequence[str], into: str
) -> tuple[dict[str, list[Paper]], list[Paper]]:
    """Move every paper of the ``sources`` tags onto ``into`` (created when new) and delete the sources.

    Returns the papers each source carried (by its stored name) and the papers that did not carry
    ``into`` before: exactly what an undo has to give back and take away. Raises LookupError when a
    source tag does not exist, so a typo merges nothing.
    """
    tags = []
    for name in sources:
        tag = find_tag(session, name)
        if tag is None:
            raise LookupError(f"no tag called {name!r}")
        tags.append(tag)
    target = tag_id_for(session, into)
    carrying = set(session.scalars(select(PaperTag.paper_id).where(PaperTag.tag_id == target)))
    moved: dict[str, list[Paper]] = {}
    gained: list[Paper] = []
    for tag in tags:
        if tag.id == target or tag.name in moved:
            continue
        moved[tag.name] = papers_tagged(session, tag.id)
        for link in session.scalars(select(PaperTag).where(PaperTag.tag_id == tag.id)).all():
            if link.paper_id not in carrying:
                carrying.add(link.paper_id)
                session.add(PaperTag(paper_id=link.paper_id, tag_id=target, added=link.added))
                gained.append(session.get_one(Paper, link.paper_id))
        session.execute(delete(PaperTag).where(PaperTag.tag_id == tag.id))
        session.delete(tag)
    session.flush()
    return moved, gained
