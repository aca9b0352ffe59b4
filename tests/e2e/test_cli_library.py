"""The CLI as a user runs it: import, list, show, triage, notes, highlights, doctor, errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.e2e.cli_support import ROOT, cli_json, run_cli
from tests.unit.feeds_support import hf_items, paged_handler
from tests.unit.reference_fixtures import ARTICLE, write_article

SAMPLE = ROOT / "resources" / "sample_feed.json"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    run_cli(folder, "import", str(SAMPLE))
    return folder


def test_a_new_cli_library_starts_empty(tmp_path: Path) -> None:
    assert cli_json(tmp_path / "lib", "list", "--json") == []


def test_list_and_show_json(library: Path) -> None:
    papers = cli_json(library, "list", "--json")
    assert len(papers) == 43
    assert {"id", "title", "authors", "published", "state", "starred", "tags", "code_url"} <= set(papers[0])
    assert all(isinstance(name, str) for name in papers[0]["authors"])
    one = cli_json(library, "show", papers[0]["id"], "--json")
    assert {"abstract", "note", "highlights", "pdf_path"} <= set(one)


def test_triage_tags_notes_highlights_round_trip(library: Path) -> None:
    first, second = (p["id"] for p in cli_json(library, "list", "--json", "--limit", "2"))
    run_cli(library, "state", first, second, "reading")
    run_cli(library, "star", first)
    run_cli(library, "tag", first, "+to-read", "+rl")
    run_cli(library, "tag", first, "-rl")
    run_cli(library, "note", first, "--text", "# Why\nbecause")
    quote = cli_json(library, "show", first, "--json")["abstract"][:25]
    run_cli(library, "highlight", first, "--text", quote, "--comment", "key claim", "--color", "green")
    shown = cli_json(library, "show", first, "--json")
    assert (shown["state"], shown["starred"], shown["tags"], shown["note"]) == (
        "reading",
        True,
        ["to-read"],
        "# Why\nbecause",
    )
    assert [(h["text"], h["comment"], h["color"]) for h in shown["highlights"]] == [
        (quote, "key claim", "green")
    ]
    assert [p["id"] for p in cli_json(library, "list", "--json", "--state", "reading", "--starred")] == [
        first
    ]
    assert [p["id"] for p in cli_json(library, "list", "--json", "--tag", "to-read")] == [first]
    assert run_cli(library, "doctor").stdout.strip().endswith("library is consistent")


def test_errors_are_one_clear_line_without_traceback(library: Path) -> None:
    result = run_cli(library, "show", "2401.99999", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "readerapp: error: no paper '2401.99999' in the library"
    debug = run_cli(library, "--debug", "show", "2401.99999", check=False)
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_a_truncated_file_is_refused_and_changes_nothing(library: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.json"
    cut.write_bytes(SAMPLE.read_bytes()[:5000])
    result = run_cli(library, "import", str(cut), check=False)
    assert result.returncode == 1 and "cut.json" in result.stderr
    assert len(cli_json(library, "list", "--json")) == 43


def test_sync_from_the_command_line(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/api/daily_papers").respond_with_handler(paged_handler(hf_items(60)))
    folder = tmp_path / "lib"
    result = run_cli(folder, "--hf-url", httpserver.url_for("/").rstrip("/"), "sync", "--date", "2025-09-16")
    assert "60 fetched, 60 new" in result.stdout
    assert len(cli_json(folder, "list", "--json")) == 60


def test_an_arxiv_resync_the_same_day_is_answered_from_the_cache(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    listing = (ROOT / "tests" / "fixtures" / "arxiv_rss_cs.LG.xml").read_bytes()
    httpserver.expect_request("/rss/cs.LG").respond_with_data(listing, content_type="application/rss+xml")
    folder = tmp_path / "lib"
    sync = ("--arxiv-rss-url", httpserver.url_for("/").rstrip("/"), "sync", "--source", "arxiv-rss")
    first = run_cli(folder, *sync, "--category", "cs.LG")
    again = run_cli(folder, *sync, "--category", "cs.LG")
    assert "4 fetched, 4 new" in first.stdout and "4 fetched, 0 new" in again.stdout
    assert len(httpserver.log) == 1
    run_cli(folder, *sync, "--category", "cs.LG", "--refresh")
    assert len(httpserver.log) == 2


def test_show_gives_the_full_reference(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    run_cli(folder, "import", str(write_article(tmp_path / "article.json")))
    (listed,) = cli_json(folder, "list", "--json")
    shown = cli_json(folder, "show", listed["id"], "--json")
    assert {key: shown[key] for key in ("type", "venue", "volume", "issue", "pages", "publisher", "url")} == {
        "type": "article-journal",
        "venue": ARTICLE.venue,
        "volume": "7",
        "issue": "3",
        "pages": "117–126",
        "publisher": "ACM",
        "url": ARTICLE.url,
    }
    assert (shown["keywords"], shown["editors"]) == (ARTICLE.keywords, ARTICLE.editors)
    assert (shown["date"], shown["date_precision"]) == ("2015-06", "month")
    plain = run_cli(folder, "show", listed["id"]).stdout.splitlines()
    assert plain[2] == f"{ARTICLE.venue} 7(3), pp. 117–126 · ACM · 2015-06"
    assert f"url: {ARTICLE.url}" in plain


def test_the_copied_pages_day_is_never_ahead_and_the_api_answer_corrects_it(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    run_cli(folder, "import", str(ROOT / "tests" / "fixtures" / "daily_page_2025-09-16.txt"))
    guessed = {p["feed_day"] for p in cli_json(folder, "list", "--json")}
    (day,) = guessed
    assert day.endswith("-09-16") and date.fromisoformat(day) <= date.today()
    run_cli(folder, "import", str(ROOT / "tests" / "fixtures" / "hf_daily_papers_2025-09-16.json"))
    papers = cli_json(folder, "list", "--json")
    assert len(papers) == 43 and {p["feed_day"] for p in papers} == {"2025-09-16"}


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg2://ann:secret@db.example/papers", "postgresql+psycopg2://ann:***@db.example/papers"),
        ("mysql://ann@db.example/papers", "mysql://ann@db.example/papers"),
    ],
    ids=["psycopg2", "mysql"],
)
def test_an_unsupported_database_url_is_one_line_naming_the_supported_ones(
    tmp_path: Path, url: str, shown: str
) -> None:
    result = run_cli(tmp_path / "lib", "--database-url", url, "list", check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"readerapp: error: unsupported database URL {shown}; "
        "use postgresql://USER@HOST/DATABASE (or postgresql+psycopg://...) or sqlite:///FILE"
    ], result.stderr
