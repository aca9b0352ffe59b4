"""What the lossless export carries of a paper beyond its view: the library's own local id and PDF
hash, and the times of what the user made (star, tags, notes) and where they stopped reading.

No view shows these, so ``queries.views`` does not read them; only ``Library.export_bundle`` for the
JSON format asks, a few queries per chunk of papers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from readerapp.records import PositionRecord
from readerapp.store.models import Note, PaperState, PaperTag, ReadingPosition, Tag, User
from readerapp.store.models import Paper as PaperRow
from readerapp.store.queries import chunks


@dataclass(slots=True)
class PaperExtras:
    """One paper's extras; ``other_notes_updated`` is by author, like the view's ``other_notes``."""

    local_id: str
    pdf_sha256: str | None = None
    starred_at: datetime | None = None
    tag_added: dict[str, datetime] = field(default_factory=dict)
    note_updated: datetime | None = None
    other_notes_updated: dict[str, datetime] = field(default_factory=dict)
    position: PositionRecord | None = None


def paper_extras(session: Session, paper_ids: Sequence[int], user_id: int) -> dict[int, PaperExtras]:
    """The extras of these papers (by internal id) as ``user_id`` sees them."""
    found: dict[int, PaperExtras] = {}
    for chunk in chunks(list(paper_ids)):
        for paper_id, local_id, sha256 in session.execute(
            select(PaperRow.id, PaperRow.local_id, PaperRow.pdf_sha256).where(PaperRow.id.in_(chunk))
        ):
            found[paper_id] = PaperExtras(local_id, sha256)
        for paper_id, starred_at in session.execute(
            select(PaperState.paper_id, PaperState.starred_at).where(
                PaperState.paper_id.in_(chunk), PaperState.user_id == user_id
            )
        ):
            found[paper_id].starred_at = starred_at
        for paper_id, name, added in session.execute(
            select(PaperTag.paper_id, Tag.name, PaperTag.added)
            .join(Tag, Tag.id == PaperTag.tag_id)
            .where(PaperTag.paper_id.in_(chunk))
        ):
            found[paper_id].tag_added[name] = added
        for paper_id, author_id, author, updated in session.execute(
            select(Note.paper_id, Note.user_id, User.name, Note.updated)
            .join(User, User.id == Note.user_id)
            .where(Note.paper_id.in_(chunk))
        ):
            if author_id == user_id:
                found[paper_id].note_updated = updated
            else:
                found[paper_id].other_notes_updated[author] = updated
        for spot in session.scalars(
            select(ReadingPosition).where(
                ReadingPosition.paper_id.in_(chunk), ReadingPosition.user_id == user_id
            )
        ):
            found[spot.paper_id].position = PositionRecord(spot.page, spot.offset, spot.zoom, spot.updated)
    return found
