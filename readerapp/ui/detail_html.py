"""The detail pane's HTML, built without Qt so escaping can be tested on its own.

Every string from a feed or from the user is escaped: a title that says ``<script>`` shows those
characters. Only http(s) links become links, and a highlight's colour is used only when it is a
known name or a hex colour, so nothing upstream can inject markup or styles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from urllib.parse import urlsplit

from readerapp.paper import HighlightView, Paper

HIGHLIGHT_COLORS = {"yellow": "#ffe066", "green": "#9be59b", "blue": "#9cc9ff", "pink": "#ffadd2",
                    "orange": "#ffc078"}
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s) with a host, else None (no ``javascript:``, no ``file:`` from feeds)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _color(name: str | None, default: str) -> str:
    if name and _HEX.fullmatch(name):
        return name
    return HIGHLIGHT_COLORS.get((name or "").lower(), default)


def highlighted(text: str, highlights: Sequence[HighlightView], default_color: str) -> str:
    """``text`` escaped, with anchored, non-overlapping highlights wrapped in coloured spans."""
    spans = sorted((h for h in highlights if h.anchored and 0 <= h.start < h.end <= len(text)),
                   key=lambda h: h.start)  # fmt: skip
    out: list[str] = []
    pos = 0
    for h in spans:
        if h.start < pos:
            continue
        out.append(escape(text[pos : h.start]))
        title = f' title="{escape(h.comment)}"' if h.comment else ""
        out.append(f'<span style="background-color:{_color(h.color, default_color)}; color:#000"{title}>'
                   f"{escape(text[h.start : h.end])}</span>")
        pos = h.end
    out.append(escape(text[pos:]))
    return "".join(out).replace("\n\n", "<br><br>")


def links(paper: Paper) -> list[tuple[str, str]]:
    """(label, URL) for the paper's pages, in the order a reader reaches for them."""
    pdf = f"https://arxiv.org/pdf/{paper.arxiv_id}" if paper.arxiv_id else None
    candidates = [("abstract", paper.abs_url), ("PDF", pdf), ("code", paper.code_url),
                  ("project", paper.project_url), ("HF page", paper.hf_url)]
    return [(label, url) for label, url in ((lbl, safe_url(u)) for lbl, u in candidates) if url]


def paper_html(paper: Paper, *, muted: str, highlight: str) -> str:
    """The whole detail pane for one paper."""
    authors = ", ".join(paper.authors[:30]) + (" et al." if len(paper.authors) > 30 else "")
    facts = [paper.id, paper.state, "★ starred" if paper.starred else "",
             paper.feed_day.isoformat() if paper.feed_day else "",
             f"▲ {paper.upvotes}" if paper.upvotes else "", " ".join(paper.categories[:4])]
    link_html = " · ".join(f'<a href="{escape(url)}">{escape(label)}</a>' for label, url in links(paper))
    parts = [
        f'<h2 style="margin-bottom:4px">{escape(paper.title)}</h2>',
        f"<p>{escape(authors)}</p>",
        f'<p style="color:{muted}">{escape(" · ".join(f for f in facts if f))}</p>',
        f"<p>{link_html}</p>" if link_html else "",
    ]
    if paper.tags:
        parts.append(f"<p><b>Tags:</b> {escape(', '.join(paper.tags))}</p>")
    if paper.ai_summary:
        parts.append(f'<p style="color:{muted}"><i>{escape(paper.ai_summary)}</i></p>')
    abstract = [h for h in paper.highlights if h.field == "abstract"]
    parts.append(f"<h4>Abstract</h4><p>{highlighted(paper.abstract, abstract, highlight)}</p>")
    unanchored = [h for h in paper.highlights if not h.anchored]
    if unanchored:
        quotes = "".join(f"<li>{escape(h.text)}</li>" for h in unanchored)
        parts.append(f"<h4>Highlights that no longer match the abstract</h4><ul>{quotes}</ul>")
    if paper.note:
        note = escape(paper.note).replace("\n", "<br>")
        parts.append(f"<h4>Note</h4><p>{note}</p>")
    return "\n".join(p for p in parts if p)
