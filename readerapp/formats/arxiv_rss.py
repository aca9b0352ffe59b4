"""arXiv RSS listings (``/rss/{cat}``) to PaperRecord.

The listing is an announcement, not metadata: each item says whether the paper is new, cross-listed
or replaced, and the abstract comes behind an ``arXiv:{id}vN Announce Type: ...`` preamble. Daily
triage wants only new and cross-listed papers, so filtering happens here, before the store.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection

from readerapp.errors import FormatError
from readerapp.formats.dates import parse_rfc822_datetime
from readerapp.formats.xmltree import child_text, parse_xml
from readerapp.ids import ArxivId, clean_categories, clean_doi, parse_arxiv_id
from readerapp.records import PaperRecord
from readerapp.text import find_code_link, normalize_abstract, normalize_space

SOURCE = "arxiv-rss"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
DAILY_TYPES = ("new", "cross")

_PREAMBLE_RE = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce\s+Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?", re.IGNORECASE
)
_AUTHOR_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_AFFILIATION_RE = re.compile(r"\([^()]*\)")


def parse_rss(
    content: bytes | str,
    announce_types: Collection[str] | None = DAILY_TYPES,
    name: str = "arXiv RSS listing",
) -> list[PaperRecord]:
    """Records for the items whose announce type is wanted (None keeps all); an empty channel is []."""
    root = parse_xml(content, name)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise FormatError(f"{name}: not an RSS 2.0 listing (root element {root.tag!r})")
    records = []
    for i, item in enumerate(channel.findall("item")):
        kind, record = _record(item, f"{name}: item {i}")
        if announce_types is None or kind in announce_types:
            records.append(record)
    return records


def _record(item: ET.Element, where: str) -> tuple[str | None, PaperRecord]:
    title = normalize_space(child_text(item, "title"))
    if not title:
        raise FormatError(f"{where}: no title")
    description = child_text(item, "description") or ""
    preamble = _PREAMBLE_RE.match(description)
    abstract = normalize_abstract(description[preamble.end() :] if preamble else description)
    kind = normalize_space(child_text(item, f"{ARXIV}announce_type")) or (preamble and preamble["type"])
    found = _item_id(item, preamble["id"] if preamble else None)
    published = normalize_space(child_text(item, "pubDate"))
    return (kind.lower() if kind else None), PaperRecord(
        source=SOURCE,
        title=title,
        abstract=abstract or None,
        arxiv_id=found.base if found else None,
        version=found.version if found else None,
        doi=clean_doi(child_text(item, f"{ARXIV}DOI")),
        authors=split_authors(child_text(item, f"{DC}creator")),
        categories=clean_categories(c.text for c in item.findall("category")),
        feed_day=parse_rfc822_datetime(published, f"{where}: pubDate").date() if published else None,
        code_url=find_code_link(abstract),
        journal_ref=normalize_space(child_text(item, f"{ARXIV}journal_reference")) or None,
    )


def _item_id(item: ET.Element, preamble_id: str | None) -> ArxivId | None:
    """The guid carries the version; the preamble and the link are fallbacks in that order."""
    for candidate in (child_text(item, "guid"), preamble_id, child_text(item, "link")):
        found = parse_arxiv_id(candidate) if candidate else None
        if found:
            return found
    return None


def split_authors(text: str | None) -> list[str]:
    """``"A B (MIT), C D and E F"`` -> ``["A B", "C D", "E F"]``: affiliations go, order stays."""
    plain = _AFFILIATION_RE.sub(" ", normalize_space(text))
    names = (normalize_space(name) for name in _AUTHOR_SPLIT_RE.split(plain))
    return [name for name in names if name]
