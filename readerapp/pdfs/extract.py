"""The text of a PDF, for the search index: a word only in the PDF then finds the paper."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from readerapp.errors import PdfError
from readerapp.pdfs.mupdf import LOCK, pymupdf

MAX_TEXT = 2_000_000  # characters; a 400-page thesis fits, a scanned-book accident does not bloat the index


def page_texts(path: Path) -> Iterator[str]:
    """Each page's plain text in reading order, holding the PyMuPDF lock one page at a time."""
    fitz = pymupdf()
    try:
        with LOCK:
            doc = fitz.open(path, filetype="pdf")
        try:
            for number in range(doc.page_count):
                with LOCK:
                    text = doc.load_page(number).get_text("text")
                yield text
        finally:
            with LOCK:
                doc.close()
    except (RuntimeError, ValueError) as exc:
        raise PdfError(f"cannot read the text of {path.name}: {exc}") from exc


def extract_text(path: Path, max_chars: int = MAX_TEXT) -> str:
    """The whole text, pages separated by a blank line, cut at ``max_chars``."""
    parts: list[str] = []
    size = 0
    for text in page_texts(path):
        parts.append(text.strip())
        size += len(text)
        if size >= max_chars:
            break
    return "\n\n".join(parts)[:max_chars]
