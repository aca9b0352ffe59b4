"""readerapp's own lossless JSON (see ``formats.readerapp_json``): every paper field and what the
library knows of it (local id, sources, sample, first seen, PDF path), this user's state, star, tags,
note and reading position with their times, everyone's notes and highlights with their author, the
collections and the saved searches. Importing it restores all of it; into a library that has some of
the papers it merges. Not carried: internal row ids, derived data (title keys, the text extracted from a
PDF, the search index), this library's own bookkeeping of its writes (revisions) and other readers'
state and star on a shared library, which are theirs to export."""

from __future__ import annotations

from readerapp.export.bundle import ExportBundle
from readerapp.export.jsontext import json_text
from readerapp.formats.readerapp_json import CollectionRecord, dump_readerapp_json, paper_key
from readerapp.paper import Paper
from readerapp.progress import Progress, no_progress
from readerapp.records import METADATA, Annotations, HighlightRecord, LibraryFields, NoteRecord, PaperRecord
from readerapp.store.extras import PaperExtras
from readerapp.store.upsert import SOURCE_PRIORITY


def _best_source(sources: list[str]) -> str:
    """The most authoritative source that described the paper, so a merge ranks it as the original."""
    return max(sources, key=lambda s: SOURCE_PRIORITY.get(s, 0), default="json")


def paper_record(paper: Paper, extras: PaperExtras | None = None) -> PaperRecord:
    """A full paper view as the record the importer reads back, annotations included; ``extras``
    (``store.extras``) adds what the view does not hold. ``paper.pdf_path`` must be the stored,
    library-relative path (``Library.export_bundle`` leaves it so)."""
    more = extras or PaperExtras(local_id="")
    return PaperRecord(
        source=_best_source(paper.sources),
        **{name: getattr(paper, name) for name in METADATA},  # the Paper view has each under its name
        annotations=Annotations(
            state=paper.state,
            state_changed=paper.state_changed,
            starred=paper.starred,
            starred_at=more.starred_at,
            tags=list(paper.tags),
            tag_added=dict(more.tag_added),
            note=paper.note or None,
            note_updated=more.note_updated if paper.note else None,
            other_notes=[
                NoteRecord(author, markdown, more.other_notes_updated.get(author))
                for author, markdown in paper.other_notes
            ],
            highlights=[
                HighlightRecord(
                    text=h.text,
                    field=h.field,
                    start=h.start,
                    end=h.end,
                    color=h.color,
                    comment=h.comment,
                    created=h.created,
                    author=h.author,
                )
                for h in paper.highlights
            ],
            position=more.position,
        ),
        library=LibraryFields(
            local_id=more.local_id or None,
            sources=list(paper.sources),
            is_sample=paper.is_sample,
            first_seen=paper.first_seen,
            pdf_path=paper.pdf_path,
            pdf_sha256=more.pdf_sha256,
        ),
    )


def render_json(bundle: ExportBundle, progress: Progress = no_progress) -> str:
    """The export document; collections list only the exported papers, by portable key."""
    records: list[PaperRecord] = []
    keys: dict[str, str] = {}
    for paper in bundle.each(progress):
        record = paper_record(paper, bundle.extras.get(paper.id))
        records.append(record)
        keys[paper.id] = paper_key(record)
    collections = []
    for collection in bundle.collections:
        members = [keys[i] for i in collection.papers if i in keys]
        if members or not collection.papers:  # a collection none of whose papers are exported stays out
            collections.append(CollectionRecord(collection.name, members, collection.created))
    document = dump_readerapp_json(records, collections, bundle.saved_searches, exported=bundle.exported)
    return json_text(document)
