"""CSL-JSON, the citation format Pandoc and Zotero read: one array of items, authors split into
``family`` and ``given``, ids equal to the BibTeX keys so a document can cite either file alike.
The item's type is the paper's own (``article`` for a preprint), and its date has only the parts the
source gave: a year stays a year, never the first of January."""

from __future__ import annotations

from typing import Any

from readerapp.export.bundle import ExportBundle
from readerapp.export.jsontext import json_text
from readerapp.export.links import export_doi, paper_url
from readerapp.export.names import split_name
from readerapp.export.reference import reference
from readerapp.paper import Paper
from readerapp.progress import Progress, no_progress


def csl_name(name: str) -> dict[str, str]:
    family, given = split_name(name)
    return {"family": family, "given": given} if given else {"family": family}


def csl_item(paper: Paper, key: str) -> dict[str, Any]:
    """One item; a preprint (CSL's ``article``) names arXiv as its ``publisher`` and ``number``."""
    ref = reference(paper)
    item: dict[str, Any] = {"id": key, "type": ref.item_type, "title": paper.title}
    if paper.authors:
        item["author"] = [csl_name(name) for name in paper.authors if name.strip()]
    if ref.editors:
        item["editor"] = [csl_name(name) for name in ref.editors]
    if ref.issued:
        item["issued"] = {"date-parts": [list(ref.issued)]}
    if paper.arxiv_id and ref.item_type == "article":
        item.update(publisher="arXiv", number=f"arXiv:{paper.arxiv_id}", genre="Preprint")
    pages = ref.page_range
    optional = {
        "container-title": ref.venue,
        "volume": ref.volume,
        "issue": ref.issue,
        "page": "-".join(p for p in pages if p) if pages else None,
        "publisher": ref.publisher,
        "DOI": export_doi(paper),
        "URL": paper_url(paper),
        "abstract": paper.abstract,
        "keyword": ", ".join(dict.fromkeys([*paper.tags, *ref.keywords])),
        "note": paper.note.strip(),
    }
    item.update({field: value for field, value in optional.items() if value})
    return item


def render_csl_json(bundle: ExportBundle, progress: Progress = no_progress) -> str:
    keys = bundle.citation_keys()
    items = [csl_item(paper, keys[paper.id]) for paper in bundle.each(progress)]
    return json_text(items)
