"""One Markdown file: per paper its title, authors, links, tags, highlights (quotes with their comments)
and note, in the scope's order.

Text from feeds is escaped so it shows as written in any CommonMark renderer, Python-Markdown and
Obsidian alike: Markdown punctuation gets a backslash; ``& < > $ | ~`` become character references,
because not every renderer honours a backslash before them (``$`` would start math in Obsidian, and
``%%`` a comment).
The note and the highlights' comments are the user's own Markdown, kept as written but for their
headings, which move under the paper's (see ``note_markdown``).
"""

from __future__ import annotations

import re

from readerapp.export.bundle import ExportBundle
from readerapp.export.links import paper_links
from readerapp.export.note_markdown import nest_headings
from readerapp.paper import HighlightView, Paper
from readerapp.progress import Progress, no_progress

_BACKSLASHED = re.compile(r"([\\`*_\[\]#])")
_REFERENCES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;", "|": "&#124;", "~": "&#126;", "%": "&#37;",
}  # fmt: skip
_REFERENCED = re.compile("[&<>$|~%]")
_NUMBERED = re.compile(r"^(\d+)([.)])")


def escape_md(text: str) -> str:
    """Feed text as inline Markdown that renders to exactly ``text`` (line breaks become spaces)."""
    flat = " ".join(text.split())
    escaped = _BACKSLASHED.sub(r"\\\1", flat)
    escaped = _REFERENCED.sub(lambda m: _REFERENCES[m.group()], escaped)
    escaped = _NUMBERED.sub(r"\1\\\2", escaped)  # "1984. A title" must not start a list
    return "\\" + escaped if escaped.startswith(("+", "-")) else escaped


def page_ref(highlight: HighlightView, pdf_link: str | None = None) -> str:
    """``p. N`` for an annotation on a PDF page (a link that opens the PDF there when ``pdf_link``, the
    URL-encoded path of the PDF, is given); nothing for an abstract highlight."""
    if not highlight.on_pdf:
        return ""
    label = f"p. {highlight.page}"
    return f"[{label}]({pdf_link}#page={highlight.page})" if pdf_link else label


def _quote(highlight: HighlightView, level: int, pdf_link: str | None = None) -> str:
    where = page_ref(highlight, pdf_link)
    if highlight.kind == "note":
        lines = [f"*Note on {where}:*"]
    else:
        lines = [f"> {escape_md(highlight.text)}" + (f" ({where})" if where else "")]
    if highlight.comment and highlight.comment.strip():
        lines += ["", nest_headings(highlight.comment.strip(), level)]
    return "\n".join(lines)


def paper_body(paper: Paper, level: int, tags: str | None = None, pdf_link: str | None = None) -> list[str]:
    """Everything but the title, as Markdown blocks under the paper's heading of ``level`` (1 for
    ``#``); shared with the Obsidian writer, which writes its own ``tags`` line and links the PDF's
    pages (``pdf_link``)."""
    blocks = []
    if paper.authors:
        blocks.append("**Authors:** " + escape_md(", ".join(paper.authors)))
    links = paper_links(paper)
    if links:
        blocks.append("**Links:** " + " · ".join(f"[{label}](<{url}>)" for label, url in links))
    facts = [f"`{paper.id}`", paper.state, "starred" if paper.starred else ""]
    blocks.append("**Status:** " + ", ".join(fact for fact in facts if fact))
    if tags is not None:
        blocks.append(tags)
    elif paper.tags:
        blocks.append("**Tags:** " + ", ".join(escape_md(tag) for tag in paper.tags))
    if paper.highlights:
        blocks.append("**Highlights:**")
        blocks.extend(_quote(h, level, pdf_link) for h in paper.highlights_in_order)
    if paper.note.strip():
        blocks.append("**Note:**")
        blocks.append(nest_headings(paper.note.strip(), level))
    return blocks


def render_markdown(bundle: ExportBundle, progress: Progress = no_progress) -> str:
    """The whole export as one Markdown document."""
    count = bundle.count
    parts = [
        f"# {escape_md(bundle.title)}",
        f"*Exported from readerapp on {bundle.exported:%Y-%m-%d}: {count} paper{'s' * (count != 1)}.*",
    ]
    for n, paper in enumerate(bundle.each(progress), 1):
        parts.append(f"## {n}. {escape_md(paper.title)}")
        parts.extend(paper_body(paper, 2))
    return "\n\n".join(parts) + "\n"
