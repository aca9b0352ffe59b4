"""Each single-file format is read back by an independent parser, hostile text intact."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import markdown
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from readerapp.api import Library
from readerapp.export.scope import Scope
from tests.unit.export_fixtures import (
    HOSTILE_ABSTRACT,
    HOSTILE_AUTHORS,
    HOSTILE_COMMENT,
    HOSTILE_NOTE,
    HOSTILE_QUOTE,
    HOSTILE_TITLE,
    seeded,
)

__all__ = ["seeded"]


class _Page(HTMLParser):
    """Every start tag with its attributes, and the text as a reader sees it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def joined(self) -> str:
        return " ".join(" ".join(self.text).split())


def _page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _flat(text: str) -> str:
    return " ".join(text.split())


def _export(library: Library, tmp_path: Path, fmt: str, scope: Scope | None = None) -> str:
    out = tmp_path / f"out.{fmt}"
    library.export(scope or Scope.all(), fmt, out)
    return out.read_text(encoding="utf-8")


def test_markdown_renders_feed_text_as_written_in_collection_order(seeded: Library, tmp_path: Path) -> None:
    text = _export(seeded, tmp_path, "markdown", Scope.of("collection", "Reading group"))
    assert text.index("Braces") < text.index("Lottery Ticket")  # collection order, not feed order
    page = _page(markdown.markdown(text))
    assert _flat(HOSTILE_TITLE) in page.joined
    assert ", ".join(HOSTILE_AUTHORS) in page.joined
    assert _flat(HOSTILE_QUOTE) in page.joined
    assert [tag for tag, _ in page.tags if tag == "script"] == ["script"]  # only the user's own note's
    assert HOSTILE_NOTE in text and HOSTILE_COMMENT in text  # the user's Markdown, kept as written
    quotes = re.findall(r"^> (.*)$", text, re.MULTILINE)
    assert len(quotes) == 2
    assert "[Code](<https://github.com/google-research/lottery-ticket-hypothesis>)" in text
    assert text.count("javascript:") == 1  # in the escaped title only: a feed's link never becomes one


def test_html_is_self_contained_and_escapes_everything(seeded: Library, tmp_path: Path) -> None:
    page = _page(_export(seeded, tmp_path, "html"))
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "link" not in names and "img" not in names and "iframe" not in names
    assert not [attrs for _, attrs in page.tags if "src" in attrs or any(k.startswith("on") for k in attrs)]
    hrefs = [attrs["href"] or "" for tag, attrs in page.tags if tag == "a" and "href" in attrs]
    assert hrefs and all(h.startswith(("https://", "http://", "mailto:")) for h in hrefs)
    assert _flat(HOSTILE_TITLE) in page.joined
    assert "<script>alert('x')</script>" in page.joined  # the note's HTML shows as text
    assert _flat(HOSTILE_COMMENT) in page.joined and ", ".join(HOSTILE_AUTHORS) in page.joined
    assert "Content-Security-Policy" in str(page.tags)


def test_bibtex_reads_back_with_arxiv_fields_unique_keys_and_escaped_latex(
    seeded: Library, tmp_path: Path
) -> None:
    text = _export(seeded, tmp_path, "bibtex")
    for block in re.split(r"\n(?=@)", text.strip()):
        assert block.count("{") == block.count("}")  # BibTeX counts braces even after a backslash
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    entries = {e.key: e for e in library.entries}
    assert len(entries) == 4
    lottery = entries["frankle2018lottery"]
    assert lottery["eprint"] == "1803.03635" and lottery["archivePrefix"] == "arXiv"
    assert lottery["primaryClass"] == "cs.LG"
    assert lottery["doi"] == "10.48550/arXiv.1803.03635"
    assert lottery["url"] == "https://arxiv.org/abs/1803.03635"
    assert lottery["keywords"] == "pruning, reading group"
    assert lottery["author"] == "Frankle, Jonathan and Carbin, Michael"
    assert "frankle2018lotteryb" in entries  # same author, year and first word: still unique
    hostile = entries["anon2024braces"]  # no Latin letters in the first author's name
    # a stray brace is written as \\textbraceleft{}, which pylatexenc reads as nothing
    assert hostile["title"].replace("ˆ", "^") == _flat(HOSTILE_TITLE).replace("{ with", " with")
    paragraphs = "\n\n".join(_flat(part) for part in HOSTILE_ABSTRACT.split("\n\n"))
    assert hostile["abstract"].replace("ˆ", "^") == paragraphs  # paragraphs kept
    assert "张伟" in hostile["author"] and "Álvarez-Núñez, José" in hostile["author"]
    assert "van Beethoven, Ludwig" in hostile["author"]
    journal = next(e for e in library.entries if "eprint" not in e.fields_dict)
    assert journal["doi"] == "10.1000/xyz_1" and journal.key == "hopper1952journal"


def test_csl_json_has_split_names_and_only_csl_variables(seeded: Library, tmp_path: Path) -> None:
    items = json.loads(_export(seeded, tmp_path, "csl-json"))
    variables = {
        "id", "type", "title", "author", "issued", "publisher", "number", "genre", "DOI", "URL",
        "abstract", "keyword", "note",
    }  # fmt: skip
    assert isinstance(items, list) and len({item["id"] for item in items}) == len(items) == 4
    for item in items:
        assert set(item) <= variables and item["type"] == "article"
        assert all(isinstance(item[k], str) for k in item if k not in ("author", "issued"))
        for name in item.get("author", []):
            assert set(name) <= {"family", "given"} and all(isinstance(v, str) and v for v in name.values())
        parts = item["issued"]["date-parts"]
        assert len(parts) == 1 and all(isinstance(n, int) for n in parts[0])
    hostile = next(item for item in items if item.get("number") == "arXiv:2401.00001")
    assert hostile["title"] == HOSTILE_TITLE
    assert hostile["author"][0] == {"family": "张伟"}
    assert hostile["author"][1] == {"family": "Álvarez-Núñez", "given": "José"}
    assert hostile["author"][2] == {"family": "van Beethoven", "given": "Ludwig"}
    assert hostile["note"] == HOSTILE_NOTE.strip() and hostile["DOI"] == "10.48550/arXiv.2401.00001"
    assert hostile["issued"] == {"date-parts": [[2024, 1, 1]]}


def test_ris_reads_back_record_by_record(seeded: Library, tmp_path: Path) -> None:
    entries = rispy.loads(_export(seeded, tmp_path, "ris"))
    assert len(entries) == 4 and {e["type_of_reference"] for e in entries} == {"UNPB"}
    hostile = next(e for e in entries if e.get("accession_number") == "arXiv:2401.00001")
    assert hostile["title"] == _flat(HOSTILE_TITLE)
    assert hostile["authors"][:3] == ["张伟", "Álvarez-Núñez, José", "van Beethoven, Ludwig"]
    assert hostile["keywords"] == ["a&b", "reading group"]
    assert hostile["doi"] == "10.48550/arXiv.2401.00001"
    assert hostile["urls"] == ["https://arxiv.org/abs/2401.00001"]
    assert hostile["notes"][0] == _flat(HOSTILE_NOTE.split("\n\n")[0])
