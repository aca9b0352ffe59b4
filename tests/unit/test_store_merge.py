"""Merging records into a real SQLite library: never a duplicate, never a change to user data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from readerapp import Library
from readerapp.formats.daily_page import parse_daily_page
from readerapp.formats.hf_json import parse_hf_json
from readerapp.records import PaperRecord
from readerapp.sync import run_merge
from tests.conftest import FIXTURES, SAMPLE_FEED


def merge(lib: Library, records: list[PaperRecord], source: str = "test"):
    return run_merge(lib.db, lib.user_id, source, "window", lambda: records)


@pytest.fixture
def lib(tmp_path: Path, database_url: str):
    with Library.open(tmp_path / "lib", database_url=database_url) as library:
        yield library


@pytest.fixture
def day() -> list[PaperRecord]:
    return parse_hf_json(json.loads(SAMPLE_FEED.read_text("utf-8")))


def test_remerge_adds_nothing_and_keeps_user_data_when_upstream_changes(lib: Library, day) -> None:
    first = merge(lib, day)
    assert len(first.new) == 43
    paper = day[0].arxiv_id
    lib.star([paper])
    lib.set_state([paper], "reading")
    lib.tag([paper], add=["keep"])
    lib.set_note(paper, "my note")
    quote = lib.get(paper).abstract.split(". ")[0]
    lib.add_highlight(paper, quote, comment="why")

    changed = parse_hf_json(json.loads(SAMPLE_FEED.read_text("utf-8")))
    changed[0].title = "A new title upstream"
    changed[0].upvotes = 999
    second = merge(lib, changed)
    assert second.new == [] and second.updated == [paper]

    got = lib.get(paper)
    assert (got.title, got.upvotes) == ("A new title upstream", 999)
    assert (got.starred, got.state, got.tags, got.note) == (True, "reading", ["keep"], "my note")
    assert [(h.text, h.comment, h.anchored) for h in got.highlights] == [(quote, "why", True)]
    assert lib.counts()["all"] == 43


def test_paper_without_id_gains_it_and_stays_one_paper(lib: Library) -> None:
    merge(lib, [PaperRecord(source="page", title="Lottery  Tickets, Revisited", abstract="x")])
    (only,) = lib.list()
    assert only.arxiv_id is None and only.id.startswith("L")
    lib.star([only.id])
    merge(
        lib, [PaperRecord(source="hf", title="Lottery tickets revisited", arxiv_id="1803.03635", version=5)]
    )
    (paper,) = lib.list()
    assert paper.id == "1803.03635" and paper.starred
    assert lib.get(only.id).id == "1803.03635", "the old local id still finds the paper"


def test_same_title_different_arxiv_ids_are_two_papers(lib: Library) -> None:
    merge(
        lib,
        [
            PaperRecord(source="hf", title="Survey", arxiv_id="2401.00001"),
            PaperRecord(source="hf", title="Survey", arxiv_id="2401.00002"),
        ],
    )
    assert sorted(p.id for p in lib.list()) == ["2401.00001", "2401.00002"]


def test_lower_priority_source_only_fills_gaps(lib: Library) -> None:
    merge(lib, [PaperRecord(source="arxiv", title="Exact Title", arxiv_id="2401.00001", abstract="A.")])
    merge(lib, [PaperRecord(source="bibtex", title="Exact {T}itle", arxiv_id="2401.00001", doi="10.1/x")])
    paper = lib.get("2401.00001")
    assert (paper.title, paper.doi, sorted(paper.sources)) == ("Exact Title", "10.1/x", ["arxiv", "bibtex"])


def test_versions_and_ids_are_split(lib: Library) -> None:
    merge(lib, [PaperRecord(source="arxiv", title="Old style", arxiv_id="hep-th/9901001", version=2)])
    paper = lib.get("https://arxiv.org/abs/hep-th/9901001v2")
    assert (paper.id, paper.version) == ("hep-th/9901001", 2)


def test_changed_abstract_reanchors_highlights_or_flags_them(lib: Library) -> None:
    merge(
        lib, [PaperRecord(source="hf", title="T", arxiv_id="2401.00001", abstract="Alpha beta. Gamma delta.")]
    )
    lib.add_highlight("2401.00001", "Gamma delta")
    lib.add_highlight("2401.00001", "Alpha beta")
    merge(
        lib,
        [PaperRecord(source="hf", title="T", arxiv_id="2401.00001", abstract="A new intro. Gamma delta.")],
    )
    marks = {h.text: (h.start, h.anchored) for h in lib.get("2401.00001").highlights}
    assert marks == {"Gamma delta": (13, True), "Alpha beta": (0, False)}


def test_failed_produce_leaves_library_as_before_and_records_the_run(lib: Library, day) -> None:
    merge(lib, day[:5])

    def explode() -> list[PaperRecord]:
        raise ValueError("malformed feed")

    with pytest.raises(ValueError):
        run_merge(lib.db, lib.user_id, "hf", "w", explode)
    assert lib.counts()["all"] == 5
    from sqlalchemy import select

    from readerapp.store.models import SyncRun

    with lib.db.session() as session:
        last = session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
        assert last is not None and (last.status, last.error) == ("failed", "ValueError: malformed feed")


# -- merges only ever add knowledge (issue 11) -----------------------------------------------------------

ZOTERO_BIB = """@article{zhang2024dynamic,
  title    = {A Study of Sparse Fine-Tuning},
  author   = {Zhang, Yuxin and Zhao, Lirui and Lin, Mingbao and Sun, Yunyun and Ji, Rongrong},
  journal  = {Journal of Sparse Models},
  year     = {2024},
  abstract = {We study sparse fine-tuning at length. This abstract is the whole one, as the publisher
              gives it: two sentences, the second much longer than the first one.},
}
"""
SCHOLAR_BIB = """@article{zhang2024study,
  title    = {A study of sparse fine-tuning},
  author   = {Zhang, Yuxin and Lin, Mingbao and others},
  journal  = {J. Sparse Models},
  year     = {2024},
  abstract = {We study sparse fine-tuning at length.},
}
"""


def test_a_bib_entry_with_and_others_never_cuts_the_authors_or_the_abstract(
    lib: Library, tmp_path: Path
) -> None:
    (tmp_path / "zotero.bib").write_text(ZOTERO_BIB, "utf-8")
    (tmp_path / "scholar.bib").write_text(SCHOLAR_BIB, "utf-8")
    lib.import_file(tmp_path / "zotero.bib")
    lib.import_file(tmp_path / "scholar.bib")
    (paper,) = lib.list()
    full = lib.get(paper.id)
    assert full.authors == ["Yuxin Zhang", "Lirui Zhao", "Mingbao Lin", "Yunyun Sun", "Rongrong Ji"]
    assert full.abstract.startswith("We study sparse fine-tuning at length. This abstract is the whole one")
    assert full.title == "A study of sparse fine-tuning"  # what is no worse still follows the sources' order


def test_a_list_ending_in_et_al_or_a_shorter_one_never_replaces_a_whole_one(lib: Library) -> None:
    whole = ["Ada Lovelace", "Charles Babbage", "Mary Somerville"]
    merge(lib, [PaperRecord(source="json", title="Engines", authors=whole, editors=["E. One", "E. Two"])])
    merge(lib, [PaperRecord(source="arxiv", title="Engines", authors=["Ada Lovelace", "et al."])])
    merge(lib, [PaperRecord(source="arxiv", title="Engines", authors=whole[:2], editors=["E. One"])])
    (paper,) = lib.list()
    assert (paper.authors, lib.get(paper.id).editors) == (whole, ["E. One", "E. Two"])


def test_more_of_the_same_people_or_the_whole_list_for_an_et_al_comes_from_any_source(lib: Library) -> None:
    merge(lib, [PaperRecord(source="arxiv", title="Engines", authors=["Ada Lovelace", "Charles Babbage"])])
    merge(
        lib,
        [PaperRecord(source="bibtex", title="Engines", authors=["Ada Lovelace", "Charles Babbage", "M. S."])],
    )
    merge(lib, [PaperRecord(source="hf", title="Other", authors=["Alan Turing", "et al."])])
    merge(lib, [PaperRecord(source="page", title="Other", authors=["Alan Turing", "Alonzo Church"])])
    assert {p.title: p.authors for p in lib.list()} == {
        "Engines": ["Ada Lovelace", "Charles Babbage", "M. S."],
        "Other": ["Alan Turing", "Alonzo Church"],
    }


def test_the_papers_own_newer_version_from_arxiv_may_shorten_its_abstract(lib: Library) -> None:
    merge(
        lib, [PaperRecord(source="arxiv", title="T", arxiv_id="2401.00001", version=1, abstract="Long. " * 9)]
    )
    merge(lib, [PaperRecord(source="hf", title="T", arxiv_id="2401.00001", abstract="Short.")])
    assert lib.get("2401.00001").abstract == "Long. " * 9
    merge(lib, [PaperRecord(source="arxiv", title="T", arxiv_id="2401.00001", version=2, abstract="Short.")])
    assert lib.get("2401.00001").abstract == "Short."


def test_a_full_date_is_never_replaced_by_a_year_or_a_month(lib: Library) -> None:
    day = datetime(2019, 5, 6, tzinfo=UTC)
    merge(lib, [PaperRecord(source="bibtex", title="Dated", published=day, date_precision="day")])
    merge(
        lib,
        [
            PaperRecord(
                source="bibtex",
                title="Dated",
                published=datetime(2019, 1, 1, tzinfo=UTC),
                date_precision="year",
            )
        ],
    )
    merge(
        lib,
        [
            PaperRecord(
                source="json",
                title="Dated",
                published=datetime(2019, 5, 1, tzinfo=UTC),
                date_precision="month",
            )
        ],
    )
    paper = lib.get(lib.list()[0].id)
    assert (paper.published, paper.published_text) == (day, "2019-05-06")


def test_a_more_precise_date_that_agrees_refines_a_year_from_any_source(lib: Library) -> None:
    year = datetime(2019, 1, 1, tzinfo=UTC)
    merge(lib, [PaperRecord(source="arxiv", title="A", published=year, date_precision="year")])
    merge(lib, [PaperRecord(source="arxiv", title="B", published=year, date_precision="year")])
    merge(lib, [PaperRecord(source="page", title="A", published=datetime(2019, 5, 6, tzinfo=UTC))])
    merge(lib, [PaperRecord(source="page", title="B", published=datetime(2020, 5, 6, tzinfo=UTC))])
    assert {p.title: lib.get(p.id).published_text for p in lib.list()} == {"A": "2019-05-06", "B": "2019"}


def test_keywords_are_the_union_of_every_sources(lib: Library) -> None:
    merge(lib, [PaperRecord(source="arxiv", title="K", keywords=["pruning", "Sparsity"])])
    merge(lib, [PaperRecord(source="bibtex", title="K", keywords=["sparsity", "lottery tickets"])])
    paper = lib.get(lib.list()[0].id)
    assert (paper.keywords, paper.tags) == (["pruning", "Sparsity", "lottery tickets"], [])


def test_one_batch_follows_the_same_rules(lib: Library) -> None:
    whole = PaperRecord(
        source="bibtex",
        title="Batch",
        authors=["A. A", "B. B", "C. C"],
        abstract="Whole. " * 5,
        published=datetime(2019, 5, 6, tzinfo=UTC),
        keywords=["x"],
    )
    cut = PaperRecord(
        source="bibtex",
        title="Batch",
        authors=["A. A", "others"],
        abstract="Cut.",
        published=datetime(2019, 1, 1, tzinfo=UTC),
        date_precision="year",
        keywords=["y"],
    )
    merge(lib, [whole, cut])
    paper = lib.get(lib.list()[0].id)
    assert (paper.authors, paper.abstract, paper.published_text, paper.keywords) == (
        ["A. A", "B. B", "C. C"],
        "Whole. " * 5,
        "2019-05-06",
        ["x", "y"],
    )


def test_the_pages_guessed_day_is_corrected_by_the_api_answer(lib: Library, day) -> None:
    page = (FIXTURES / "daily_page_2025-09-16.txt").read_text("utf-8")
    merge(lib, parse_daily_page(page, year=2026))  # a guess in the wrong year, as before issue 11
    assert {p.feed_day for p in lib.list()} == {date(2026, 9, 16)}
    merge(lib, day)
    assert lib.counts()["all"] == 43
    assert {p.feed_day for p in lib.list()} == {date(2025, 9, 16)}
    merge(lib, parse_daily_page(page, year=2026))  # the page again: the real day stays
    assert {p.feed_day for p in lib.list()} == {date(2025, 9, 16)}
