"""BibTeX through bibtexparser 2.x's writer, typed from the paper's item type: ``@article`` with its
``journal``, ``@inproceedings`` with its ``booktitle``, ``@misc`` with ``eprint`` / ``archivePrefix`` /
``eprinttype`` for an arXiv preprint (biblatex and BibTeX styles both find the arXiv id).

Every text value is escaped for LaTeX so it prints as written: the ten special characters, the ligatures
TeX would make of ``--`` and quotes, and braces, which BibTeX also counts to find the end of a field: a
balanced pair becomes ``\\{ \\}``, a stray one ``\\textbraceleft{}`` (which our BibTeX reader,
``formats.bibtex``, reads back as the brace). Two things pass through as LaTeX: math written ``$...$``
(as TeX and Pandoc read it: no space inside the dollars, balanced braces, no file or definition
commands), and, in titles, braces around words with capitals after their first letter (``{AI}``,
``{GPT}-4``), so a style that changes a title's case keeps them. Months are BibTeX's macros (``oct``).
Identifiers (eprint, DOI, URL, file) are written verbatim, as biblatex reads them, and left out when
they hold what a verbatim field cannot (braces, a backslash, whitespace).
"""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
from bibtexparser import model

from readerapp.export.bundle import ExportBundle
from readerapp.export.links import export_doi, paper_url
from readerapp.export.names import split_name
from readerapp.export.reference import Reference, reference
from readerapp.ids import clean_category
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
_TOKEN_RE = re.compile(r"(?P<word>[^\W_]+)|[{}\\%&$#_^~]|" + _LIGATURE)
_BRACE = {"{": (r"\{", r"\textbraceleft{}"), "}": (r"\}", r"\textbraceright{}")}
# Math as TeX and Pandoc find it: "$" then no space ... no space then "$", not followed by a digit.
_MATH_RE = re.compile(r"\$(?=[^\s$])(?P<math>[^$]*?[^\s$\\])\$(?!\d)")
_UNSAFE_MATH = re.compile(
    r"[%#&]|\\(?:input|include|openin|openout|read|write|immediate|special|def|edef|gdef|xdef|let|catcode"
    r"|csname|expandafter|newcommand|renewcommand|providecommand|usepackage|end|begin|makeatletter"
    r"|endinput|message|typeout)(?![a-zA-Z])"
)
_PARAGRAPH_RE = re.compile(r"\n\s*\n")
_NAME_SPLITTER = re.compile(r"\band\b|,", re.IGNORECASE)
_VERBATIM_UNSAFE = re.compile(r"[{}\\\s]")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# The BibTeX entry type of each CSL item type, and the field its venue goes in; the rest are @misc.
_TYPES = {
    "article-journal": ("article", "journal"),
    "article-magazine": ("article", "journal"),
    "article-newspaper": ("article", "journal"),
    "paper-conference": ("inproceedings", "booktitle"),
    "chapter": ("incollection", "booktitle"),
    "book": ("book", "series"),
    "report": ("techreport", "series"),
    "thesis": ("phdthesis", "series"),
}
_PUBLISHER_FIELD = {"techreport": "institution", "phdthesis": "school"}


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


def _protected(word: str) -> bool:
    """A word whose case a style must not change: a capital after its first letter (AI, McDonald)."""
    return any(c.isupper() for c in word[1:])


def _escape_text(text: str, protect: bool) -> str:
    matched = _matched_braces(text) if "{" in text else set()

    def replace(found: re.Match[str]) -> str:
        token = found.group()
        if found["word"] is not None:
            return "{" + token + "}" if protect and _protected(token) else token
        if token in _BRACE:
            return _BRACE[token][0 if found.start() in matched else 1]
        return _SPECIALS.get(token) or token + "{}"

    return _TOKEN_RE.sub(replace, text)


def _balanced(braces: list[re.Match[str]]) -> bool:
    depth = 0
    for brace in braces:
        depth += 1 if brace.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _safe_math(math: str) -> bool:
    """Math that BibTeX and LaTeX both read as math: braces balanced as BibTeX counts them (all) and as
    TeX does (``\\{`` aside), no comment or alignment character, no file or definition command."""
    if _UNSAFE_MATH.search(math):
        return False
    braces = list(_BRACE_RE.finditer(math))
    unescaped = [brace for brace in braces if not _escaped(math, brace.start())]
    return _balanced(braces) and _balanced(unescaped)


def _escaped(text: str, position: int) -> bool:
    """Whether an odd number of backslashes stands before ``position``."""
    before = text[:position]
    return (len(before) - len(before.rstrip("\\"))) % 2 == 1


def latex_escape(text: str, *, protect: bool = False, paragraphs: bool = False) -> str:
    """``text`` as LaTeX that typesets to the same characters, its ``$...$`` math kept as math;
    whitespace is folded (into paragraphs split by a blank line when ``paragraphs``), and ``protect``
    braces the words with inner capitals (for titles)."""
    if paragraphs:
        parts = (latex_escape(part, protect=protect) for part in _PARAGRAPH_RE.split(text))
        return "\n\n".join(part for part in parts if part)
    flat = " ".join(text.split())
    out: list[str] = []
    done = 0
    for math in _MATH_RE.finditer(flat):
        if _safe_math(math["math"]):
            out += [_escape_text(flat[done : math.start()], protect), math.group()]
            done = math.end()
    out.append(_escape_text(flat[done:], protect))
    return "".join(out)


def bibtex_name(name: str) -> str:
    """One person as "Family, Given", braced whole when a part would confuse BibTeX's name parser."""
    family, given = (latex_escape(part) for part in split_name(name))
    family, given = (_name_part(family), _name_part(given) if given else "")
    return f"{family}, {given}" if given else family


def _name_part(part: str) -> str:
    """A part braced whole when BibTeX would split it: an "and" (a new name) or a comma (a new part)."""
    return "{" + part + "}" if _NAME_SPLITTER.search(part) or not part else part


def _names(names: list[str] | tuple[str, ...]) -> str | None:
    return " and ".join(bibtex_name(n) for n in names if n.strip()) or None


def verbatim(value: str | None, *, spaces: bool = False) -> str | None:
    """An identifier as a verbatim field holds it, or None when it holds braces, ``\\`` or whitespace
    (a space is allowed when ``spaces``: a file's path may have one)."""
    if not value or _VERBATIM_UNSAFE.search(value.replace(" ", "") if spaces else value):
        return None
    return value


def _pages(ref: Reference) -> str | None:
    pages = ref.page_range
    if pages is None:
        return None
    first, last = pages
    return latex_escape(first) + ("--" + latex_escape(last) if last else "")


def _keyword(text: str) -> str:
    escaped = latex_escape(text)
    return "{" + escaped + "}" if "," in escaped else escaped


def entry_type(ref: Reference) -> tuple[str, str]:
    """(BibTeX entry type, the field the venue goes in) for the paper's item type."""
    return _TYPES.get(ref.item_type, ("misc", "howpublished"))


def bibtex_fields(paper: Paper) -> tuple[str, list[tuple[str, str]]]:
    """(entry type, [(field, value as written in the file)]); text values are braced, months bare."""
    ref = reference(paper)
    kind, venue_field = entry_type(ref)
    year = str(ref.issued[0]) if ref.issued else None
    month = _MONTHS[ref.issued[1] - 1] if len(ref.issued) > 1 else None
    keywords = list(dict.fromkeys([*paper.tags, *ref.keywords]))
    pdf = Path(paper.pdf_path).as_posix() if paper.pdf_path else None
    braced: list[tuple[str, str | None]] = [
        ("title", latex_escape(paper.title, protect=True)),
        ("author", _names(paper.authors)),
        ("editor", _names(ref.editors)),
        (venue_field, latex_escape(ref.venue) if ref.venue else None),
        ("year", year),
        ("volume", latex_escape(ref.volume) if ref.volume else None),
        ("number", latex_escape(ref.issue) if ref.issue else None),
        ("pages", _pages(ref)),
        (_PUBLISHER_FIELD.get(kind, "publisher"), latex_escape(ref.publisher) if ref.publisher else None),
        ("eprint", paper.arxiv_id),
        ("archivePrefix", "arXiv" if paper.arxiv_id else None),
        ("eprinttype", "arxiv" if paper.arxiv_id else None),
        ("primaryClass", clean_category(paper.primary_category) if paper.arxiv_id else None),
        ("doi", verbatim(export_doi(paper))),
        ("url", verbatim(paper_url(paper))),
        ("file", verbatim(pdf, spaces=True)),
        ("abstract", latex_escape(paper.abstract, paragraphs=True) or None),
        ("keywords", ", ".join(_keyword(k) for k in keywords) or None),
        ("annote", latex_escape(paper.note, paragraphs=True) or None),
    ]
    fields = [(name, "{" + value + "}") for name, value in braced if value]
    if month:
        fields.insert(next(i for i, (name, _) in enumerate(fields) if name == "year") + 1, ("month", month))
    return kind, fields


def entry(paper: Paper, key: str) -> model.Entry:
    kind, fields = bibtex_fields(paper)
    return model.Entry(kind, key, [model.Field(name, value) for name, value in fields])


def render_bibtex(bundle: ExportBundle, progress: Progress = no_progress) -> str:
    """The papers as a BibTeX file, keys unique within it."""
    keys = bundle.citation_keys()
    library = bibtexparser.Library()
    library.add([entry(paper, keys[paper.id]) for paper in bundle.each(progress)])
    # The values are written as they stand: braced here, a month as its bare macro.
    return str(bibtexparser.write_string(library, unparse_stack=[]))
