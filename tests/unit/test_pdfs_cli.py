"""``readerapp pdf fetch`` and ``show --json`` as a user runs them (in-process, loopback PDFs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from feeds_support import base_url
from pdfs_support import hf_item, library_with
from pytest_httpserver import HTTPServer

from readerapp.cli import main
from tests.pdfs_samples import make_pdf

IDS = ("2509.00001", "2509.00002")


@pytest.fixture
def lib_dir(tmp_path: Path, httpserver: HTTPServer) -> Path:
    with library_with(tmp_path, httpserver, [hf_item(i, f"Paper {i}") for i in IDS]) as library:
        library.set_state([IDS[1]], "reading")
        return library.path


def _run(lib_dir: Path, server: HTTPServer, *args: str) -> int:
    return main(["--library", str(lib_dir), "--pdf-url", f"{base_url(server)}/pdf/{{id}}", *args])


def test_fetch_by_state_then_show_json_gives_the_path(
    lib_dir: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request(f"/pdf/{IDS[1]}").respond_with_data(make_pdf(2), content_type="application/pdf")
    assert _run(lib_dir, httpserver, "pdf", "fetch", "--state", "reading") == 0
    out = capsys.readouterr().out
    assert f"{IDS[1]}: 2 pages -> {lib_dir / 'pdfs'}" in out

    assert _run(lib_dir, httpserver, "show", IDS[1], "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["pdf_path"] == str(lib_dir / "pdfs" / f"2025 Lovelace - Paper {IDS[1]} [{IDS[1]}].pdf")
    assert Path(shown["pdf_path"]).is_file()
    assert _run(lib_dir, httpserver, "pdf", "path", IDS[1]) == 0
    assert capsys.readouterr().out.strip() == shown["pdf_path"]

    assert _run(lib_dir, httpserver, "show", IDS[0], "--json") == 0
    assert json.loads(capsys.readouterr().out)["pdf_path"] is None


def test_a_failed_fetch_prints_one_line_and_exits_non_zero(
    lib_dir: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    html = "<html>nope</html>"
    httpserver.expect_request(f"/pdf/{IDS[0]}").respond_with_data(html, content_type="text/html")
    assert _run(lib_dir, httpserver, "pdf", "fetch", IDS[0]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "HTML page" in err and "Traceback" not in err
    assert _run(lib_dir, httpserver, "pdf", "path", IDS[0]) == 1


def test_fetch_without_papers_is_a_clear_error(
    lib_dir: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(lib_dir, httpserver, "pdf", "fetch") == 1
    assert "name papers to fetch" in capsys.readouterr().err
