"""Highlights and notes on PDF pages (issue 16): one annotation model with the abstract's highlights,
found by exact text, searchable with ``note:``, listed by ``show --json``, edited and undone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from pdf_annotation_support import QUOTE, library_with_pdf, text_under

from readerapp import Library
from readerapp.cli import main
from readerapp.errors import ReaderappError
from readerapp.store.database import _alembic_config
from tests.conftest import SAMPLE_FEED


@pytest.fixture
def lib_and_id(tmp_path: Path) -> Iterator[tuple[Library, str]]:
    library, paper_id = library_with_pdf(tmp_path)
    with library:
        yield library, paper_id


def test_cli_highlights_an_exact_text_and_show_json_lists_it(
    lib_and_id: tuple[Library, str], capsys: pytest.CaptureFixture[str]
) -> None:
    library, paper_id = lib_and_id
    lib = ["--library", str(library.path)]
    assert main([*lib, "pdf", "highlight", paper_id, "--page", "2", "--text", QUOTE,
                 "--comment", "the heads result", "--color", "green"]) == 0  # fmt: skip
    assert "highlighted on page 2" in capsys.readouterr().out
    assert main([*lib, "show", paper_id, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    (mark,) = shown["pdf_highlights"]
    assert (mark["page"], mark["text"], mark["comment"], mark["color"], mark["author"]) == (
        2, QUOTE, "the heads result", "green", library.user_name)  # fmt: skip
    assert shown["highlights"] == []  # the abstract's highlights stay apart
    pdf = library.pdf_file(paper_id)
    assert pdf is not None and QUOTE in text_under(pdf, 2, mark["quads"])
    assert main([*lib, "show", paper_id]) == 0
    assert f"p. 2: > {QUOTE}" in capsys.readouterr().out


def test_a_text_over_a_line_break_gets_a_quad_per_line(lib_and_id: tuple[Library, str]) -> None:
    library, paper_id = lib_and_id
    across = "find that a few heads do most of the work in every layer. Attention layers mix tokens"
    library.add_pdf_highlight(paper_id, 1, across)
    (mark,) = library.pdf_highlights(paper_id)
    pdf = library.pdf_file(paper_id)
    assert pdf is not None and len(mark.quads) >= 2
    assert across in text_under(pdf, 1, [list(q) for q in mark.quads])


def test_note_search_finds_pdf_highlight_text_and_comment(lib_and_id: tuple[Library, str]) -> None:
    library, paper_id = lib_and_id
    library.add_pdf_highlight(paper_id, 1, "residual stream", comment="wombatology")
    assert [h.id for h in library.search("note:wombatology")] == [paper_id]
    assert paper_id in [h.id for h in library.search('note:"residual stream"')]


def test_edit_delete_and_undo_keep_page_and_quads(lib_and_id: tuple[Library, str]) -> None:
    library, paper_id = lib_and_id
    added = library.add_pdf_highlight(paper_id, 3, QUOTE)
    (mark,) = library.pdf_highlights(paper_id)
    library.undo(library.edit_highlight(mark.id, color="pink", comment="later"))
    assert (library.pdf_highlights(paper_id)[0].color, library.pdf_highlights(paper_id)[0].comment) == (
        "yellow", None)  # fmt: skip
    redo = library.undo(library.delete_highlight(mark.id))
    assert library.pdf_highlights(paper_id) == [mark]  # back with its id, page and quads
    library.undo(redo)  # deleted again
    assert library.pdf_highlights(paper_id) == []
    library.undo(added)
    assert library.pdf_highlights(paper_id) == []


def test_a_note_pinned_to_a_point(lib_and_id: tuple[Library, str]) -> None:
    library, paper_id = lib_and_id
    library.add_pdf_highlight(paper_id, 2, kind="note", quads=[[100, 200] * 4], comment="see eq. 3")
    (note,) = library.pdf_highlights(paper_id)
    assert (note.kind, note.page, note.comment, note.quads) == ("note", 2, "see eq. 3", ((100.0, 200.0) * 4,))


def test_abstract_highlights_keep_working_beside_pdf_ones(lib_and_id: tuple[Library, str]) -> None:
    library, paper_id = lib_and_id
    quote = library.get(paper_id).abstract[:25]
    library.add_highlight(paper_id, quote)
    library.add_pdf_highlight(paper_id, 1, QUOTE)
    paper = library.get(paper_id)
    assert [(h.field, h.page) for h in paper.highlights if not h.on_pdf] == [("abstract", None)]
    assert [h.text for h in paper.pdf_highlights] == [QUOTE]
    assert [h["text"] for h in paper.detail_dict()["highlights"]] == [quote]


@pytest.mark.parametrize(
    ("page", "text", "color", "message"),
    [
        (1, "no such words anywhere", None, "is not on page 1"),
        (9, QUOTE, None, "has no page 9"),
        (1, QUOTE, "mauve", "unknown colour 'mauve'"),
        (1, "   ", None, "empty"),
    ],
)
def test_bad_highlights_are_refused_in_one_line(
    lib_and_id: tuple[Library, str], page: int, text: str, color: str | None, message: str
) -> None:
    library, paper_id = lib_and_id
    with pytest.raises(ReaderappError, match=message):
        library.add_pdf_highlight(paper_id, page, text, color=color)
    assert library.pdf_highlights(paper_id) == []


def test_a_paper_without_a_pdf_says_how_to_get_one(lib_and_id: tuple[Library, str]) -> None:
    library, _paper_id = lib_and_id
    other = library.list_ids()[1]
    with pytest.raises(ReaderappError, match=f"readerapp pdf fetch {other}"):
        library.add_pdf_highlight(other, 1, QUOTE)


def test_a_0007_library_keeps_its_highlights_and_gains_pdf_annotations(
    tmp_path: Path, database_url: str
) -> None:
    """Revision 0008 adds the PDF annotation columns to a library with abstract highlights, on SQLite
    and PostgreSQL."""
    folder = tmp_path / "lib"
    with Library.open(folder, database_url=database_url) as library:
        library.import_file(SAMPLE_FEED)
        paper_id = library.list_ids()[0]
        quote = library.get(paper_id).abstract[:30]
        library.add_highlight(paper_id, quote, comment="kept")
        engine = library.db.engine
        with engine.begin() as conn:
            command.downgrade(_alembic_config(engine, conn), "0007")
    with Library.open(folder, database_url=database_url) as library:
        (mark,) = library.get(paper_id).highlights
        assert (mark.field, mark.text, mark.comment, mark.kind, mark.page, mark.imported) == (
            "abstract", quote, "kept", "highlight", None, False)  # fmt: skip
        assert [h.id for h in library.search("note:kept")] == [paper_id]
        library.add_pdf_highlight(paper_id, 2, kind="note", quads=[[1.0] * 8], comment="on page two")
        assert [(h.page, h.kind) for h in library.pdf_highlights(paper_id)] == [(2, "note")]
