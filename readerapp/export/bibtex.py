"""BibTeX through bibtexparser 2.x's writer: ``@misc`` entries in arXiv's own style.

Fields: title, author ("Family, Given and ..."), year, month, eprint / archivePrefix / primaryClass,
the DOI (arXiv's ``10.48550/arXiv.{id}`` when the paper has no other), url, abstract, keywords (the
user's tags) and the note. Every text value is escaped for LaTeX so it prints as written: the ten special
characters, the ligatures TeX would make of ``--`` and quotes, and braces, which BibTeX also counts to
find the end of a field: a balanced pair becomes ``\\{ \\}``, a stray one ``\\textbraceleft{}``
(which our BibTeX reader, ``formats.bibtex``, reads back as the brace, so an export re-imports as it
was). Identifiers (eprint, DOI, url) are written verbatim, as biblatex reads them.
"""

from __future__ import annotations

import re

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares import default_unparse_stack

from readerapp.export.bundle import ExportBundle
from readerapp.export.links import paper_url
from readerapp.export.names import citation_keys, split_name
from readerapp.paper import Paper
from readerapp.progress import Progress, no_progress

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_BRACE_RE = re.compile(r"[{}]")
# A character TeX would join with the next into one glyph (a dash, curly quotes, inverted ! and ?,
# guillemets) gets an empty group after it: "--" is written "-{}-".
_LIGATURE = r"-(?=-)|'(?=')|`(?=`)|[!?](?=`)|,(?=,)|<(?=<)|>(?=>)"
_TOKEN_RE = re.compile(r"[{}\\%&$#_^~]|" + _LIGATURE)
_BRACE = {"{": (r"\{", r"\textbraceleft{}"), "}": (r"\}", r"\textbraceright{}")}


def _matched_braces(text: str) -> set[int]:
    """Positions of braces that close or are closed by another: those may stay as ``\\{ \\}``."""
    opened: list[int] = []
    matched: set[int] = set()
    for brace in _BRACE_RE.finditer(text):
        if brace.group() == "{":
            opened.append(brace.start())
        elif opened:
            matched.update((opened.pop(), brace.start()))
    return matched


def latex_escape(text: str) -> str:
    """``text`` (whitespace folded) as LaTeX that typesets to the same characters."""
    flat = " ".join(text.split())
    if not _TOKEN_RE.search(flat):
        return flat
    matched = _matched_braces(flat) if "{" in flat else set()

    def replace(found: re.Match[str]) -> str:
        token = found.group()
        if token in _BRACE:
            return _BRACE[token][0 if found.start() in matched else 1]
        return _SPECIALS.get(token) or token + "{}"

    return _TOKEN_RE.sub(replace, flat)


def bibtex_name(name: str) -> str:
    """One author as "Family, Given", braced whole when a part would confuse BibTeX's name parser."""
    family, given = split_name(name)
    family, given = latex_escape(family), latex_escape(given)
    if re.search(r"\band\b|,", family, re.IGNORECASE):
        family = "{" + family + "}"
    return f"{family}, {given}" if given else family


def entry(paper: Paper, key: str) -> model.Entry:
    """The paper as one ``@misc`` entry."""
    fields: list[tuple[str, str | None]] = [
        ("title", latex_escape(paper.title)),
        ("author", " and ".join(bibtex_name(a) for a in paper.authors) or None),
        ("year", str(paper.published.year) if paper.published else None),
        ("month", str(paper.published.month) if paper.published else None),
        ("eprint", paper.arxiv_id),
        ("archivePrefix", "arXiv" if paper.arxiv_id else None),
        ("primaryClass", paper.primary_category if paper.arxiv_id else None),
        ("doi", paper.doi_or_arxiv),
        ("url", paper_url(paper)),
        ("abstract", latex_escape(paper.abstract) or None),
        ("keywords", latex_escape(", ".join(paper.tags)) or None),
        ("annote", latex_escape(paper.note) or None),
    ]
    if not paper.published and paper.feed_day:
        fields[2] = ("year", str(paper.feed_day.year))
    return model.Entry("misc", key, [model.Field(name, value) for name, value in fields if value])


def render_bibtex(bundle: ExportBundle, progress: Progress = no_progress) -> str:
    """The papers as a BibTeX file, keys unique within it."""
    keys = citation_keys(bundle.papers)
    library = bibtexparser.Library()
    library.add([entry(paper, keys[paper.id]) for paper in bundle.each(progress)])
    # The entries are ours and thrown away after: the writer may modify them instead of deep-copying
    # each (which made it 3x slower at 10,000 entries).
    stack = default_unparse_stack(allow_inplace_modification=True)
    return str(bibtexparser.write_string(library, unparse_stack=stack))
