"""CSL-JSON, the citation format Pandoc and Zotero read: one array of items, authors split into
``family`` and ``given``, ids equal to the BibTeX keys so a document can cite either file alike."""

from __future__ import annotations

from typing import Any

from readerapp.export.bundle import ExportBundle
from readerapp.export.jsontext import json_text
from readerapp.export.links import paper_url
from readerapp.export.names import citation_keys, split_name
from readerapp.paper import Paper
from readerapp.progress import Progress, no_progress


def csl_name(name: str) -> dict[str, str]:
    family, given = split_name(name)
    return {"family": family, "given": given} if given else {"family": family}


def csl_item(paper: Paper, key: str) -> dict[str, Any]:
    """One item; CSL's ``article`` is its type for preprints, ``publisher`` and ``number`` name arXiv."""
    item: dict[str, Any] = {"id": key, "type": "article", "title": paper.title}
    if paper.authors:
        item["author"] = [csl_name(name) for name in paper.authors]
    when = paper.published.date() if paper.published else paper.feed_day
    if when is not None:
        item["issued"] = {"date-parts": [[when.year, when.month, when.day]]}
    if paper.arxiv_id:
        item.update(publisher="arXiv", number=f"arXiv:{paper.arxiv_id}", genre="Preprint")
    optional = {
        "DOI": paper.doi_or_arxiv,
        "URL": paper_url(paper),
        "abstract": paper.abstract,
        "keyword": ", ".join(paper.tags),
        "note": paper.note.strip(),
    }
    item.update({field: value for field, value in optional.items() if value})
    return item


def render_csl_json(bundle: ExportBundle, progress: Progress = no_progress) -> str:
    keys = citation_keys(bundle.papers)
    items = [csl_item(paper, keys[paper.id]) for paper in bundle.each(progress)]
    return json_text(items)
