"""Exports that real tools render right (issue 11, build item 5): entry types and reference fields from
the paper's item type, capitals and math that survive Pandoc's citeproc, dates at their real precision,
the stored PDF, notes kept whole, headings nested, highlights in their own colour, and CSL-JSON that
validates against the CSL data schema."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import jsonschema
import markdown_it
import pytest
import rispy

from readerapp.export.bundle import ExportBundle
from readerapp.export.writer import render
from readerapp.paper import HighlightView
from tests.unit.export_fixtures import make_paper

SCHEMA = Path("/work/shared/fixtures/csl-data.schema.json")
TITLE = r"Can AI-Generated Text Be Detected? A $\mathcal{O}(n \log n)$ Approach"
NOTE = "# Summary\n\nFirst paragraph,\nwrapped.\n\nSecond paragraph.\n\n```\n# code, not a heading\n```"
COMMENT = "**Bold** idea\n\n# A point"
JOURNAL = make_paper(
    id="p-0001",
    title=TITLE,
    authors=["Vinu Sadasivan", "Soheil Feizi"],
    item_type="article-journal",
    venue="Journal of Machine Learning Research",
    volume="25",
    issue="3",
    pages="101-145",
    publisher="JMLR",
    url="https://jmlr.org/papers/v25/x.html",
    published=datetime(2024, 10, 1, tzinfo=UTC),
    date_precision="month",
    doi="10.1234/jmlr.2024.1",
    note=NOTE,
    pdf_path="/home/ann/My Library/pdfs/sadasivan2024.pdf",
    tags=["detection"],
    keywords=["LLM"],
    highlights=[
        HighlightView(
            1, "abstract", 0, 5, "Green words", "green", COMMENT, datetime(2024, 11, 1), True, "ann"
        ),
    ],
)  # fmt: skip
CONFERENCE = make_paper(
    id="p-0002",
    title="Attention Is All You Need",
    authors=["Ashish Vaswani"],
    editors=["Isabelle Guyon"],
    item_type="paper-conference",
    venue="Advances in Neural Information Processing Systems",
    pages="5998--6008",
    publisher="Curran Associates",
    published=datetime(2017, 1, 1, tzinfo=UTC),
    date_precision="year",
)
PREPRINT = make_paper(
    id="1803.03635",
    arxiv_id="1803.03635",
    title="The Lottery Ticket Hypothesis",
    authors=["Jonathan Frankle"],
    primary_category="cs.LG",
    published=datetime(2018, 3, 9, 18, 51, tzinfo=UTC),
    sources=["arxiv"],
)
BUNDLE = ExportBundle("Reading group", [JOURNAL, CONFERENCE, PREPRINT])

# A CSL style that prints the title in sentence case (as APA does) and every date part there is.
STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Title and date</title><id>readerapp-test</id>
    <updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><sort><key variable="title"/></sort><layout>
    <text variable="title" text-case="sentence" suffix=" | "/>
    <date variable="issued"><date-part name="day" suffix=" "/><date-part name="month" form="long" suffix=" "/>
      <date-part name="year"/></date>
  </layout></bibliography>
</style>
"""


def _bibtex() -> dict[str, bibtexparser.model.Entry]:
    library = bibtexparser.parse_string(render(BUNDLE, "bibtex"))
    assert not library.failed_blocks
    return {entry.key: entry for entry in library.entries}


def test_bibtex_entry_types_and_reference_fields() -> None:
    entries = _bibtex()
    journal, conference, preprint = (
        entries["sadasivan2024ai"],
        entries["vaswani2017attention"],
        entries["frankle2018lottery"],
    )
    assert (journal.entry_type, conference.entry_type, preprint.entry_type) == (
        "article",
        "inproceedings",
        "misc",
    )
    # bibtexparser hands values back without their enclosing braces (a bare macro has none)
    fields = {
        name: journal[name] for name in ("journal", "volume", "number", "pages", "publisher", "url", "file")
    }
    assert fields == {
        "journal": "Journal of Machine Learning Research",
        "volume": "25",
        "number": "3",
        "pages": "101--145",
        "publisher": "JMLR",
        "url": "https://jmlr.org/papers/v25/x.html",
        "file": "/home/ann/My Library/pdfs/sadasivan2024.pdf",
    }
    assert journal["month"] == "oct" and journal["year"] == "2024"  # a macro, not {10}
    assert re.search(r"^\s*month = oct,$", render(BUNDLE, "bibtex"), re.MULTILINE)
    assert "month" not in conference.fields_dict  # the source said only the year
    assert conference["booktitle"] == "Advances in Neural Information Processing Systems"
    assert conference["editor"] == "Guyon, Isabelle" and conference["pages"] == "5998--6008"
    assert {name: preprint[name] for name in ("eprint", "archivePrefix", "eprinttype", "primaryClass")} == {
        "eprint": "1803.03635", "archivePrefix": "arXiv", "eprinttype": "arxiv", "primaryClass": "cs.LG",
    }  # fmt: skip
    assert journal["title"] == "Can {AI}-Generated Text Be Detected? A $\\mathcal{O}(n \\log n)$ Approach"
    assert journal["annote"].count("\n\n") == 3 and "First paragraph, wrapped." in journal["annote"]
    assert journal["keywords"] == "detection, LLM"


@pytest.mark.skipif(
    shutil.which("pandoc") is None, reason="pandoc is not installed (see .ci/apt-packages.txt)"
)
@pytest.mark.parametrize("fmt", ["bibtex", "csl-json"])
def test_pandoc_citeproc_renders_capitals_math_and_month_names(fmt: str, tmp_path: Path) -> None:
    bibliography = tmp_path / ("refs.bib" if fmt == "bibtex" else "refs.json")
    bibliography.write_text(render(BUNDLE, fmt), encoding="utf-8")
    (tmp_path / "style.csl").write_text(STYLE, encoding="utf-8")
    (tmp_path / "doc.md").write_text("---\nnocite: '@*'\n---\n", encoding="utf-8")
    command = ["pandoc", "--citeproc", "--csl", "style.csl", "--bibliography", bibliography.name, "doc.md"]
    html = subprocess.run([*command, "-t", "html"], cwd=tmp_path, capture_output=True, text=True, check=True)
    text = " ".join(re.sub(r"<[^>]+>", "", html.stdout).split())
    assert "Can AI-generated text be detected?" in text  # the acronym keeps its capitals
    assert "October 2024" in text and "1 October" not in text  # a month name, and no invented day
    assert "Attention is all you need | 2017" in text  # a year stays a year
    if fmt == "bibtex":
        assert 'class="math inline"' in html.stdout and "\\mathcal" not in text and "𝒪(" in text  # typeset


def test_csl_json_carries_the_reference_and_validates_against_the_csl_schema() -> None:
    items = json.loads(render(BUNDLE, "csl-json"))
    jsonschema.validate(items, json.loads(SCHEMA.read_text(encoding="utf-8")))
    journal, conference, preprint = items
    assert journal["type"] == "article-journal" and conference["type"] == "paper-conference"
    assert preprint["type"] == "article" and preprint["number"] == "arXiv:1803.03635"
    reference = {k: journal[k] for k in ("container-title", "volume", "issue", "page", "publisher", "URL")}
    assert reference == {
        "container-title": "Journal of Machine Learning Research",
        "volume": "25",
        "issue": "3",
        "page": "101-145",
        "publisher": "JMLR",
        "URL": "https://jmlr.org/papers/v25/x.html",
    }
    assert journal["issued"] == {"date-parts": [[2024, 10]]}  # no invented day
    assert conference["issued"] == {"date-parts": [[2017]]} and preprint["issued"] == {
        "date-parts": [[2018, 3, 9]]
    }
    assert conference["editor"] == [{"family": "Guyon", "given": "Isabelle"}]


@pytest.mark.skipif(not SCHEMA.exists(), reason="the CSL schema fixture is not present")
def test_an_unknown_item_type_is_written_as_a_csl_type() -> None:
    odd = make_paper(title="Odd", item_type="jabref-special")
    items = json.loads(render(ExportBundle("x", [odd]), "csl-json"))
    jsonschema.validate(items, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert items[0]["type"] == "article"


def test_ris_types_venue_pages_pdf_and_one_note_with_its_lines() -> None:
    text = render(BUNDLE, "ris")
    journal, conference, preprint = rispy.loads(text)
    assert (journal["type_of_reference"], conference["type_of_reference"], preprint["type_of_reference"]) == (
        "JOUR", "CPAPER", "UNPB",
    )  # fmt: skip
    assert journal["journal_name"] == journal["secondary_title"] == "Journal of Machine Learning Research"
    assert (journal["volume"], journal["number"], journal["start_page"], journal["end_page"]) == (
        "25",
        "3",
        "101",
        "145",
    )
    assert journal["file_attachments1"] == "/home/ann/My Library/pdfs/sadasivan2024.pdf"
    assert journal["date"] == "2024/10//" and conference["date"] == "2017///"
    assert conference["secondary_title"] == "Advances in Neural Information Processing Systems"
    assert conference["secondary_authors"] == ["Guyon, Isabelle"]
    assert text.count("N1  - ") == 1  # one note, as Zotero reads it: its later lines continue it
    # rispy reads each continuation line as a list item; joined, they are the note's lines
    assert "\n".join(journal["notes"]) == "\n".join(line.strip() for line in NOTE.split("\n"))


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Headings()
    parser.feed(html)
    return parser.found


def test_markdown_nests_the_notes_headings_and_renders_comments_as_markdown() -> None:
    text = render(BUNDLE, "markdown")
    html = markdown_it.MarkdownIt("commonmark").render(text)
    headings = [tag for tag, _ in _tags(html) if re.fullmatch(r"h\d", tag)]
    assert headings[:3] == ["h1", "h2", "h3"]  # export, paper, the note's "# Summary" under it
    assert "h1" not in headings[1:]
    assert "### Summary" in text and "# code, not a heading" in text  # code stays code
    assert "<strong>Bold</strong> idea" in html and "### A point" in text


def test_html_nests_headings_renders_comments_and_draws_each_highlight_in_its_colour() -> None:
    html = render(BUNDLE, "html")
    tags = _tags(html)
    assert [tag for tag, _ in tags if re.fullmatch(r"h\d", tag)].count("h1") == 1  # the page's own only
    assert "<h3>Summary</h3>" in html and "<h3>A point</h3>" in html
    assert "<strong>Bold</strong> idea" in html
    (quote,) = [attrs for tag, attrs in tags if tag == "blockquote"]
    assert "#9be59b" in (quote["style"] or "")  # green, the highlight's own colour


def test_bibtex_and_ris_link_the_stored_pdf_by_its_full_path(tmp_path: Path) -> None:
    from readerapp.api import Library
    from readerapp.export.scope import Scope
    from readerapp.formats.readerapp_json import dump_readerapp_json
    from readerapp.records import LibraryFields, PaperRecord

    record = PaperRecord(
        source="arxiv", title="T", arxiv_id="2401.00001", library=LibraryFields(pdf_path="pdfs/t.pdf")
    )
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(dump_readerapp_json([record], [], [])), encoding="utf-8")
    with Library.open(tmp_path / "library") as library:
        library.import_file(seed)
        pdf = (library.path / "pdfs" / "t.pdf").as_posix()
        library.export(Scope.all(), "bibtex", tmp_path / "out.bib")
        library.export(Scope.all(), "ris", tmp_path / "out.ris")
    (entry,) = bibtexparser.parse_string((tmp_path / "out.bib").read_text(encoding="utf-8")).entries
    assert entry["file"] == pdf
    (ris,) = rispy.loads((tmp_path / "out.ris").read_text(encoding="utf-8"))
    assert ris["file_attachments1"] == pdf
