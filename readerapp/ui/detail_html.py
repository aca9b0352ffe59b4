"""The detail pane's HTML, built without Qt so escaping can be tested on its own.

Every string from a feed or from the user is escaped: a title that says ``<script>`` shows those
characters. Only http(s) links become links. The abstract, its highlights and the note are drawn by
``annotation_html``, under the same rules.
"""

from __future__ import annotations

from html import escape

from readerapp.export.links import safe_url
from readerapp.paper import Paper
from readerapp.readable import readable_text
from readerapp.ui.annotation_html import (
    abstract_html,
    highlight_list_html,
    laid_out,
    note_html,
    other_notes_html,
    pdf_marks_html,
)


def links(paper: Paper) -> list[tuple[str, str]]:
    """(label, URL) for the paper's pages, in the order a reader reaches for them, each URL once (a
    BibTeX ``url`` is often the arXiv page again)."""
    pdf = f"https://arxiv.org/pdf/{paper.arxiv_id}" if paper.arxiv_id else None
    candidates = [
        ("abstract", paper.abs_url),
        ("PDF", pdf),
        ("code", paper.code_url),
        ("project", paper.project_url),
        ("publisher's page" if paper.venue or paper.publisher else "web page", paper.url),
        ("HF page", paper.hf_url),
    ]
    found: dict[str, str] = {}
    for label, url in ((lbl, safe_url(u)) for lbl, u in candidates):
        if url and url not in found:
            found[url] = label
    return [(label, url) for url, label in found.items()]


def paper_html(paper: Paper, *, muted: str, highlight: str, me: str | None = None,
               chosen: int | None = None) -> str:
    """The whole detail pane for one paper, as user ``me`` sees it: on a shared library, colleagues'
    highlights name their authors and their notes follow the user's own. ``chosen``: the PDF
    annotation chosen in the reader."""
    authors = ", ".join(paper.authors[:30]) + (" et al." if len(paper.authors) > 30 else "")
    facts = [
        paper.id,
        paper.state,
        "sample paper (remove-samples takes these out)" if paper.is_sample else "",
        "★ starred" if paper.starred else "",
        paper.feed_day.isoformat() if paper.feed_day else "",
        f"▲ {paper.upvotes}" if paper.upvotes else "",
        " ".join(paper.categories[:4]),
    ]
    link_html = " · ".join(f'<a href="{escape(url)}">{escape(label)}</a>' for label, url in links(paper))
    parts = [
        f'<h2 style="margin-bottom:4px">{escape(readable_text(paper.title))}</h2>',
        f"<p>{escape(authors)}</p>",
        f"<p><i>{escape(paper.reference_line)}</i></p>" if paper.reference_line else "",
        f'<p style="color:{muted}">{escape(" · ".join(f for f in facts if f))}</p>',
        f"<p>{link_html}</p>" if link_html else "",
    ]
    if paper.tags:
        parts.append(f"<p><b>Tags:</b> {escape(', '.join(paper.tags))}</p>")
    if paper.keywords:
        parts.append(f'<p style="color:{muted}"><b>Keywords:</b> {escape(", ".join(paper.keywords))}</p>')
    if paper.ai_summary:
        summary = laid_out(paper.ai_summary)
        more = "…" if len(summary) < len(paper.ai_summary) else ""
        parts.append(f'<p style="color:{muted}"><i>{escape(summary)}{more}</i></p>')
    marks = [h for h in paper.highlights if h.field == "abstract"]
    parts.append(f"<h4>Abstract</h4>{abstract_html(paper.abstract, marks, highlight, muted)}")
    parts.append(highlight_list_html(paper.abstract, marks, highlight, muted, me))
    parts.append(pdf_marks_html(paper.pdf_highlights, highlight, muted, me, chosen))
    if paper.note:
        parts.append(f"<h4>Note</h4>{note_html(paper.note)}")
    parts.append(other_notes_html(paper.other_notes, muted))
    return "\n".join(p for p in parts if p)
