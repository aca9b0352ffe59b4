"""Hugging Face Daily Papers JSON (``/api/daily_papers`` and ``/api/papers/{id}``) to PaperRecord.

The answer changed shape over time (see docs/feeds.md): ``null`` and missing mean the same, the
top-level ``summary`` is absent in older answers, counts may be floats. Only the ``paper`` object is
trusted for paper facts; the item wrapper adds the comment count and fills gaps in older answers: the
day a paper was on Daily Papers is ``paper.submittedOnDailyAt``, and in older answers, which lack it, the
wrapper's ``publishedAt`` (``paper.publishedAt`` is the arXiv date, never the feed day).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from readerapp.errors import FormatError
from readerapp.formats.items import iter_each
from readerapp.formats.jsonfields import Fields
from readerapp.ids import parse_arxiv_id
from readerapp.records import PaperRecord, Skipped
from readerapp.text import find_code_link, normalize_abstract, normalize_space

SOURCE = "hf"


def is_hf_item(obj: object) -> bool:
    """A Daily Papers item: a wrapper with a ``paper`` object inside."""
    return isinstance(obj, dict) and isinstance(obj.get("paper"), dict)


def is_hf_paper(obj: object) -> bool:
    """A bare paper object as ``/api/papers/{id}`` answers it (HF authors are objects, not names)."""
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("id"), str)
        and "title" in obj
        and ("discussionId" in obj or "upvotes" in obj or _has_author_objects(obj))
    )


def _has_author_objects(obj: dict[str, object]) -> bool:
    authors = obj.get("authors")
    return isinstance(authors, list) and bool(authors) and isinstance(authors[0], dict)


def parse_hf_json(data: object, skipped: list[Skipped] | None = None) -> list[PaperRecord]:
    """Records from a decoded answer: a list of items, one item, or one bare paper object. With a
    ``skipped`` list, an item of a list that cannot be read goes there and the others are kept."""
    if isinstance(data, list):
        return list(read_hf_items(data, skipped))
    if is_hf_item(data) or is_hf_paper(data):
        return [hf_object_to_record(data, "paper")]
    raise FormatError("not a Hugging Face papers answer: expected a list of items or one paper object")


def read_hf_items(items: Iterable[object], skipped: list[Skipped] | None) -> Iterator[PaperRecord]:
    """The records of a list's items, one at a time: a decoded list, or a big file's array streamed."""
    numbered = ((f"item {i}", item) for i, item in enumerate(items))
    return iter_each(numbered, hf_object_to_record, hf_id, skipped)


def hf_id(obj: object) -> str | None:
    """The paper id an item or paper object shows, if any (to name an item that cannot be read)."""
    if not isinstance(obj, dict):
        return None
    inner = obj.get("paper")
    found = (inner if isinstance(inner, dict) else obj).get("id")
    return found if isinstance(found, str) else None


def hf_object_to_record(obj: object, where: str) -> PaperRecord:
    """One item (``{paper: {...}, ...}``) or one bare paper object as a record."""
    outer = Fields(obj, where)
    inner = outer.child("paper")
    paper = inner if inner is not None else outer
    raw_id = paper.required_text("id")
    paper = Fields(paper.obj, f"{where} ({raw_id[:40]})")
    return _record(raw_id, paper, outer if inner is not None else None)


def _record(raw_id: str, paper: Fields, wrapper: Fields | None) -> PaperRecord:
    parsed = parse_arxiv_id(raw_id)
    title = paper.text("title") or (wrapper.text("title") if wrapper else None)
    if not title or not title.strip():
        raise FormatError(f"{paper.where}: 'title' is missing")
    abstract = normalize_abstract(paper.text("summary") or (wrapper.text("summary") if wrapper else None))
    comments = wrapper.number("numComments") if wrapper and wrapper.has("numComments") else None
    feed_day = paper.day("submittedOnDailyAt") or (wrapper.day("publishedAt") if wrapper else None)
    return PaperRecord(
        source=SOURCE,
        title=normalize_space(title),
        abstract=abstract or None,
        arxiv_id=parsed.base if parsed else None,
        version=parsed.version if parsed else None,
        authors=_authors(paper),
        published=paper.when("publishedAt"),
        feed_day=feed_day,
        upvotes=paper.number("upvotes"),
        comments=comments if comments is not None else paper.number("numComments"),
        code_url=normalize_space(paper.text("githubRepo")) or find_code_link(abstract),
        project_url=normalize_space(paper.text("projectPage")) or None,
        ai_summary=normalize_space(paper.text("ai_summary")) or None,
        ai_keywords=[k for k in (normalize_space(k) for k in paper.texts("ai_keywords")) if k],
        withdrawn=True if paper.has("withdrawnAt") else None,
    )


def _authors(paper: Fields) -> list[str]:
    """Every named author in order, hidden ones included: hiding is a profile setting, not authorship."""
    names = (normalize_space(author.text("name")) for author in paper.children("authors"))
    return [name for name in names if name]
