"""Properties of the escaping every format relies on: whatever a feed says comes back as written
through a parser (Python-Markdown, our BibTeX reader over bibtexparser and pylatexenc, PyYAML)."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from readerapp.export.bibtex import latex_escape
from readerapp.export.markdown import escape_md
from readerapp.export.obsidian import yaml_string
from readerapp.formats.bibtex import parse_bibtex

# Markdown's, LaTeX's and YAML's special characters, mixed with letters, spaces and other scripts.
TRICKY = st.text(st.sampled_from(list("ab {}%&$#_^~\\<>*[]()`'\"|!?-+.=:/1@,é张\t")), min_size=1, max_size=30)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _flat(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=400, deadline=None)
@given(TRICKY)
def test_markdown_escaping_renders_the_text_as_written(text: str) -> None:
    for block in (f"## {escape_md(text)}", escape_md(text), f"> {escape_md(text)}"):
        parser = _Text()
        parser.feed(markdown.markdown(block))
        assert "".join(parser.parts).strip() == _flat(text)


@settings(max_examples=400, deadline=None)
@given(TRICKY)
def test_latex_escaping_reads_back_through_our_bibtex_reader(text: str) -> None:
    assume(text.strip())  # an entry needs a title
    (record,) = parse_bibtex("@misc{k, title = {" + latex_escape(text) + "}}").records
    assert record.title == _flat(text)  # stray braces and carets included


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_yaml_strings_read_back_exactly(text: str) -> None:
    assert yaml.safe_load(f"title: {yaml_string(text)}") == {"title": text}
