"""A library whose first paper has a generated PDF attached, for the PDF annotation tests."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from readerapp import Library
from tests.conftest import SAMPLE_FEED
from tests.pdfs_samples import make_pdf

QUOTE = "a few heads do most of the work in every layer"  # on every page, in both columns


def library_with_pdf(tmp_path: Path, pdf: bytes | None = None) -> tuple[Library, str]:
    """A library of the sample feed whose first paper carries ``pdf`` (a 3-page generated one)."""
    library = Library.open(tmp_path / "lib")
    library.import_file(SAMPLE_FEED)
    paper_id = library.list_ids()[0]
    source = tmp_path / "attached.pdf"
    source.write_bytes(pdf if pdf is not None else make_pdf(3))
    report = library.attach_pdfs([(paper_id, source)])
    assert not report.failed, report.failed
    return library, paper_id


def text_under(path: Path, page: int, quads: list[list[float]]) -> str:
    """What PyMuPDF reads under these quads of ``page`` (1-based), whitespace folded."""
    with pymupdf.open(path) as doc:
        found = doc[page - 1]
        parts = [found.get_textbox(pymupdf.Quad([q[i : i + 2] for i in range(0, 8, 2)]).rect) for q in quads]
    return " ".join(" ".join(parts).split())


def annotated_by_another_reader() -> bytes:
    """A generated PDF annotated as Okular or Zotero would: a highlight with a comment on page 2 and a
    sticky note on page 3, written by PyMuPDF."""
    doc = pymupdf.open(stream=make_pdf(3), filetype="pdf")
    page = doc[1]
    quads = page.search_for("the residual stream carries them", quads=True)[:1]
    highlight = page.add_highlight_annot(quads=quads)
    highlight.set_info(content="key claim", title="Grace")
    highlight.set_colors(stroke=(0.6, 0.9, 0.6))
    highlight.update()
    note = doc[2].add_text_annot((300, 400), "check the figure")
    note.set_info(title="Grace")
    note.update()
    data: bytes = doc.tobytes()
    doc.close()
    return data
