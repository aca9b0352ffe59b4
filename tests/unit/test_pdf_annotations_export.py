"""Exports carry PDF annotations (issue 16): Markdown, HTML and Obsidian list them with ``p. N`` (an
Obsidian link opens the vault's copy of the PDF at that page), the lossless JSON round trips them."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from pdf_annotation_support import QUOTE, library_with_pdf

from readerapp import Library
from readerapp.export.scope import Scope

NOTE = "compare with the baseline"


@pytest.fixture
def annotated(tmp_path: Path) -> Iterator[tuple[Library, str]]:
    library, paper_id = library_with_pdf(tmp_path)
    with library:
        library.add_pdf_highlight(paper_id, 2, QUOTE, comment="the *main* claim", color="green")
        library.add_pdf_highlight(paper_id, 3, kind="note", quads=[[80, 90] * 4], comment=NOTE)
        yield library, paper_id


def _export(library: Library, paper_id: str, fmt: str, target: Path) -> Path:
    library.export(Scope("ids", (paper_id,)), fmt, target)
    return target


NO_PANDOC = "pandoc is not installed (see .ci/apt-packages.txt)"


@pytest.mark.skipif(shutil.which("pandoc") is None, reason=NO_PANDOC)
def test_markdown_lists_pdf_highlights_with_their_page(
    annotated: tuple[Library, str], tmp_path: Path
) -> None:
    library, paper_id = annotated
    text = _export(library, paper_id, "markdown", tmp_path / "out.md").read_text("utf-8")
    assert f"> {QUOTE} (p. 2)" in text and "*Note on p. 3:*" in text
    plain = subprocess.run(["pandoc", "-f", "markdown", "-t", "plain", str(tmp_path / "out.md")],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    flat = " ".join(plain.split())
    assert f"{QUOTE} (p. 2)" in flat and "the main claim" in flat and f"Note on p. 3: {NOTE}" in flat


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_html_lists_pdf_highlights_with_their_page(annotated: tuple[Library, str], tmp_path: Path) -> None:
    library, paper_id = annotated
    parser = _Text()
    parser.feed(_export(library, paper_id, "html", tmp_path / "out.html").read_text("utf-8"))
    flat = " ".join(" ".join(parser.parts).split())
    assert f"{QUOTE} (p. 2)" in flat and f"Note on p. 3: {NOTE}" in flat


def test_obsidian_links_each_page_when_the_vault_holds_the_pdf(
    annotated: tuple[Library, str], tmp_path: Path
) -> None:
    library, paper_id = annotated
    vault = tmp_path / "vault"
    (vault / "papers").mkdir(parents=True)
    (vault / "attachments").mkdir()
    (vault / ".obsidian").mkdir()  # what makes a folder a vault
    _export(library, paper_id, "obsidian", vault / "papers")
    (note,) = (vault / "papers").glob("*.md")
    assert f"> {QUOTE} (p. 2)" in note.read_text("utf-8")  # no PDF in the vault: no link
    stored = library.pdf_file(paper_id)
    assert stored is not None
    shutil.copy(stored, vault / "attachments" / stored.name)
    _export(library, paper_id, "obsidian", vault / "papers")
    text = note.read_text("utf-8")
    link = text.split(f"> {QUOTE} ([p. 2](", 1)[1].split(")", 1)[0]
    target, page = unquote(link).rsplit("#page=", 1)
    assert page == "2" and (note.parent / target).resolve() == (vault / "attachments" / stored.name).resolve()
    assert "*Note on [p. 3](" in text


def test_lossless_json_round_trips_pdf_annotations(annotated: tuple[Library, str], tmp_path: Path) -> None:
    library, paper_id = annotated
    before = library.pdf_highlights(paper_id)
    out = _export(library, paper_id, "json", tmp_path / "out.json")
    with Library.open(tmp_path / "other") as other:
        other.import_file(out)
        after = other.pdf_highlights(paper_id)
        other.import_file(out)  # a second import adds nothing
        assert other.pdf_highlights(paper_id) == after
    keep = ("page", "kind", "quads", "text", "comment", "color", "author", "imported", "created")
    assert [[getattr(h, k) for k in keep] for h in after] == [[getattr(h, k) for k in keep] for h in before]
