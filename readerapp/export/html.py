"""One self-contained HTML page, readable offline: the same content as the Markdown export.

Everything from a feed is escaped with ``html.escape``; the note and the highlights' comments are
rendered from Markdown with raw HTML escaped and their headings under the paper's (see ``note_html``);
each highlight is drawn in its own colour. The page has its style inline and a Content-Security-Policy
that forbids loading anything, so even a link someone slipped past the escaping could not fetch or run
code.
"""

from __future__ import annotations

from html import escape

from readerapp.export.bundle import ExportBundle
from readerapp.export.links import paper_links
from readerapp.export.note_html import NoteRenderer
from readerapp.highlight_colors import HIGHLIGHT_COLORS, color_value
from readerapp.paper import HighlightView, Paper
from readerapp.progress import Progress, no_progress

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem;
       color: #1d1d1f; background: #fff; }
article { border-top: 1px solid #ddd; padding-top: 1rem; margin-top: 1.5rem; }
h2 { font-size: 1.25rem; margin-bottom: .25rem; }
.meta { color: #666; font-size: .9rem; margin: .25rem 0; }
.tag { background: #eef; border-radius: 3px; padding: 0 .35rem; margin-right: .25rem; }
blockquote { border-left: 4px solid #e0b300; margin: .5rem 0; padding: .1rem .75rem; background: #fffbe6; }
.comment { color: #444; font-style: italic; margin: .25rem 0 .75rem 1rem; }
@media (prefers-color-scheme: dark) {
  body { color: #e8e8e8; background: #1e1e1e; } article { border-color: #444; }
  .meta { color: #aaa; } .tag { background: #334; } blockquote { background: #3a3320; }
  .comment { color: #ccc; } a { color: #8ab4ff; }
}
"""
_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _highlight(h: HighlightView, note_html: NoteRenderer) -> str:
    """The quote drawn in the highlight's own colour, its comment rendered from Markdown."""
    comment = f'<div class="comment">{note_html(h.comment)}</div>' if h.comment and h.comment.strip() else ""
    color = color_value(h.color, HIGHLIGHT_COLORS["yellow"])
    style = f"border-left-color: {color}; background: {color}; color: #000"
    where = f' <span class="page">(p. {h.page})</span>' if h.on_pdf else ""
    if h.kind == "note":
        return f'<p class="meta">Note on p. {h.page}:</p>{comment}'
    return f'<blockquote style="{style}">{escape(h.text)}{where}</blockquote>{comment}'


def paper_html(paper: Paper, number: int, note_html: NoteRenderer) -> str:
    """One paper as an ``<article>``."""
    parts = [f'<article id="{escape(paper.id)}">', f"<h2>{number}. {escape(paper.title)}</h2>"]
    if paper.authors:
        parts.append(f'<p class="authors">{escape(", ".join(paper.authors))}</p>')
    links = " · ".join(f'<a href="{escape(url)}">{escape(label)}</a>' for label, url in paper_links(paper))
    if links:
        parts.append(f'<p class="meta">{links}</p>')
    status = ", ".join(s for s in (paper.id, paper.state, "starred" if paper.starred else "") if s)
    parts.append(f'<p class="meta">{escape(status)}</p>')
    if paper.tags:
        tags = "".join(f'<span class="tag">{escape(tag)}</span>' for tag in paper.tags)
        parts.append(f'<p class="tags">{tags}</p>')
    if paper.highlights:
        parts.append("<h3>Highlights</h3>")
        parts.extend(_highlight(h, note_html) for h in paper.highlights_in_order)
    if paper.note.strip():
        parts.append(f'<h3>Note</h3><div class="note">{note_html(paper.note)}</div>')
    parts.append("</article>")
    return "\n".join(parts)


def render_html(bundle: ExportBundle, progress: Progress = no_progress) -> str:
    """The whole page."""
    count = bundle.count
    note_html = NoteRenderer(heading_shift=2)  # under each paper's <h2>
    articles = [paper_html(paper, n, note_html) for n, paper in enumerate(bundle.each(progress), 1)]
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(bundle.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
    )
    intro = (
        f"<h1>{escape(bundle.title)}</h1>\n"
        f'<p class="meta">Exported from readerapp on {bundle.exported:%Y-%m-%d}: '
        f"{count} paper{'s' * (count != 1)}.</p>\n"
    )
    return head + intro + "\n".join(articles) + "\n</body>\n</html>\n"
