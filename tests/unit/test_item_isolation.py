"""One bad item never sinks a batch (issue 12, finding 3), on SQLite and PostgreSQL alike: text is
cleaned once on its way in, an item a parser cannot read is skipped and named, an item the database
refuses is rolled back alone, and the rest of the day or file is merged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select

from readerapp import Library
from readerapp.feeds.result import FetchResult
from readerapp.records import PaperRecord, Skipped
from readerapp.store.models import Paper, SyncRun
from readerapp.store.upsert import upsert_records
from readerapp.sync import run_merge
from tests.unit.feeds_support import atom_feed, hf_items, loopback_library, paged_handler

DAY = date(2025, 9, 16)


@pytest.fixture
def lib(httpserver: HTTPServer, tmp_path: Path, database_url: str) -> Iterator[Library]:
    with loopback_library(httpserver, tmp_path / "lib", database_url) as library:
        yield library


def test_a_lone_surrogate_and_nul_in_one_item_no_longer_sink_the_day(lib: Library, httpserver) -> None:
    items = hf_items(6)
    items[1]["paper"]["title"] = items[1]["title"] = "Broken \ud800 title"
    items[2]["paper"]["summary"] = "Nul \u0000 here, an escape \x1b]0;owned\x07 there.\r\nNext\tline."
    items[3]["paper"]["authors"] = [{"name": "Ann\u0000 Bee"}, {"name": "Cy \ud83d\ude00 Dee"}]
    del items[4]["paper"]["title"], items[4]["title"]  # missing fields: this one cannot be read
    items[5]["paper"]["upvotes"] = 1e20  # read, but no database stores it in an integer column
    httpserver.expect_request("/api/daily_papers").respond_with_handler(paged_handler(items))

    report = lib.sync("hf", date=DAY)

    assert report.ok and sorted(report.new) == ["2509.00000", "2509.00001", "2509.00002", "2509.00003"]
    assert [s.where for s in report.skipped] == ["2509.00004", "2509.00005"]
    assert report.skipped[0].reason == "'title' is missing"
    assert report.skipped[1].reason.startswith("the database refused it: ")
    assert report.summary().endswith("6 fetched, 4 new, 0 updated, 2 skipped")
    assert report.skipped_lines()[0] == "skipped 2509.00004: 'title' is missing"
    assert lib.get("2509.00001").title == "Broken \ufffd title"
    assert lib.get("2509.00002").abstract == "Nul  here, an escape ]0;owned there. Next line."
    assert lib.get("2509.00003").authors == ["Ann Bee", "Cy \U0001f600 Dee"]
    assert lib.counts()["all"] == 4
    with lib.db.session() as session:
        run = session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).one()
        assert (run.status, run.fetched, run.new) == ("ok", 6, 4)


def test_a_bad_item_alone_on_the_last_page_of_a_day_is_skipped(lib: Library, httpserver) -> None:
    items = hf_items(51)
    del items[50]["paper"]["title"], items[50]["title"]  # page 2 (50 a page) holds only this one
    httpserver.expect_request("/api/daily_papers").respond_with_handler(paged_handler(items))
    report = lib.sync("hf", date=DAY)
    assert (len(report.new), report.skipped_lines()) == (50, ["skipped 2509.00050: 'title' is missing"])


def test_add_by_id_brings_the_readable_papers_and_names_the_unreadable_one(lib: Library, httpserver) -> None:
    answer = atom_feed(["2509.00001", "2509.00002"])
    answer = answer.replace("<published>2025-09-15T17:59:00Z", "<published>soon", 1)  # the first entry's
    httpserver.expect_request("/api/query").respond_with_data(answer, content_type="application/atom+xml")
    report = lib.add(["2509.00001", "2509.00002"])
    assert report.new == ["2509.00002"]
    assert [s.where for s in report.skipped] == ["2509.00001"]


def test_an_import_file_keeps_its_good_lines_and_names_the_bad_ones(lib: Library, tmp_path: Path) -> None:
    good = [json.dumps(item) for item in hf_items(3)]
    bad = ["{not json", json.dumps({"hello": "world"}), json.dumps({"paper": {"id": "x"}})]
    lines = [good[0], bad[0], bad[1], good[1], bad[2], good[2]]
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = lib.import_file(path)

    assert sorted(report.new) == ["2509.00000", "2509.00001", "2509.00002"]
    assert [(s.where, s.reason) for s in report.skipped] == [
        ("line 2", "not valid JSON (Expecting property name enclosed in double quotes, column 2)"),
        ("line 3", "not a paper (an HF item, an HF paper or a readerapp paper object)"),
        ("line 5", "'title' is missing"),
    ]
    assert report.fetched == 6


def test_a_line_that_is_not_utf8_is_skipped_and_the_others_keep_their_accents(
    lib: Library, tmp_path: Path
) -> None:
    items = hf_items(2)
    items[0]["paper"]["title"] = items[0]["title"] = "Zoë Ångström's naïve café"
    latin1 = b'{"paper": {"id": "2509.00009", "title": "Caf\xe9"}}'  # one line from an old tool
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps(items[0], ensure_ascii=False).encode(), latin1, json.dumps(items[1]).encode()]
    path.write_bytes(b"\n".join(lines))

    report = lib.import_file(path)

    assert report.skipped == [Skipped("line 2", "not UTF-8 (a bad byte at column 45)")]
    assert lib.get("2509.00000").title == "Zoë Ångström's naïve café"  # not read as Windows-1252
    assert sorted(report.new) == ["2509.00000", "2509.00001"]


def test_a_failed_write_rolls_back_one_paper_and_the_rest_commits_in_one_transaction(lib: Library) -> None:
    records = [PaperRecord(source="hf", title=f"Paper {n}", arxiv_id=f"2401.0000{n}") for n in range(5)]
    records[2].upvotes = 10**20

    report = run_merge(lib.db, lib.user_id, "hf", "w", lambda: FetchResult(records, "hf", "w", 1))

    assert sorted(report.new) == ["2401.00000", "2401.00001", "2401.00003", "2401.00004"]
    assert [s.where for s in report.skipped] == ["2401.00002"]
    assert lib.counts()["all"] == 4


def test_savepoints_never_commit_early_the_merge_stays_one_transaction(lib: Library) -> None:
    """A merge that fails after its batches were written leaves nothing behind (on SQLite a savepoint
    opened outside a transaction would itself commit when released)."""
    records = [PaperRecord(source="hf", title=f"Paper {n}", arxiv_id=f"2401.0000{n}") for n in range(3)]
    with pytest.raises(RuntimeError), lib.db.session() as session:
        report = upsert_records(session, records, user_id=lib.user_id)
        assert len(report.new) == 3
        raise RuntimeError("a later step of the same transaction fails")
    with lib.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Paper)) == 0


def test_a_write_error_that_is_not_one_papers_still_fails_the_whole_merge(lib: Library) -> None:
    def broken() -> FetchResult:
        raise OSError("disk gone")

    with pytest.raises(OSError):
        run_merge(lib.db, lib.user_id, "hf", "w", broken)
    assert lib.counts()["all"] == 0


def test_stored_text_is_capped_with_a_note_at_the_cut(lib: Library) -> None:
    """Finding 6: a 10 MB abstract is kept to its first 64 KB, a 5 KB title to 1 KB, and says so."""
    abstract = "word " * (2 * 1024 * 1024)  # 10 MB
    record = PaperRecord(source="hf", title="T" * 5000, abstract=abstract, arxiv_id="2401.00001")
    run_merge(lib.db, lib.user_id, "hf", "w", lambda: FetchResult([record], "hf", "w", 1))
    paper = lib.get("2401.00001")
    assert paper.abstract.endswith(" [... cut: 10 MB abstract, first 64 KB kept]")
    assert len(paper.abstract.encode()) < 64 * 1024 + 100
    assert paper.title == "T" * 1024 + " [... cut: 4 KB title, first 1 KB kept]"


def test_annotation_texts_are_cleaned_too(lib: Library, tmp_path: Path) -> None:
    from readerapp.records import Annotations, HighlightRecord

    record = PaperRecord(
        source="json",
        title="Annotated",
        abstract="Alpha beta gamma.",
        arxiv_id="2401.00009",
        annotations=Annotations(note="my\u0000 note \ud800", tags=["to\x1bread"],
                                highlights=[HighlightRecord(text="beta", comment="nul\u0000")]),
    )  # fmt: skip
    run_merge(lib.db, lib.user_id, "json", "w", lambda: FetchResult([record], "json", "w", 1))
    paper = lib.get("2401.00009")
    assert (paper.note, paper.tags, paper.highlights[0].comment) == ("my note \ufffd", ["toread"], "nul")


def test_a_record_that_is_nothing_but_control_characters_is_skipped(lib: Library) -> None:
    records = [PaperRecord(source="hf", title="\u0000\x1b", arxiv_id="2401.00001"),
               PaperRecord(source="hf", title="Fine", arxiv_id="2401.00002")]  # fmt: skip
    report = run_merge(lib.db, lib.user_id, "hf", "w", lambda: FetchResult(records, "hf", "w", 1))
    assert report.new == ["2401.00002"]
    assert report.skipped == [Skipped("2401.00001", "no title left once cleaned")]
