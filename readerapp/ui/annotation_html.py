"""The annotated parts of the detail pane: the abstract with its highlights, the list of highlights with
their comments, and the note rendered from Markdown. Built without Qt so escaping is tested alone.

The abstract keeps its whitespace (``white-space: pre-wrap``), shows its LaTeX as readable text
(``readerapp.readable``, which maps each shown character back to the stored ones) and starts at a named
anchor, so a position in the pane is an offset in the shown text by one subtraction and an offset in
the stored abstract through the map: that is how a selection made with the keys becomes a highlight's
offsets. Each entry of the highlight list starts at an anchor
named after the highlight, so a highlight that lost its place in the abstract can still be selected.
Feed text, quotes, comments and authors' names are escaped; a colour is used only when it is a known
name or a hex colour; the notes' own HTML shows as text (see ``readerapp.export.note_html``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from html import escape
from typing import TYPE_CHECKING

from readerapp.highlight_colors import HIGHLIGHT_COLORS, color_value
from readerapp.paper import HighlightView
from readerapp.readable import Readable, readable, readable_text
from readerapp.text import size_label

if TYPE_CHECKING:
    from readerapp.export.note_html import NoteRenderer

COLOR_KEYS = tuple(HIGHLIGHT_COLORS)
ABSTRACT_ANCHOR = "abstract-start"
HIGHLIGHT_ANCHOR = "highlight-"
PDF_MARK_ANCHOR = "pdf-mark-"
QUOTE_LIMIT = 90
# The most of an abstract the pane lays out: Qt takes about 6 ms of CPU for 6,000 characters even without a
# space among them, against seconds for the 64 KB an abstract may hold (docs/benchmarks.md, UI).
SHOWN_CHARS = 6000


def in_place(text: str, highlights: Sequence[HighlightView]) -> list[HighlightView]:
    """The highlights drawn in ``text``: anchored, inside it, not overlapping an earlier one."""
    spans = sorted((h for h in highlights if h.anchored and 0 <= h.start < h.end <= len(text)),
                   key=lambda h: (h.start, h.end))  # fmt: skip
    shown: list[HighlightView] = []
    for h in spans:
        if not shown or h.start >= shown[-1].end:
            shown.append(h)
    return shown


def ordered(text: str, highlights: Sequence[HighlightView]) -> list[HighlightView]:
    """Highlights in reading order: those in the abstract by position, then those that lost their place."""
    drawn = {h.id for h in in_place(text, highlights)}
    return sorted(highlights, key=lambda h: (h.id not in drawn, h.start if h.id in drawn else h.id))


def highlighted(text: str, highlights: Sequence[HighlightView], default_color: str) -> str:
    """``text`` escaped, character for character, with its drawable highlights in coloured spans."""
    out: list[str] = []
    pos = 0
    for h in in_place(text, highlights):
        out.append(escape(text[pos : h.start]))
        title = f' title="{escape(h.comment)}"' if h.comment else ""
        out.append(f'<span style="background-color:{color_value(h.color, default_color)}; color:#000"'
                   f"{title}>{escape(text[h.start : h.end])}</span>")
        pos = h.end
    out.append(escape(text[pos:]))
    return "".join(out)


def laid_out(text: str) -> str:
    """The part of a long text (the abstract, the AI summary) the pane lays out: its first
    ``SHOWN_CHARS`` characters. Qt lays out a paragraph on the GUI thread, and a long one without
    spaces takes seconds (1 MB: minutes); a prefix keeps every shown character at its offset."""
    return text[:SHOWN_CHARS]


def shown_abstract(text: str) -> Readable:
    """What the pane shows of an abstract: the part it lays out, its LaTeX as readable text, with the
    map from each shown character back to the stored abstract (where highlights keep their offsets)."""
    return readable(laid_out(text))


def on_screen(view: Readable, highlights: Sequence[HighlightView]) -> list[HighlightView]:
    """The highlights with offsets in the shown text (one not shown at all gets an empty span)."""
    mapped = []
    for h in highlights:
        span = view.from_raw(h.start, h.end) if h.anchored else None
        mapped.append(replace(h, start=span[0], end=span[1]) if span else replace(h, start=0, end=0))
    return mapped


def abstract_html(text: str, highlights: Sequence[HighlightView], default_color: str, muted: str = "") -> str:
    """The abstract paragraph: exact whitespace, LaTeX as readable text, an anchor at its first
    character, highlights drawn; an abstract longer than the pane lays out ends with a line saying how
    much is not shown."""
    view = shown_abstract(text)
    paragraph = (f'<p style="white-space:pre-wrap"><a name="{ABSTRACT_ANCHOR}"></a>'
                 f"{highlighted(view.text, on_screen(view, highlights), default_color)}</p>")  # fmt: skip
    if len(view.raw) == len(text):
        return paragraph
    rest = size_label(len(text[len(view.raw) :].encode("utf-8")))
    return (f'{paragraph}<p style="color:{muted}">… {rest} more of this abstract is not shown here; '
            "<code>readerapp show</code> and every export have all of it.</p>")  # fmt: skip


def _short(quote: str) -> str:
    flat = " ".join(quote.split())
    return flat if len(flat) <= QUOTE_LIMIT else flat[: QUOTE_LIMIT - 1].rstrip() + "…"


def highlight_list_html(text: str, highlights: Sequence[HighlightView], default_color: str,
                        muted: str, me: str | None = None) -> str:
    """Every highlight under the abstract, in reading order: colour, quote, comment; a highlight whose
    quote is no longer in the abstract is flagged, never dropped. On a shared library a colleague's
    highlight (its author is not ``me``) names its author."""
    if not highlights:
        return ""
    drawn = {h.id for h in in_place(text, highlights)}
    items = []
    for n, h in enumerate(ordered(text, highlights), start=1):
        flag = "" if h.id in drawn else ' <b style="color:#c92a2a">⚠ no longer matches the abstract</b>'
        if h.anchored and h.id not in drawn:
            flag = f' <span style="color:{muted}">(overlaps another highlight)</span>'
        comment = f'<br><i>{escape(h.comment)}</i>' if h.comment else ""
        items.append(f'<li><a name="{HIGHLIGHT_ANCHOR}{h.id}"></a>{n}. {_swatch(h, default_color)} '
                     f"“{escape(_short(readable_text(h.text)))}”{_by(h, me, muted)}{flag}{comment}</li>")
    return _listed("Highlights", items)


def _swatch(h: HighlightView, default_color: str) -> str:
    return f'<span style="background-color:{color_value(h.color, default_color)}">&nbsp;&nbsp;&nbsp;</span>'


def _by(h: HighlightView, me: str | None, muted: str) -> str:
    """A colleague's highlight names its author."""
    return f' <span style="color:{muted}">— {escape(h.author)}</span>' if me and h.author != me else ""


def _listed(heading: str, items: Sequence[str]) -> str:
    return f'<h4>{heading}</h4><ul style="list-style-type:none; margin-left:0">{"".join(items)}</ul>'


def pdf_marks_html(marks: Sequence[HighlightView], default_color: str, muted: str, me: str | None,
                   chosen: int | None = None) -> str:
    """The annotations on the PDF's pages in page order, each after its page: colour, quote (a note:
    its text), comment, author; the one ``chosen`` in the reader in bold, each at an anchor of its own."""
    if not marks:
        return ""
    items = []
    for h in marks:
        said = f"✎ {escape(h.comment or '')}" if h.kind == "note" else f"“{escape(_short(h.text))}”"
        comment = f"<br><i>{escape(h.comment)}</i>" if h.comment and h.kind != "note" else ""
        imported = f' <span style="color:{muted}">(imported)</span>' if h.imported else ""
        line = f"p. {h.page} {_swatch(h, default_color)} {said}{_by(h, me, muted)}{imported}{comment}"
        shown = f"<b>{line}</b>" if h.id == chosen else line
        items.append(f'<li><a name="{PDF_MARK_ANCHOR}{h.id}"></a>{shown}</li>')
    return _listed("PDF highlights", items)


@cache
def _renderer() -> NoteRenderer:
    """One Markdown pipeline for the GUI thread (it builds slowly; it is not thread-safe)."""
    from readerapp.export.note_html import NoteRenderer

    return NoteRenderer()


def note_html(markdown: str) -> str:
    """The note as HTML from Markdown; HTML the user typed is shown as text, unsafe links are dropped."""
    return _renderer()(markdown)


def other_notes_html(notes: Sequence[tuple[str, str]], muted: str) -> str:
    """Colleagues' notes on a shared library, each under its author's name, rendered like the user's
    own note (their HTML stays text too)."""
    if not notes:
        return ""
    parts = [f'<p style="color:{muted}; margin-bottom:0"><b>{escape(author)}</b> wrote:</p>{note_html(text)}'
             for author, text in notes]
    return "<h4>Colleagues' notes</h4>" + "".join(parts)
