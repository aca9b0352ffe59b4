"""``readerapp sync`` and ``readerapp import`` name every item they left out, and merge the rest."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.e2e.cli_support import run_cli
from tests.unit.feeds_support import hf_items, paged_handler


def test_sync_prints_a_line_per_skipped_item_and_counts_them(httpserver: HTTPServer, tmp_path: Path) -> None:
    items = hf_items(4)
    items[1]["paper"]["title"] = items[1]["title"] = "Lone \ud800 surrogate"
    del items[2]["paper"]["title"], items[2]["title"]
    httpserver.expect_request("/api/daily_papers").respond_with_handler(paged_handler(items))

    url = httpserver.url_for("/").rstrip("/")
    result = run_cli(tmp_path / "lib", "--hf-url", url, "sync", "--date", "2025-09-16")

    assert result.stdout.strip() == "hf date=2025-09-16: 4 fetched, 3 new, 0 updated, 1 skipped"
    assert result.stderr.strip() == "skipped 2509.00002: 'title' is missing"


def test_import_keeps_the_good_lines_of_a_file_and_names_the_bad_ones(tmp_path: Path) -> None:
    good = [json.dumps(item) for item in hf_items(2)]
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join([good[0], "{oops", good[1], '{"paper": {"id": "x\\u0000"}}']) + "\n", "utf-8")

    result = run_cli(tmp_path / "lib", "import", str(path))

    assert result.stdout.strip() == f"{path}: 4 read, 2 new, 0 updated, 2 skipped"
    assert result.stderr.splitlines() == [
        "skipped line 2: not valid JSON (Expecting property name enclosed in double quotes, column 2)",
        "skipped line 4: 'title' is missing",
    ]
