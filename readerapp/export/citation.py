"""One paper as text to paste into a manuscript: its BibTeX entry, its citation key or its link.

The entry and the key are the BibTeX export's own for a one-paper export, so what ``copy-bibtex`` puts on
the clipboard is exactly what ``readerapp export --format bibtex`` writes for that paper.
"""

from __future__ import annotations

from readerapp.choices import CITATION_KINDS, CitationKind
from readerapp.errors import ExportError
from readerapp.export.bibtex import render_bibtex
from readerapp.export.bundle import ExportBundle
from readerapp.export.links import paper_url


def citation(bundle: ExportBundle, kind: CitationKind) -> str:
    """The bundle's one paper as ``kind``; a paper with nothing to link to is an ExportError."""
    if len(bundle.papers) != 1:
        raise ExportError(f"a citation is of one paper, not {len(bundle.papers)}")
    paper = bundle.papers[0]
    if kind == "bibtex":
        return render_bibtex(bundle).strip() + "\n"
    if kind == "citekey":
        return bundle.citation_keys()[paper.id]
    if kind == "link":
        url = paper_url(paper)
        if url is None:
            raise ExportError(f"{paper.id} has no link (no arXiv id, DOI or URL)")
        return url
    raise ExportError(f"unknown citation {kind!r}; choose one of {', '.join(CITATION_KINDS)}")
