"""PDF file names: the template, safety on every file system, and never a path outside ``pdfs/``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readerapp.errors import ReaderappError
from readerapp.pdfs.naming import NameParts, absolute_in_library, pdf_filename, pdf_target, unique_names
from readerapp.pdfs.position import PdfPosition

WHEN = datetime(2017, 6, 12, tzinfo=UTC)


def test_the_default_template() -> None:
    parts = NameParts("1706.03762", "Attention Is All You Need", ("Ashish Vaswani", "Noam Shazeer"), WHEN)
    assert pdf_filename(parts) == "2017 Vaswani - Attention Is All You Need [1706.03762].pdf"


def test_other_templates_and_missing_parts() -> None:
    parts = NameParts("hep-th/9901001", "A: B/C?", (), None)
    assert pdf_filename(parts) == "n.d. Anonymous - A_ B_C_ [hep-th_9901001].pdf"
    many = NameParts("2509.00001", "T", ("Ada Lovelace", "Alan Turing", "Grace Hopper", "X Y"), WHEN)
    assert pdf_filename(many, "{authors} {year}") == "Lovelace, Turing, Hopper 2017.pdf"
    with pytest.raises(ReaderappError, match=r"unknown field \{venue\}"):
        pdf_filename(parts, "{venue}.pdf")
    with pytest.raises(ReaderappError, match="PDF name template"):
        pdf_filename(parts, "{title")


@given(ident=st.text(max_size=80), title=st.text(max_size=400), author=st.text(max_size=60))
def test_any_id_and_title_give_a_safe_name_inside_pdfs(ident: str, title: str, author: str) -> None:
    library = Path("/tmp/readerapp-naming-property/lib")
    name = pdf_filename(NameParts(ident, title, (author,), WHEN))
    assert name.endswith(".pdf") and len(name.encode()) <= 200
    assert not any(c in name for c in '/\\<>:"|?*\x00') and not name.startswith(".")
    assert pdf_target(library, name).parent == (library / "pdfs").resolve()


def test_a_taken_name_gets_the_id_then_a_number_and_stays_short() -> None:
    names = unique_names("Introduction.pdf", "hep-th/9901001")
    assert [next(names) for _ in range(3)] == [
        "Introduction.pdf",
        "Introduction [hep-th_9901001].pdf",
        "Introduction [hep-th_9901001] (2).pdf",
    ]
    assert len(list(names)) == 97  # then up to (99): a clear error after that, never an overwrite
    default = pdf_filename(NameParts("1706.03762", "Attention", ("Ashish Vaswani",), WHEN))
    assert list(unique_names(default, "1706.03762"))[:2] == [default, default.replace("].pdf", "] (2).pdf")]
    long = pdf_filename(NameParts("1", "é" * 300, (), WHEN), "{title}")
    tail = list(unique_names(long, "2509.00001"))[1:]
    assert all(len(name.encode()) <= 180 for name in tail)
    assert tail[0].endswith("é [2509.00001].pdf") and tail[-1].endswith("é [2509.00001] (99).pdf")


def test_paths_outside_pdfs_are_refused(tmp_path: Path) -> None:
    for bad in ("../x.pdf", "sub/x.pdf", "x.txt"):
        with pytest.raises(ReaderappError, match="outside the library"):
            pdf_target(tmp_path, bad)
    with pytest.raises(ReaderappError, match="outside the library's pdfs folder"):
        absolute_in_library(tmp_path, "../../etc/passwd")
    assert absolute_in_library(tmp_path, "pdfs/a.pdf") == (tmp_path / "pdfs" / "a.pdf").resolve()


def test_reading_positions_are_checked() -> None:
    assert PdfPosition(3, 0.5, "1.25").fit is None and PdfPosition().fit == "width"
    for bad in ({"page": -1}, {"offset": 1.5}, {"offset": float("nan")}, {"zoom": "huge"}, {"zoom": "99"}):
        with pytest.raises(ReaderappError):
            PdfPosition(**bad)  # type: ignore[arg-type]
