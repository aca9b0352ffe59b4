"""Tags: on papers (added, removed), and of the whole library (renamed, merged), with the saved
searches' ``tag:`` terms following a rename or merge in the same transaction, and undo for each."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from readerapp.errors import NotFoundError, ReaderappError
from readerapp.paper import Changes
from readerapp.services.context import LibraryContext
from readerapp.store import annotations as notes_and_tags
from readerapp.store import queries
from readerapp.store import undo as inverses
from readerapp.store.models import Paper as PaperRow


class Tags:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def tag(self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()) -> Changes:
        """Add and remove tags on papers; tags are created on first use (and undo deletes them again)."""
        to_add = [notes_and_tags.normalize_tag(t) for t in add]
        to_remove = [notes_and_tags.normalize_tag(t) for t in remove]
        with self.ctx.db.session() as session:
            new_tags = [t for t in dict.fromkeys(to_add) if notes_and_tags.find_tag(session, t) is None]
            touched: list[PaperRow] = []
            links: list[inverses.TagLink] = []
            for row in queries.resolve_many(session, list(ids)):
                before = inverses.RestoreTagLinks.of(session, [(row.id, t) for t in [*to_remove, *to_add]])
                removed = notes_and_tags.remove_tags(session, row.id, to_remove)
                added = notes_and_tags.add_tags(session, row.id, to_add)
                if added or removed:
                    touched.append(row)
                    changed = {t.lower() for t in [*removed, *added]}
                    links.extend(link for link in before.links if link.tag.lower() in changed)
            undo: list[inverses.Inverse] = [inverses.RestoreTagLinks(tuple(links))] if links else []
            undo.extend(inverses.DropTag(t) for t in new_tags if touched)  # made by this write
            return self.ctx.changed(session, "tag", touched, undo)

    def rename(self, old: str, new: str) -> Changes:
        """Rename a tag on every paper that carries it (``Library.rename_tag``)."""
        name = notes_and_tags.normalize_tag(new)
        with self.ctx.db.session() as session:
            try:
                previous, rows = notes_and_tags.rename_tag(session, old, name)
            except LookupError as exc:
                raise NotFoundError(str(exc)) from None
            except ValueError as exc:
                raise ReaderappError(str(exc)) from None
            if previous == name:
                return self.ctx.changed(session, "rename_tag", rows, [])
            searches, restore = follow_tags(session, {previous: name})
            back = inverses.RenameTag(name, previous)
            return self.ctx.changed(session, "rename_tag", rows, [back, *restore], searches)

    def merge(self, sources: Iterable[str], into: str) -> Changes:
        """Fold tags into one (``Library.merge_tags``)."""
        target = notes_and_tags.normalize_tag(into)
        names = [notes_and_tags.normalize_tag(s) for s in sources]
        if not names:
            raise ReaderappError("name at least one tag to merge")
        with self.ctx.db.session() as session:
            existed = notes_and_tags.find_tag(session, target) is not None
            before = tag_snapshots(session, names)
            try:
                moved, gained = notes_and_tags.merge_tags(session, names, target)
            except LookupError as exc:
                raise NotFoundError(str(exc)) from None
            undo: list[inverses.Inverse] = []
            if gained:
                untag = tuple(inverses.TagLink(r.id, target, None) for r in gained)
                undo.append(inverses.RestoreTagLinks(untag))
            if not existed:
                undo.append(inverses.DropTag(target))
            for name in moved:
                undo.extend(before[name])
            searches, restore = follow_tags(session, dict.fromkeys(moved, target))
            touched = list({r.id: r for rows in moved.values() for r in rows}.values())
            return self.ctx.changed(session, "merge_tags", touched, [*undo, *restore], searches)


def tag_snapshots(session: Session, names: Iterable[str]) -> dict[str, tuple[inverses.Inverse, ...]]:
    """For each existing tag among ``names`` (by its stored name): what brings it back after a
    merge deletes it, its id and each paper with the time it got the tag."""
    found: dict[str, tuple[inverses.Inverse, ...]] = {}
    for name in names:
        tag = notes_and_tags.find_tag(session, name)
        if tag is None or tag.name in found:
            continue
        papers = [p.id for p in notes_and_tags.papers_tagged(session, tag.id)]
        links = inverses.RestoreTagLinks.of(session, [(pid, tag.name) for pid in papers])
        restore = inverses.RestoreTag(tag.name, tag.id)
        found[tag.name] = (restore, links) if links.links else (restore,)
    return found


def follow_tags(session: Session, renames: dict[str, str]) -> tuple[tuple[str, ...], list[inverses.Inverse]]:
    """Point the saved searches' ``tag:`` terms for the tags renamed (old -> new) at their new
    names, in the caller's transaction; return the searches' names and the inverses that put their
    queries back. A term names a tag the way a search matches it (case and accents aside); a query
    that no longer parses is left as it is."""
    from readerapp.errors import QueryError
    from readerapp.index.analysis import exact
    from readerapp.index.query_syntax import replace_values
    from readerapp.store.collections import rewrite_saved_searches

    wanted = {exact(old): new for old, new in renames.items()}

    def follow(query: str) -> str:
        try:
            return replace_values(query, "tag", lambda value: wanted.get(exact(value)))
        except QueryError:
            return query

    before = rewrite_saved_searches(session, follow)
    return tuple(before), [inverses.SetSearchQuery(n, q) for n, q in before.items()]
