"""readerapp's own lossless JSON (see ``formats.readerapp_json``): every paper field, this user's
state, star, tags and note, everyone's highlights with their author, the collections and the saved
searches. Importing it restores all of it; into a library that has some of the papers it merges."""

from __future__ import annotations

from dataclasses import fields
from typing import cast

from readerapp.export.bundle import ExportBundle
from readerapp.export.jsontext import json_text
from readerapp.formats.readerapp_json import CollectionRecord, dump_readerapp_json, paper_key
from readerapp.paper import Paper
from readerapp.progress import Progress, no_progress
from readerapp.records import Annotations, HighlightRecord, PaperRecord, State
from readerapp.store.upsert import SOURCE_PRIORITY

# Every field a record carries upstream; the Paper view has each under the same name.
_UPSTREAM_FIELDS = [f.name for f in fields(PaperRecord) if f.name not in ("source", "annotations")]


def _best_source(sources: list[str]) -> str:
    """The most authoritative source that described the paper, so a merge ranks it as the original."""
    return max(sources, key=lambda s: SOURCE_PRIORITY.get(s, 0), default="json")


def paper_record(paper: Paper) -> PaperRecord:
    """A full paper view as the record the importer reads back, annotations included."""
    return PaperRecord(
        source=_best_source(paper.sources),
        **{name: getattr(paper, name) for name in _UPSTREAM_FIELDS},
        annotations=Annotations(
            state=cast(State, paper.state),
            state_changed=paper.state_changed,
            starred=paper.starred,
            tags=list(paper.tags),
            note=paper.note or None,
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
        ),
    )


def render_json(bundle: ExportBundle, progress: Progress = no_progress) -> str:
    """The export document; collections list only the exported papers, by portable key."""
    records: list[PaperRecord] = []
    keys: dict[str, str] = {}
    for paper in bundle.each(progress):
        record = paper_record(paper)
        records.append(record)
        keys[paper.id] = paper_key(record)
    collections = []
    for collection in bundle.collections:
        members = [keys[i] for i in collection.papers if i in keys]
        if members or not collection.papers:  # a collection none of whose papers are exported stays out
            collections.append(CollectionRecord(collection.name, members, collection.created))
    document = dump_readerapp_json(records, collections, bundle.saved_searches, exported=bundle.exported)
    return json_text(document)
