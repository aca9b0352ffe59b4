"""Is this file really a PDF? Checked before a download is kept and before a paper is marked as having
one: an HTML error page, a truncated body or a damaged file is refused with a message that says which."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from readerapp.errors import PdfError
from readerapp.pdfs.mupdf import LOCK, pymupdf

_HEAD = 1024  # the spec lets %PDF- start anywhere in the first 1024 bytes
_TAIL = 2048  # %%EOF ends the file, maybe followed by whitespace or a little junk


@dataclass(frozen=True, slots=True)
class VerifiedPdf:
    pages: int
    sha256: str
    size: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_non_pdf(head: bytes) -> str:
    """A short, user-facing guess at what a non-PDF answer was."""
    text = head.lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:_HEAD]:
        return "an HTML page, not a PDF"
    if not text:
        return "an empty file, not a PDF"
    return "not a PDF (it does not start with %PDF-)"


def check_envelope(path: Path) -> int:
    """The cheap check before MuPDF sees a file (MuPDF "repairs" even an HTML page into a PDF): it
    starts with ``%PDF-`` and ends with ``%%EOF``. Returns the size; ``PdfError`` says what it is."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
        fh.seek(max(size - _TAIL, 0))
        tail = fh.read()
    if b"%PDF-" not in head:
        raise PdfError(describe_non_pdf(head))
    if b"%%EOF" not in tail:
        raise PdfError(f"the PDF is truncated ({size:,} bytes, no end-of-file marker)")
    return size


def verify_pdf(path: Path) -> VerifiedPdf:
    """Check that ``path`` is a complete PDF with at least one page that PyMuPDF opens.

    Raises ``PdfError`` saying what the file is instead (HTML, empty, truncated, unreadable).
    """
    size = check_envelope(path)
    fitz = pymupdf()
    with LOCK:
        try:
            with fitz.open(path, filetype="pdf") as doc:
                if not doc.is_pdf:
                    raise PdfError("not a PDF")
                if doc.needs_pass:
                    raise PdfError("the PDF is encrypted with a password")
                pages = doc.page_count
                if pages < 1:
                    raise PdfError("the PDF has no pages")
                doc.load_page(0)
        except (RuntimeError, ValueError) as exc:  # pymupdf raises FileDataError (a RuntimeError)
            raise PdfError(f"the PDF cannot be read: {exc}") from exc
    return VerifiedPdf(pages=pages, sha256=sha256_of(path), size=size)
