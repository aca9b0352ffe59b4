"""Every importer fuzzed through ``Library.import_file``: random bytes, random JSON shaped like each
JSON format we read (HF items and papers, JSON Lines, our own export), random Atom and RSS trees.
Each example ends in a clean import or a one-line FeedError, and the library stays consistent: a
refused file adds nothing, an accepted one adds exactly the papers it reports, and doctor passes.

tests/unit/test_formats_properties.py fuzzes the parsers alone with bytes and damaged fixtures; these
shapes go deeper (the right keys with wrong values) and through the store.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readerapp.api import Library
from readerapp.errors import FeedError

FUZZ = settings(max_examples=60, deadline=None)

# --- JSON ------------------------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
ids = st.sampled_from(["2509.12201", "2401.00001v2", "hep-th/9901001", "../../etc", "", "2509.1"]) | st.text(
    max_size=12
)
dates = st.sampled_from(["2025-09-16T00:00:00.000Z", "2025-09-16", "not a date", "9999-99-99", ""]) | scalars
texts = st.text(max_size=60) | st.sampled_from(
    ["<script>alert(1)</script>", "  spaced\n  title ", "\x00\x1f"]
)


def _maybe(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return strategy | json_values


authors = st.lists(
    st.fixed_dictionaries(
        {}, optional={"name": _maybe(texts), "_id": _maybe(texts), "hidden": _maybe(st.booleans())}
    ),
    max_size=3,
)
hf_papers = st.fixed_dictionaries(
    {"id": _maybe(ids), "title": _maybe(texts)},
    optional={
        "summary": _maybe(texts),
        "authors": _maybe(authors),
        "publishedAt": dates,
        "upvotes": _maybe(st.integers() | st.floats(allow_nan=False)),
        "submittedOnDailyAt": dates,
        "githubRepo": _maybe(texts),
        "ai_keywords": _maybe(st.lists(texts, max_size=3)),
        "discussionId": _maybe(texts),
    },
)
good_ids = st.from_regex(r"\A2[0-5](0[1-9]|1[0-2])\.[0-9]{5}\Z")
good_titles = st.text(min_size=1, max_size=40).filter(lambda t: any(c.isalpha() for c in t))
# Papers that must import (the fuzzed extras above may rightly refuse a file).
good_papers = st.fixed_dictionaries(
    {"id": good_ids, "title": good_titles}, optional={"summary": texts, "upvotes": st.integers(0, 10_000)}
)
hf_items = st.fixed_dictionaries(
    {"paper": _maybe(hf_papers)},
    optional={
        "title": _maybe(texts),
        "publishedAt": dates,
        "numComments": _maybe(st.integers()),
        "summary": texts,
    },
)
readerapp_exports = st.fixed_dictionaries(
    {
        "format": st.just("readerapp"),
        "version": _maybe(st.just(1)),
        "papers": _maybe(st.lists(json_values, max_size=3)),
    },
    optional={
        "collections": _maybe(
            st.lists(st.fixed_dictionaries({"name": _maybe(texts), "papers": _maybe(st.lists(ids))}))
        ),
        "saved_searches": _maybe(
            st.lists(st.fixed_dictionaries({"name": _maybe(texts), "query": _maybe(texts)}))
        ),
    },
)
json_files = (
    st.lists(good_papers.map(lambda p: {"paper": p}), min_size=1, max_size=4).map(json.dumps)
    | st.lists(hf_items | hf_papers | json_values, max_size=4).map(json.dumps)
    | hf_papers.map(json.dumps)
    | st.lists(hf_papers | hf_items, min_size=1, max_size=4).map(
        lambda rows: "\n".join(map(json.dumps, rows))
    )
    | readerapp_exports.map(json.dumps)
)

# --- XML -------------------------------------------------------------------------------------------

ATOM = 'xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"'
atom_children = st.sampled_from(
    [
        "id",
        "title",
        "summary",
        "published",
        "updated",
        "author",
        "link",
        "category",
        "arxiv:primary_category",
        "arxiv:comment",
        "arxiv:doi",
        "unknown",
    ]
)
rss_children = st.sampled_from(
    [
        "title",
        "link",
        "description",
        "guid",
        "category",
        "pubDate",
        "dc:creator",
        "arxiv:announce_type",
        "junk",
    ]
)
xml_texts = (
    ids
    | dates.map(str)
    | texts
    | st.sampled_from(["http://arxiv.org/abs/2509.12201v1", "oai:arXiv.org:2509.12201v1"])
)


def _element(name: str, text: str, raw: bool) -> str:
    if name == "author":
        return f"<author><name>{escape(text)}</name></author>"
    if name in ("link", "category", "arxiv:primary_category"):
        return f"<{name} href={quoteattr(text)} term={quoteattr(text)} rel='alternate' title='pdf'/>"
    return f"<{name}>{text if raw else escape(text)}</{name}>"


entries = st.tuples(
    good_ids, good_titles, st.lists(st.tuples(atom_children, xml_texts, st.booleans()), max_size=8)
).map(
    lambda e: (
        f"<entry><id>http://arxiv.org/abs/{e[0]}v1</id><title>{escape(e[1])}</title>"
        + "".join(_element(*k) for k in e[2])
        + "</entry>"
    )
)
items = st.lists(st.tuples(rss_children, xml_texts, st.booleans()), max_size=8).map(
    lambda kids: "<item>" + "".join(_element(*k) for k in kids) + "</item>"
)
atom_feeds = st.lists(entries, max_size=4).map(
    lambda es: f"<?xml version='1.0'?><feed {ATOM}>{''.join(es)}</feed>"
)
rss_feeds = st.lists(items, max_size=4).map(
    lambda its: (
        "<rss version='2.0' xmlns:dc='http://purl.org/dc/elements/1.1/' "
        "xmlns:arxiv='http://arxiv.org/schemas/atom'><channel><title>cs.LG</title>"
        + "".join(its)
        + "</channel></rss>"
    )
)

# --- the library ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = Library.open(tmp_path_factory.mktemp("fuzz") / "lib", user="fuzzer")
    yield lib
    report = lib.doctor()
    lib.close()
    assert report.consistent, report


def _import(library: Library, content: bytes) -> None:
    path = library.path / "fuzzed.dat"
    path.write_bytes(content)
    before = set(library.list_ids())
    try:
        report = library.import_file(path)
    except FeedError as error:
        assert str(error).strip() and "\n" not in str(error).strip()
        assert set(library.list_ids()) == before  # a refused file changes nothing
        return
    after = set(library.list_ids())
    assert after - before == set(report.new) and before <= after
    for ident in report.new[:3]:
        paper = library.get(ident)
        assert paper.title.strip()


@FUZZ
@given(content=st.binary(max_size=300))
def test_random_bytes(library: Library, content: bytes) -> None:
    _import(library, content)


@FUZZ
@given(text=json_files)
def test_random_json_shapes(library: Library, text: str) -> None:
    _import(library, text.encode())


@FUZZ
@given(text=atom_feeds | rss_feeds)
def test_random_atom_and_rss_trees(library: Library, text: str) -> None:
    _import(library, text.encode())


@settings(max_examples=10, deadline=None)
@given(papers=st.lists(good_papers, min_size=1, max_size=4))
def test_well_formed_papers_are_taken_and_the_library_stays_consistent(
    library: Library, papers: list[dict[str, object]]
) -> None:
    """Stands alone: the fuzzed files above may all be refused, these must be taken."""
    _import(library, json.dumps([{"paper": paper} for paper in papers]).encode())
    assert {paper["id"] for paper in papers} <= set(library.list_ids())
    assert library.doctor().consistent
