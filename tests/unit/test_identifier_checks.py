"""DOIs and arXiv categories are checked where feeds and files produce them (issue 12, finding 1): a
value that is not one is kept out of the record, so no exporter is ever handed it."""

from __future__ import annotations

import json

import pytest

from readerapp.formats.arxiv_atom import parse_atom
from readerapp.formats.arxiv_rss import parse_rss
from readerapp.formats.jsonl import parse_jsonl
from readerapp.formats.readerapp_json import paper_to_json
from readerapp.ids import clean_categories, clean_category, clean_doi
from readerapp.records import PaperRecord
from tests.unit.test_formats_arxiv_atom import entry, feed
from tests.unit.test_formats_arxiv_rss import item, listing

INJECTED_DOI = '10.4/"...}, title = {PWNED}, x = {'
SCRIPT_DOI = '10.4/"><script>alert(1)</script>'
LINK_DOI = "10.3/z> [evil](javascript:alert(1)) <"


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("10.1145/2746539.2746580", "10.1145/2746539.2746580"),
        ("https://doi.org/10.1000/xyz.1", "10.1000/xyz.1"),
        ("doi: 10.1016/S0550-3213(99)00234-5", "10.1016/S0550-3213(99)00234-5"),
        (" 10.48550/arXiv.1803.03635 ", "10.48550/arXiv.1803.03635"),
        (INJECTED_DOI, None),
        (SCRIPT_DOI, None),
        (LINK_DOI, None),
        ("10.1000/a\nb", None),
        ("10.1000/a\x1b]0;pwned\x07", None),
        ("10.1000/a\u2028b", None),
        ("10.1000/", None),
        ("11.1000/x", None),
        ("", None),
        (None, None),
    ],
)
def test_a_doi_is_10_dot_registrant_slash_then_no_whitespace_or_controls(
    text: str | None, doi: str | None
) -> None:
    assert clean_doi(text) == doi


def test_categories_are_arxiv_shaped_and_the_rest_dropped() -> None:
    assert clean_categories(["cs.LG", "hep-th", "cond-mat.stat-mech", "q-bio.NC", "cs.LG"]) == [
        "cs.LG", "hep-th", "cond-mat.stat-mech", "q-bio.NC",
    ]  # fmt: skip
    hostile = ["cs.LG}, title = {x", "CS.LG", "cs LG", "cs.LG\n", "", None, "a.b.c"]
    assert clean_categories(hostile) == ["cs.LG"]
    assert clean_category("cs.AI, x = {") is None and clean_category(" math.CO ") == "math.CO"


def test_atom_entry_with_an_injected_doi_and_category_keeps_neither() -> None:
    extra = (
        f"<arxiv:doi>{INJECTED_DOI}</arxiv:doi>"
        '<arxiv:primary_category term="cs.LG}, title = {PWNED}, x = {"/>'
        '<category term="cs.LG}, title = {PWNED}"/><category term="cs.AI"/>'
    )
    (record,) = parse_atom(feed(entry(extra=extra))).records
    assert record.doi is None and record.primary_category is None and record.categories == ["cs.AI"]


def test_rss_item_with_a_script_doi_keeps_no_doi() -> None:
    extra = (
        "<guid>oai:arXiv.org:2509.12001v1</guid>"
        f"<arxiv:DOI>{SCRIPT_DOI.replace('<', '&lt;').replace('>', '&gt;')}</arxiv:DOI>"
        "<category>cs.LG</category><category>cs.LG&gt; [x](javascript:1)</category>"
    )
    (record,) = parse_rss(listing(item(extra=extra)))
    assert record.doi is None and record.categories == ["cs.LG"]


def test_json_lines_with_a_newline_in_the_doi_keep_no_doi() -> None:
    paper = paper_to_json(PaperRecord(source="arxiv", title="T", arxiv_id="2401.00001"))
    paper.update(doi="10.1000/x\n}, title = {PWNED", categories=["cs.LG", "cs.LG}"])
    paper["primary_category"] = LINK_DOI
    (record,) = parse_jsonl(json.dumps(paper) + "\n")
    assert record.doi is None and record.categories == ["cs.LG"] and record.primary_category is None
