"""arXiv export API (Atom) answers to PaperRecord, read by namespace as arXiv documents them.

The API reports errors inside a normal-looking feed (one entry titled ``Error``), so that feed is
turned into ``FeedError`` here: callers never mistake an error for an empty result.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from readerapp.errors import FeedError, FormatError
from readerapp.formats.dates import parse_iso_datetime
from readerapp.formats.xmltree import child_text, parse_xml
from readerapp.ids import clean_categories, clean_category, clean_doi, parse_arxiv_id
from readerapp.records import PaperRecord
from readerapp.text import find_code_link, normalize_abstract, normalize_space

SOURCE = "arxiv"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_ERROR_IDS = ("http://arxiv.org/api/errors", "https://arxiv.org/api/errors")


@dataclass(slots=True)
class AtomPage:
    """One page of results; ``total_results`` and ``start_index`` drive paging through a query."""

    records: list[PaperRecord]
    total_results: int | None
    start_index: int | None


def parse_atom(content: bytes | str, name: str = "arXiv Atom feed") -> AtomPage:
    """Parse one answer; raise FeedError for arXiv's error feed, FormatError for anything malformed."""
    root = parse_xml(content, name)
    if root.tag != f"{ATOM}feed":
        raise FormatError(f"{name}: not an Atom feed (root element {_local(root.tag)!r})")
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        if (child_text(entry, f"{ATOM}id") or "").strip().startswith(_ERROR_IDS):
            message = normalize_space(child_text(entry, f"{ATOM}summary")) or "unknown error"
            raise FeedError(f"arXiv API error: {message}")
    return AtomPage(
        records=[_record(entry, f"{name}: entry {i}") for i, entry in enumerate(entries)],
        total_results=_count(root, f"{OPENSEARCH}totalResults", name),
        start_index=_count(root, f"{OPENSEARCH}startIndex", name),
    )


def _record(entry: ET.Element, where: str) -> PaperRecord:
    raw_id = normalize_space(child_text(entry, f"{ATOM}id"))
    parsed = parse_arxiv_id(raw_id)
    title = normalize_space(child_text(entry, f"{ATOM}title"))
    if not title:
        raise FormatError(f"{where} ({raw_id[:60]}): no title")
    abstract = normalize_abstract(child_text(entry, f"{ATOM}summary"))
    comment = normalize_space(child_text(entry, f"{ARXIV}comment"))
    primary = entry.find(f"{ARXIV}primary_category")
    return PaperRecord(
        source=SOURCE,
        title=title,
        abstract=abstract or None,
        arxiv_id=parsed.base if parsed else None,
        version=parsed.version if parsed else None,
        doi=clean_doi(child_text(entry, f"{ARXIV}doi")),
        authors=_authors(entry),
        categories=clean_categories(c.get("term") for c in entry.findall(f"{ATOM}category")),
        primary_category=clean_category(primary.get("term")) if primary is not None else None,
        published=_when(entry, f"{ATOM}published", where),
        updated=_when(entry, f"{ATOM}updated", where),
        code_url=find_code_link(abstract) or find_code_link(comment),
        journal_ref=normalize_space(child_text(entry, f"{ARXIV}journal_ref")) or None,
        comment=comment or None,
    )


def _authors(entry: ET.Element) -> list[str]:
    names = (normalize_space(author.findtext(f"{ATOM}name")) for author in entry.findall(f"{ATOM}author"))
    return [name for name in names if name]


def _when(entry: ET.Element, tag: str, where: str) -> datetime | None:
    text = normalize_space(child_text(entry, tag))
    return parse_iso_datetime(text, f"{where}: {_local(tag)}") if text else None


def _count(root: ET.Element, tag: str, name: str) -> int | None:
    text = normalize_space(child_text(root, tag))
    if not text:
        return None
    if not text.isdigit():
        raise FormatError(f"{name}: {_local(tag)} is {text[:20]!r}, not a number")
    return int(text)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
