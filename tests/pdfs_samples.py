"""PDFs generated with PyMuPDF for the tests and the PDF benchmark (never downloaded): pages that look
like a paper's (a title, dense two-column text, a figure), with a word found only in the PDF."""

from __future__ import annotations

import pymupdf

PDF_ONLY_WORD = "quokkasphere"  # in the generated PDFs, never in a title or abstract
LOREM = (
    "Attention layers mix tokens; the residual stream carries them between blocks. We measure how "
    "much each head contributes and find that a few heads do most of the work in every layer. "
)
_A4 = (595, 842)


def make_pdf(pages: int = 3, *, marker: str = PDF_ONLY_WORD, title: str = "A generated paper") -> bytes:
    """A real PDF of ``pages`` A4 pages: a heading, two columns of text and a drawn figure on each,
    and ``marker`` once, on the last page."""
    doc = pymupdf.open()
    width, height = _A4
    for number in range(pages):
        page = doc.new_page(width=width, height=height)
        heading = title if number == 0 else f"{title}, page {number + 1}"
        page.insert_text((60, 70), heading, fontsize=15)
        column = LOREM * 9
        page.insert_textbox(pymupdf.Rect(60, 90, 290, 560), column, fontsize=8.5)
        last = f" The {marker} result holds." if number == pages - 1 else ""
        page.insert_textbox(pymupdf.Rect(305, 90, 535, 560), column + last, fontsize=8.5)
        figure = pymupdf.Rect(90, 590, 505, 770)
        page.draw_rect(figure, color=(0.2, 0.2, 0.5), width=1)
        for bar in range(12):
            x = figure.x0 + 15 + bar * 33
            page.draw_rect(
                pymupdf.Rect(x, figure.y1 - 10 - (bar * 37 + number * 11) % 150, x + 20, figure.y1 - 10),
                color=None,
                fill=(0.3, 0.5 + bar / 30, 0.8),
            )
        page.insert_text((90, 790), f"Figure {number + 1}: heads ranked by contribution.", fontsize=8)
    data: bytes = doc.tobytes()
    doc.close()
    return data
