"""Exports: the papers of a scope (all, a collection, a tag, a state, a query, a selection) in full,
with the collections and saved searches, handed to a format's writer; auto-exports live in
``readerapp.autoexport``."""

from __future__ import annotations

from pathlib import Path
from threading import Event
from typing import TYPE_CHECKING

from readerapp.errors import ExportError
from readerapp.export.bundle import ExportBundle, ExportResult
from readerapp.export.scope import Scope
from readerapp.progress import Progress
from readerapp.services.collections import Collections
from readerapp.services.context import LibraryContext
from readerapp.services.reading import Reading, list_filter
from readerapp.store import queries
from readerapp.store.collections import public_ids

if TYPE_CHECKING:
    from readerapp.choices import CitationKind


class Exports:
    def __init__(self, ctx: LibraryContext, reading: Reading, collections: Collections) -> None:
        self.ctx = ctx
        self.reading = reading
        self.collections = collections

    def scope_ids(self, scope: Scope) -> list[str]:
        """Public ids of the papers in a scope, in its order (a collection's, relevance, feed)."""
        if scope.kind == "all":
            return self.reading.list_ids(list_filter())
        if scope.kind == "collection":
            return self.collections.ids(scope.value)
        if scope.kind == "tag":
            return self.reading.list_ids(list_filter(tag=scope.value))
        if scope.kind == "state":
            return self.reading.list_ids(list_filter(state=scope.value))
        if scope.kind == "query":
            return self.ctx.search_ids(scope.value)
        with self.ctx.db.session() as session:
            return public_ids(session, self.ctx.paper_ids(session, scope.values))

    def bundle(self, scope: Scope, *, limit: int | None = None, lossless: bool = False) -> ExportBundle:
        """The scope's papers in full, with the collections and saved searches (``Library.export_bundle``)."""
        from readerapp.formats.readerapp_json import CollectionRecord, SavedSearchRecord
        from readerapp.store.collections import all_members, saved_searches
        from readerapp.store.extras import paper_extras

        every = self.scope_ids(scope)
        ids = every[:limit]
        with self.ctx.db.session() as session:
            internal = queries.internal_ids(session, ids)
            order = sorted(internal[i] for i in ids) if lossless else [internal[i] for i in ids]
            papers = queries.views(session, order, self.ctx.user_id, full=True)
            extras = paper_extras(session, order, self.ctx.user_id) if lossless else {}
            collections = [CollectionRecord(c.name, ids_, c.created) for c, ids_ in all_members(session)]
            searches = [SavedSearchRecord(s.name, s.query, s.created) for s in saved_searches(session)]
        by_public = {paper.id: extras[internal[paper.id]] for paper in papers if extras}
        if not lossless:  # the lossless JSON keeps the stored, relative path; other formats link the file
            papers = self.ctx.absolute_pdfs(papers)
        total = len(every) if limit is not None else None
        return ExportBundle(scope.describe(), papers, collections, searches, extras=by_public, total=total)

    def citation(self, public_id: str, kind: CitationKind) -> str:
        """One paper as ``bibtex`` (its entry), ``citekey`` or ``link`` (``Library.citation``)."""
        from readerapp.export.citation import citation

        return citation(self.bundle(Scope.ids([public_id])), kind)

    def export(
        self, scope: Scope, fmt: str, destination: str | Path, progress: Progress, cancel: Event | None
    ) -> ExportResult:
        """Write the scope's papers and annotations in ``fmt``; ``cancel`` stops it, nothing written."""
        from readerapp.export.writer import write_export

        progress("reading papers", 0, None)
        bundle = self.bundle(scope, lossless=fmt == "json")
        progress("reading papers", len(bundle.papers), len(bundle.papers))
        bundle.cancel = cancel
        if not bundle.papers and not (scope.kind == "all" and fmt == "json"):
            raise ExportError(f"nothing to export: {scope.describe()} holds no papers")
        return write_export(bundle, fmt, destination, progress)

    def preview(self, scope: Scope, fmt: str, papers: int) -> str:
        """The start of an export, for a dialog's preview: the first few papers in that format."""
        from readerapp.export.writer import render

        return render(self.bundle(scope, limit=papers, lossless=fmt == "json"), fmt)
