"""Hostile strings through every export format, read back by the real parser of that format (issue 12,
finding 1): bibtexparser (with pylatexenc's LaTeX decoding), rispy, json, PyYAML, a CommonMark renderer
with raw HTML on (markdown-it-py) and html.parser. Whatever a feed or file put in a field comes back as
the same field with the same value (control characters removed, and whitespace folded where the format
keeps one line), and nothing becomes markup, a link, a new field or a new record."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import rispy
import yaml
from bibtexparser.middlewares import LatexDecodingMiddleware
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from readerapp.export.bundle import ExportBundle
from readerapp.export.names import split_name
from readerapp.export.obsidian import BEGIN, END
from readerapp.export.writer import render, write_export
from readerapp.ids import clean_doi
from readerapp.paper import HighlightView, Paper
from readerapp.text import strip_controls
from tests.unit.export_fixtures import make_paper

# What breaks formats: their syntax, line breaks of every kind, controls, and what looks like our markers.
FRAGMENTS = [
    "{", "}", "\\", "%", "&", "$", "#", "_", "^", "~", "@", "=", ",", '"', "'", "`", "<", ">", "[", "]",
    "(", ")", "*", "|", "!", ":", ";", "-", "--", "\n", "\r\n", "\t", "\n\n", " ", "\x00", "\x1b]0;x\x07",
    "\x1b[2J", "\x85", "\x9b", "\x7f", "\u2028", "\ufeff", "é", "张", "𝒪", " and ", "AI", "title = {x}",
    "}, title = {PWNED}, x = {", "\nER  - ", "\nTY  - JOUR", "\nN1  - ", "javascript:alert(1)",
    "<script>alert(1)</script>", "](javascript:x)", "<img src=x onerror=alert(1)>", "$\\alpha$", "$x$",
    "\n---\n", "---", ": ", "- ", "? ", "&amp;", "&#x3C;", END, BEGIN, "%%", "http://x/", "\\input{x}",
]  # fmt: skip
HOSTILE = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=12).map("".join)
WORDY = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), min_size=1, max_size=12).map(
    lambda parts: "T " + "".join(parts)
)  # always some text, as a title or name must have
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    return strip_controls(text)


def _flat(text: str) -> str:
    return " ".join(_clean(text).split())


def _paragraphs(text: str) -> str:
    parts = (" ".join(part.split()) for part in re.split(r"\n\s*\n", _clean(text)))
    return "\n\n".join(part for part in parts if part)


@st.composite
def papers(draw: st.DrawFn) -> Paper:
    return make_paper(
        id="2401.00001",
        arxiv_id=draw(st.sampled_from([None, "2401.00001"])),
        title=draw(WORDY),
        authors=draw(st.lists(WORDY, max_size=3)),
        abstract=draw(HOSTILE),
        doi="10.1234/" + draw(HOSTILE),
        primary_category=draw(HOSTILE),
        project_url="https://example.org/" + draw(HOSTILE),
        item_type=draw(st.sampled_from(["article-journal", "paper-conference", "article", "book", "<x>"])),
        venue=draw(HOSTILE),
        volume=draw(HOSTILE),
        publisher=draw(HOSTILE),
        pages=draw(HOSTILE),
        url="https://example.org/" + draw(HOSTILE),
        published=datetime(2024, 5, 17, tzinfo=UTC),
        date_precision="month",
        tags=draw(st.lists(WORDY, max_size=3, unique=True)),
        note=draw(HOSTILE),
        highlights=[
            HighlightView(
                1, "abstract", 0, 1, draw(WORDY), "green", draw(HOSTILE), datetime(2024, 1, 1), True, "a"
            )
        ],
    )


RUNS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _no_controls(text: str) -> None:
    assert not CONTROLS.search(text), "an export holds a control character"


def _decoder() -> LatexNodes2Text:
    """pylatexenc as bibtexparser decodes, plus the macros the export writes for a stray brace and ^."""
    context = get_default_latex_context_db()
    macros = [MacroTextSpec(name, simplify_repl=text) for name, text in
              (("textbraceleft", "{"), ("textbraceright", "}"), ("textasciicircum", "^"))]  # fmt: skip
    context.add_context_category("export-test", prepend=True, macros=macros)
    return LatexNodes2Text(latex_context=context, keep_braced_groups=False, math_mode="verbatim")


DECODER = _decoder()


@RUNS
@given(papers())
def test_bibtex_reads_back_one_entry_with_the_same_values(paper: Paper) -> None:
    text = render(ExportBundle("x", [paper]), "bibtex")
    _no_controls(text)
    raw = bibtexparser.parse_string(text)
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware(decoder=DECODER)])
    assert not library.failed_blocks and len(library.entries) == 1
    (entry,) = library.entries
    fields = entry.fields_dict
    assert fields["title"].value == _flat(paper.title)
    for name, value in (("abstract", paper.abstract), ("annote", paper.note)):
        assert (fields[name].value if name in fields else "") == _paragraphs(value)
    venue_field = {"article": "journal", "inproceedings": "booktitle"}.get(entry.entry_type, "series")
    for name, value in ((venue_field, paper.venue), ("volume", paper.volume), ("publisher", paper.publisher)):
        if _flat(value or "") and not (entry.entry_type == "misc" and name == "series"):
            assert fields[name].value == _flat(value or "")
    names = (
        bibtexparser.middlewares.names.split_multiple_persons_names(raw.entries[0]["author"])
        if paper.authors
        else []
    )
    assert len(names) == len(paper.authors)  # an "and" or a comma in a name never splits it
    verbatim = raw.entries[
        0
    ].fields_dict  # DOI and URL are verbatim fields: Pandoc and biblatex read them raw
    doi = verbatim["doi"].value if "doi" in verbatim else None
    assert doi in (None, clean_doi(_clean(paper.doi or "")), f"10.48550/arXiv.{paper.arxiv_id}")
    assert set(fields) <= {
        "title", "author", "journal", "booktitle", "series", "howpublished", "year", "month", "volume",
        "pages", "publisher", "eprint", "archivePrefix", "eprinttype", "primaryClass", "doi", "url",
        "abstract", "keywords", "annote",
    }  # fmt: skip


@RUNS
@given(papers())
def test_ris_reads_back_one_record_with_the_same_values(paper: Paper) -> None:
    text = render(ExportBundle("x", [paper]), "ris")
    _no_controls(text)
    (record,) = rispy.loads(text)
    assert record["title"] == _flat(paper.title)
    authors = [", ".join(p for p in split_name(_clean(a)) if p) for a in paper.authors]
    assert record.get("authors", []) == [" ".join(a.split()) for a in authors]
    if _flat(paper.venue or ""):
        assert record["secondary_title"] == _flat(paper.venue or "")
    assert record.get("abstract", "") == _flat(paper.abstract)
    assert record.get("publisher") == (_flat(paper.publisher or "") or ("arXiv" if paper.arxiv_id else None))
    note = _clean(paper.note).strip()
    expected = [" ".join(line.split()) for line in note.split("\n")] if note else []
    assert record.get("notes", []) == expected
    assert record.get("keywords", []) == [_flat(tag) for tag in paper.tags if _flat(tag)]
    for url in record.get("urls", []):
        assert ";" not in url and url.startswith("https://")


@RUNS
@given(papers())
def test_csl_json_reads_back_the_same_values(paper: Paper) -> None:
    text = render(ExportBundle("x", [paper]), "csl-json")
    _no_controls(text)
    (item,) = json.loads(text)
    assert item["title"] == _clean(paper.title)
    assert item.get("abstract", "") == _clean(paper.abstract)
    assert item.get("note", "") == _clean(paper.note).strip()
    assert item.get("container-title") == (_clean(paper.venue or "").strip() or None)
    assert item.get("DOI") in (None, clean_doi(_clean(paper.doi or "")), f"10.48550/arXiv.{paper.arxiv_id}")


@RUNS
@given(papers())
def test_obsidian_front_matter_reads_back_and_the_block_stays_one_block(paper: Paper) -> None:
    text = render(ExportBundle("x", [paper]), "obsidian")
    _no_controls(text)
    assert text.startswith("---\n")
    front = yaml.safe_load(text[4 : text.index("\n---\n")])
    assert front["title"] == _clean(paper.title) and front["authors"] == [_clean(a) for a in paper.authors]
    assert front["id"] == paper.id
    lines = text.split("\n")
    assert lines.count(END) == 1 and sum(line.startswith("%% readerapp:begin") for line in lines) == 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(papers())
def test_obsidian_reexport_of_hostile_text_is_unchanged(
    tmp_path_factory: object, paper: Paper
) -> None:
    folder = Path(tmp_path_factory.mktemp("vault"))  # type: ignore[attr-defined]
    bundle = ExportBundle("x", [paper])
    assert write_export(bundle, "obsidian", folder).created == 1
    assert write_export(bundle, "obsidian", folder).unchanged == 1
    assert len(list(folder.glob("*.md"))) == 1


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._heading: list[str] | None = None
        self.headings: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "h2":
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)


def _page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


SAFE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "article", "h1", "h2", "h3", "h4", "h5", "h6", "p",
    "a", "span", "strong", "em", "code", "pre", "blockquote", "div", "ul", "ol", "li", "br", "hr",
}  # fmt: skip


def _check_markup(page: _Page) -> None:
    """Only the markup the exporter writes: no raw HTML from a field, no script, no unsafe link."""
    for tag, attrs in page.tags:
        assert tag in SAFE_TAGS, f"raw HTML <{tag}> survived"
        assert not any(name.startswith("on") or name == "src" for name in attrs)
        if tag == "a":
            href = attrs.get("href") or ""
            assert href.startswith(("https://", "http://", "mailto:")), href


@RUNS
@given(papers())
def test_markdown_renders_feed_text_as_text_with_html_on(paper: Paper) -> None:
    # the note and the comments are the user's own Markdown, kept as written: only feed text here
    plain = make_paper(**{**_fields(paper), "highlights": [], "note": ""})
    text = render(ExportBundle("x", [plain]), "markdown")
    _no_controls(text)
    page = _page(MarkdownIt("commonmark").render(text))  # the CommonMark preset renders raw HTML
    _check_markup(page)
    assert page.headings == [f"1. {_flat(paper.title)}"]


@RUNS
@given(papers())
def test_html_escapes_every_field_and_the_notes_html(paper: Paper) -> None:
    text = render(ExportBundle("x", [paper]), "html")
    _no_controls(text)
    page = _page(text)
    _check_markup(page)
    assert page.headings == [f"1. {_clean(paper.title)}"]  # the browser folds the whitespace itself


def _fields(paper: Paper) -> dict[str, object]:
    return {name: getattr(paper, name) for name in paper.__dataclass_fields__}


def test_a_link_to_an_unsafe_target_is_text_not_a_dead_link() -> None:
    from readerapp.export.note_html import NoteRenderer

    html = NoteRenderer()("[](javascript:x) and [see](javascript:alert(1) \"t\") and [ok](https://example.org)")
    page = _page(html)
    _check_markup(page)
    assert html.count("<a ") == 1 and "see" in html and "javascript" not in html
