"""PDF annotations in the file itself (issue 16): an annotated copy other readers show, and what another
reader wrote read in once, marked as imported, on attach, fetch or ``pdf import-annotations``."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from pdf_annotation_support import QUOTE, annotated_by_another_reader, library_with_pdf, text_under
from pdfs_support import hf_item, library_with
from pytest_httpserver import HTTPServer

from readerapp.cli import main
from readerapp.errors import ReaderappError


def test_export_annotated_writes_real_highlights_that_pymupdf_reads_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library, paper_id = library_with_pdf(tmp_path)
    with library:
        library.add_pdf_highlight(paper_id, 1, QUOTE, comment="main claim", color="green")
        library.add_pdf_highlight(paper_id, 3, "The quokkasphere result holds", color="blue")
        library.add_pdf_highlight(paper_id, 2, kind="note", quads=[[80, 90] * 4], comment="compare with [3]")
        out = tmp_path / "out" / "annotated.pdf"
        command = ["--library", str(library.path), "pdf", "export-annotated", paper_id, "-o", str(out)]
        assert main(command) == 0
        assert "3 annotations" in capsys.readouterr().out
        stored = library.pdf_file(paper_id)
    found = {}
    with pymupdf.open(out) as doc:
        for number in range(doc.page_count):
            for annot in doc[number].annots():
                points = annot.vertices or []
                quads = [[v for point in points[i : i + 4] for v in point] for i in range(0, len(points), 4)]
                found[(number + 1, annot.type[1])] = (quads, annot.info["content"], annot.info["title"])
    assert set(found) == {(1, "Highlight"), (3, "Highlight"), (2, "Text")}
    assert QUOTE in text_under(out, 1, found[(1, "Highlight")][0])
    assert "The quokkasphere result holds" in text_under(out, 3, found[(3, "Highlight")][0])
    assert found[(1, "Highlight")][1:] == ("main claim", library.user_name)
    assert found[(2, "Text")][1] == "compare with [3]"
    assert stored is not None
    with pymupdf.open(stored) as original:  # the stored PDF is untouched
        assert not any(list(page.annots()) for page in original)


def test_export_annotated_refuses_to_overwrite_the_stored_pdf(tmp_path: Path) -> None:
    library, paper_id = library_with_pdf(tmp_path)
    with library:
        stored = library.pdf_file(paper_id)
        assert stored is not None
        with pytest.raises(ReaderappError, match="the stored PDF itself"):
            library.export_annotated_pdf(paper_id, stored)


def test_export_annotated_to_a_folder_it_cannot_write_is_one_line(tmp_path: Path) -> None:
    library, paper_id = library_with_pdf(tmp_path)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    with library, pytest.raises(ReaderappError, match=r"cannot write .*blocked/out\.pdf"):
        library.export_annotated_pdf(paper_id, blocked / "out.pdf")


def test_another_readers_annotations_are_read_in_once_on_attach(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library, paper_id = library_with_pdf(tmp_path, annotated_by_another_reader())
    with library:
        marks = library.pdf_highlights(paper_id)
        assert [(m.page, m.kind, m.text, m.comment, m.color, m.imported) for m in marks] == [
            (2, "highlight", "the residual stream carries them", "key claim", "green", True),
            (3, "note", "", "check the figure", "yellow", True),
        ]
        assert [h.id for h in library.search("note:figure")] == [paper_id]
        assert main(["--library", str(library.path), "pdf", "import-annotations", paper_id]) == 0
        assert "0 annotations read in" in capsys.readouterr().out
        assert library.pdf_highlights(paper_id) == marks


def test_import_annotations_reads_in_what_was_written_after_the_pdf_was_stored(tmp_path: Path) -> None:
    library, paper_id = library_with_pdf(tmp_path)
    with library:
        stored = library.pdf_file(paper_id)
        assert stored is not None
        stored.write_bytes(annotated_by_another_reader())  # annotated in another reader, in place
        added = library.import_pdf_annotations(paper_id)
        assert len(added.inverse) == 2 and added.ids == (paper_id,)
        assert library.import_pdf_annotations(paper_id).empty
        library.undo(added)
        assert library.pdf_highlights(paper_id) == []


def test_our_own_export_read_in_adds_nothing(tmp_path: Path) -> None:
    library, paper_id = library_with_pdf(tmp_path)
    with library:
        library.add_pdf_highlight(paper_id, 1, QUOTE, comment="mine")
        stored = library.pdf_file(paper_id)
        assert stored is not None
        library.export_annotated_pdf(paper_id, tmp_path / "copy.pdf")
        stored.write_bytes((tmp_path / "copy.pdf").read_bytes())
        assert library.import_pdf_annotations(paper_id).empty


def test_a_second_fetch_does_not_duplicate_imported_annotations(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    paper_id = "2509.00001"
    httpserver.expect_request(f"/pdf/{paper_id}").respond_with_data(
        annotated_by_another_reader(), content_type="application/pdf"
    )
    with library_with(tmp_path, httpserver, [hf_item(paper_id, "A paper")]) as library:
        assert not library.fetch_pdfs([paper_id]).failed
        first = library.pdf_highlights(paper_id)
        assert len(first) == 2 and all(m.imported for m in first)
        assert not library.fetch_pdfs([paper_id], force=True).failed
        assert library.pdf_highlights(paper_id) == first
