"""The same papers arriving as a copied page (no ids), HF JSON, arXiv Atom and BibTeX are one paper
each, carrying the arXiv id; re-importing any file adds nothing."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

from readerapp import Library
from tests.conftest import SAMPLE_FEED

ITEMS = json.loads(SAMPLE_FEED.read_text("utf-8"))


def page_text(items: list[dict]) -> str:
    blocks = ["Daily Papers", "by AK and the research community", "Sep 16"]
    for item in items:
        blocks.append(item["paper"]["title"])
        blocks.append(item["paper"]["summary"])
    return "\n\n".join(blocks) + "\n"


def atom_feed(items: list[dict]) -> str:
    entries = []
    for item in items:
        paper = item["paper"]
        authors = "".join(f"<author><name>{escape(a['name'])}</name></author>" for a in paper["authors"])
        entries.append(
            f"<entry><id>http://arxiv.org/abs/{paper['id']}v2</id>"
            f"<updated>2024-02-01T00:00:00Z</updated><published>2024-01-01T00:00:00Z</published>"
            f"<title>{escape(paper['title'])}</title><summary>{escape(paper['summary'])}</summary>{authors}"
            f'<link href="http://arxiv.org/abs/{paper["id"]}v2" rel="alternate" type="text/html"/>'
            f'<arxiv:primary_category term="cs.LG"/><category term="cs.LG"/></entry>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
        ' xmlns:arxiv="http://arxiv.org/schemas/atom"><title>query</title><id>x</id>'
        f"<updated>2024-02-01T00:00:00Z</updated><opensearch:totalResults>{len(items)}"
        "</opensearch:totalResults><opensearch:startIndex>0</opensearch:startIndex>"
        f"{''.join(entries)}</feed>"
    )


def bibtex(items: list[dict]) -> str:
    entries = []
    for n, item in enumerate(items):
        paper = item["paper"]
        names = " and ".join(a["name"] for a in paper["authors"])
        title = paper["title"].replace("{", "").replace("}", "")
        entries.append(
            f"@article{{key{n},\n  title = {{{title}}},\n  author = {{{names}}},\n"
            f"  year = {{2024}},\n  eprint = {{{paper['id']}}},\n  archivePrefix = {{arXiv}}\n}}\n"
        )
    return "\n".join(entries)


def test_four_formats_one_paper_each(tmp_path: Path) -> None:
    chosen = ITEMS[:6]
    files = {
        "page.txt": page_text(chosen),
        "day.json": json.dumps(chosen),
        "feed.xml": atom_feed(chosen),
        "refs.bib": bibtex(chosen),
    }
    with Library.open(tmp_path / "lib") as lib:
        for name, content in files.items():
            (tmp_path / name).write_text(content, encoding="utf-8")
            lib.import_file(tmp_path / name)
            assert lib.counts()["all"] == 6, f"after {name}"
        papers = lib.list()
        assert sorted(p.id for p in papers) == sorted(i["paper"]["id"] for i in chosen)
        assert all(set(p.sources) == {"page", "hf", "arxiv", "bibtex"} for p in papers)
        for name in files:
            again = lib.import_file(tmp_path / name)
            assert again.new == [], f"re-importing {name} added papers"
        assert lib.counts()["all"] == 6
        # The most authoritative source's metadata wins: arXiv's version is kept.
        assert {p.version for p in papers} == {2}
