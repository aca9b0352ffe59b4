"""RIS, the tagged format every reference manager imports: ``TAG  - value`` lines, ``ER  -`` closes a
record. ``TY`` follows the paper's item type (``JOUR``, ``CPAPER``, ``CHAP``...; ``UNPB`` for a preprint).

Values are single lines (a line break in a feed's title must not end a record), so text is folded; the
note is the exception: one ``N1`` holding the whole note, its later lines written as continuation lines
(what Zotero reads back as one note with its line breaks), each indented by a space so that no line of
a note can be read as a tag of its own.
"""

from __future__ import annotations

from pathlib import Path

from readerapp.export.bundle import ExportBundle
from readerapp.export.links import export_doi, paper_url
from readerapp.export.names import split_name
from readerapp.export.reference import reference
from readerapp.paper import Paper
from readerapp.progress import Progress, no_progress

# RIS's reference type for each CSL item type; anything else is a generic reference.
_TYPES = {
    "article": "UNPB",
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "paper-conference": "CPAPER",
    "chapter": "CHAP",
    "book": "BOOK",
    "report": "RPRT",
    "thesis": "THES",
    "webpage": "ELEC",
    "dataset": "DATA",
    "software": "COMP",
}
_JOURNALS = ("JOUR", "MGZN", "NEWS")


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}"


def _name(name: str) -> str:
    family, given = split_name(name)
    return f"{family}, {given}" if given else family


def note_lines(note: str) -> list[str]:
    """One ``N1`` for the whole note; each later line continues it, indented so it is never a tag."""
    first, *rest = note.strip().split("\n")
    return [_line("N1", first), *(" " + " ".join(line.split()) if line.strip() else "" for line in rest)]


def _date(parts: tuple[int, ...]) -> str:
    """RIS's ``YYYY/MM/DD/`` with only the parts the source gave."""
    return "/".join(f"{part:02d}" for part in parts) + "/" * (4 - len(parts))


def ris_record(paper: Paper) -> list[str]:
    """One record."""
    ref = reference(paper)
    kind = _TYPES.get(ref.item_type, "GEN")
    lines = [_line("TY", kind), _line("TI", paper.title)]
    lines += [_line("AU", _name(name)) for name in paper.authors if name.strip()]
    lines += [_line("A2", _name(name)) for name in ref.editors]
    if ref.issued:
        lines += [_line("PY", str(ref.issued[0])), _line("DA", _date(ref.issued))]
    if ref.venue:
        lines += [_line("T2", ref.venue)] + ([_line("JO", ref.venue)] if kind in _JOURNALS else [])
    pages = ref.page_range
    more = (("VL", ref.volume), ("IS", ref.issue), ("SP", pages and pages[0]), ("EP", pages and pages[1]))
    lines += [_line(tag, value) for tag, value in more if value]
    publisher = ref.publisher or ("arXiv" if paper.arxiv_id else None)
    if publisher:
        lines.append(_line("PB", publisher))
    if paper.arxiv_id:
        lines.append(_line("AN", f"arXiv:{paper.arxiv_id}"))
    url = paper_url(paper)
    pdf = Path(paper.pdf_path).as_posix() if paper.pdf_path else None
    for tag, value in (
        ("DO", export_doi(paper)),
        ("UR", url.replace(";", "%3B") if url else None),  # readers split UR at ";"
        ("L1", pdf if pdf and " ".join(pdf.split()) == pdf else None),  # a path that folding would change
        ("AB", paper.abstract),
    ):
        if value and value.strip():
            lines.append(_line(tag, value))
    lines += [
        _line("KW", keyword) for keyword in dict.fromkeys([*paper.tags, *ref.keywords]) if keyword.strip()
    ]
    if paper.note.strip():
        lines += note_lines(paper.note)
    lines.append("ER  - ")
    return lines


def render_ris(bundle: ExportBundle, progress: Progress = no_progress) -> str:
    records = ["\n".join(ris_record(paper)) for paper in bundle.each(progress)]
    return "\n\n".join(records) + "\n"
