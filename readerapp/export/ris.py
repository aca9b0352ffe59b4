"""RIS, the tagged format every reference manager imports: ``TAG  - value`` lines, ``ER  -`` closes a
record. Values are single lines (a line break in a feed's title must not end a record), so text is
folded; the note keeps its paragraphs as separate ``N1`` lines."""

from __future__ import annotations

from readerapp.export.bundle import ExportBundle
from readerapp.export.links import paper_url
from readerapp.export.names import split_name
from readerapp.paper import Paper
from readerapp.progress import Progress, no_progress


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}"


def ris_record(paper: Paper) -> list[str]:
    """One record; ``UNPB`` (unpublished work) is RIS's type for a preprint."""
    lines = [_line("TY", "UNPB"), _line("TI", paper.title)]
    for name in paper.authors:
        family, given = split_name(name)
        lines.append(_line("AU", f"{family}, {given}" if given else family))
    if paper.published is not None:
        lines.append(_line("PY", str(paper.published.year)))
        lines.append(_line("DA", paper.published.strftime("%Y/%m/%d")))
    elif paper.feed_day is not None:
        lines.append(_line("PY", str(paper.feed_day.year)))
    if paper.arxiv_id:
        lines += [_line("PB", "arXiv"), _line("AN", f"arXiv:{paper.arxiv_id}")]
    for tag, value in (("DO", paper.doi_or_arxiv), ("UR", paper_url(paper)), ("AB", paper.abstract)):
        if value and value.strip():
            lines.append(_line(tag, value))
    lines += [_line("KW", tag) for tag in paper.tags]
    lines += [_line("N1", part) for part in paper.note.split("\n\n") if part.strip()]
    lines.append("ER  - ")
    return lines


def render_ris(bundle: ExportBundle, progress: Progress = no_progress) -> str:
    records = ["\n".join(ris_record(paper)) for paper in bundle.each(progress)]
    return "\n\n".join(records) + "\n"
