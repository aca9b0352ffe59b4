"""The attacks of issue 12 (findings 1 and 7) as they were found: a DOI or category stored before the
checks existed, or text full of control characters, goes through every export without becoming a field,
a script, a link or a control sequence."""

from __future__ import annotations

import json
import re

import bibtexparser
import pytest
import rispy
from markdown_it import MarkdownIt

from readerapp.export.bundle import FORMATS, ExportBundle
from readerapp.export.writer import render
from readerapp.ids import clean_doi
from tests.unit.export_fixtures import make_paper

BIBTEX_DOI = '10.4/"...}, title = {PWNED}, x = {'
SCRIPT_DOI = '10.4/"><script>alert(1)</script>'
LINK_DOI = "10.3/z> [evil](javascript:alert(1)) <"
NEWLINE_DOI = "10.1000/x\n}, title = {PWNED"
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("doi", [BIBTEX_DOI, NEWLINE_DOI, "10.1234/a}},title={PWNED"])
def test_a_stored_hostile_doi_never_becomes_a_bibtex_field(doi: str) -> None:
    paper = make_paper(
        title="Real title", doi=doi, primary_category="cs.LG}, title = {PWNED", arxiv_id="2401.00001"
    )
    library = bibtexparser.parse_string(render(ExportBundle("x", [paper]), "bibtex"))
    assert not library.failed_blocks and len(library.entries) == 1
    (entry,) = library.entries
    assert entry["title"] == "Real title" and "PWNED" not in str(entry.fields_dict)
    # not a DOI: arXiv's own is written instead; a DOI a verbatim field cannot hold (braces): none
    expected = "10.48550/arXiv.2401.00001" if clean_doi(doi) is None else None
    assert (entry.fields_dict["doi"].value if "doi" in entry.fields_dict else None) == expected


@pytest.mark.parametrize("doi", [SCRIPT_DOI, LINK_DOI])
@pytest.mark.parametrize("fmt", ["markdown", "obsidian"])
def test_a_stored_hostile_doi_is_no_script_or_link_in_markdown(doi: str, fmt: str) -> None:
    paper = make_paper(title="Real title", doi=doi)
    html = MarkdownIt("commonmark").render(render(ExportBundle("x", [paper]), fmt))
    assert "<script" not in html and "javascript:" not in html


def test_a_newline_in_a_stored_doi_starts_no_ris_record_or_tag() -> None:
    paper = make_paper(title="Real title", doi="10.1000/x\nER  - \nTY  - JOUR\nTI  - PWNED")
    (record,) = rispy.loads(render(ExportBundle("x", [paper]), "ris"))
    assert record["title"] == "Real title" and "doi" not in record


@pytest.mark.parametrize("fmt", [fmt for fmt in FORMATS if fmt != "json"])
def test_no_export_holds_a_control_character(fmt: str) -> None:
    paper = make_paper(
        title="Evil\x1b]0;pwned\x07 title\x00",
        authors=["Ann\x1b[31m Red"],
        abstract="line\x85one\x9b31m\x7f",
        note="note\x1b[8m hidden",
        tags=["t\x07"],
        venue="Journal\x0c of X",
    )
    text = render(ExportBundle("x", [paper]), fmt)
    assert not CONTROLS.search(text) and "0;pwned title" in text


def test_the_lossless_json_keeps_the_text_exact_with_its_controls_escaped() -> None:
    from readerapp.export.jsontext import json_text

    text = json_text([{"title": "Evil\x1b]0;pwned\x07 \x9b31m\x7f \x00"}])
    assert (
        not CONTROLS.search(text) and json.loads(text)[0]["title"] == "Evil\x1b]0;pwned\x07 \x9b31m\x7f \x00"
    )
