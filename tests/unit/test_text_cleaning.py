"""The one cleaning every stored text goes through: what it removes, what it keeps, and where it cuts."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from readerapp.cleaning import clean_record
from readerapp.records import LibraryFields, PaperRecord
from readerapp.text import cap_text, clean_text, is_clean, size_label


def test_controls_nul_and_lone_surrogates() -> None:
    assert clean_text("a\u0000b\x1b[31mc\x7fd\x9be") == "ab[31mcde"
    assert clean_text("keep\ttabs\nand newlines") == "keep\ttabs\nand newlines"
    assert clean_text("CR LF\r\nCR\rVT\x0bFF\x0c.") == "CR LF\nCR\nVT\nFF\n."
    assert clean_text("lone \ud800 and \udfff") == "lone \ufffd and \ufffd"
    assert clean_text("a pair \ud83d\ude00 is one character") == "a pair \U0001f600 is one character"
    assert clean_text("Ångström, 量子, 😀") == "Ångström, 量子, 😀"  # nothing to do: the same object
    text = "plain"
    assert clean_text(text) is text


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_cleaned_text_is_storable_everywhere_and_stays_clean(text: str) -> None:
    cleaned = clean_text(text)
    cleaned.encode("utf-8")  # no lone surrogate left: SQLite and PostgreSQL take it
    assert "\x00" not in cleaned
    assert all(c in "\t\n" or unicodedata.category(c) != "Cc" for c in cleaned)
    assert is_clean(cleaned) and clean_text(cleaned) == cleaned


def test_caps_cut_at_a_character_boundary_and_say_so() -> None:
    assert cap_text("short", 1024, "title") == "short"
    cut = cap_text("é" * 1000, 1024, "title")  # 2,000 bytes: the cut falls inside no character
    assert cut == "é" * 512 + " [... cut: 1 KB title, first 1 KB kept]"
    huge = cap_text("x" * (10 * 1024 * 1024), 64 * 1024, "abstract")
    assert huge == "x" * 65536 + " [... cut: 10 MB abstract, first 64 KB kept]"
    assert [size_label(n) for n in (900, 1536, 3 * 1024 * 1024)] == ["900 bytes", "1 KB", "3 MB"]


def test_every_text_of_a_record_is_cleaned_and_capped() -> None:
    record = PaperRecord(
        source="hf",
        title="A\x1b]0;x\x07 title",
        abstract="a" * 70_000,
        authors=["Ann\u0000 Bee", "b" * 2000],
        venue="Proc.\ud800",
        keywords=["fine"],
        library=LibraryFields(local_id="L\u0000x", pdf_path="papers/\x1bx.pdf"),
    )
    clean_record(record)
    assert record.title == "A]0;x title"
    assert record.abstract is not None
    assert record.abstract.endswith("[... cut: 68 KB abstract, first 64 KB kept]")
    assert record.authors == ["Ann Bee", "b" * 1024 + " [... cut: 1 KB author name, first 1 KB kept]"]
    assert (record.venue, record.keywords) == ("Proc.\ufffd", ["fine"])
    assert record.library is not None
    assert (record.library.local_id, record.library.pdf_path) == ("Lx", "papers/x.pdf")
