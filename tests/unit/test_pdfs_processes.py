"""Two processes fetching PDFs into one library: the real ``readerapp pdf fetch`` in a subprocess beside
the Library in this one, against a loopback server. One download per paper, and a killed download leaves
nothing that blocks the next."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from feeds_support import base_url
from pdfs_support import HeldPdf, WaitingFetch, hf_item, library_with
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from readerapp import Library
from readerapp.pdfs.download import PdfClient
from readerapp.pdfs.naming import lock_path, part_path
from readerapp.store.lock import claimed
from tests.pdfs_samples import make_pdf

ID = "2509.12345"
NAME = f"2025 Lovelace - Heads [{ID}].pdf"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def library(tmp_path: Path, httpserver: HTTPServer) -> Iterator[Library]:
    with library_with(tmp_path, httpserver, [hf_item(ID, "Heads")]) as lib:
        yield lib


def _cli_fetch(library: Library, server: HTTPServer, *options: str) -> subprocess.Popen[str]:
    """``readerapp pdf fetch ID`` in another process, as a user would run it beside the app."""
    url = f"{base_url(server)}/pdf/{{id}}"
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "readerapp",
            "--library",
            str(library.path),
            "--pdf-url",
            url,
            "pdf",
            "fetch",
            *options,
            ID,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Poll ``condition`` until it holds; the test fails naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        threading.Event().wait(0.02)


def _kill_mid_download(cli: subprocess.Popen[str], part: Path, release: threading.Event) -> None:
    """SIGKILL the fetch once it has written part of the PDF into ``part``; then let the server go."""
    try:
        _until(lambda: part.exists() and part.stat().st_size > 0, "the CLI has written part of the PDF")
        os.kill(cli.pid, signal.SIGKILL)
        cli.wait(60)
    finally:
        release.set()
        if cli.poll() is None:
            cli.kill()
            cli.wait(60)


def _files(library: Library) -> list[str]:
    return sorted(p.name for p in (library.path / "pdfs").iterdir())


def test_the_cli_and_the_app_fetching_one_paper_download_it_once(
    library: Library, httpserver: HTTPServer
) -> None:
    held = HeldPdf(make_pdf(2))
    httpserver.expect_request(f"/pdf/{ID}").respond_with_handler(held)
    cli = _cli_fetch(library, httpserver)
    try:
        assert held.started.wait(60)
        app = WaitingFetch(library, [ID])
        assert app.waiting.wait(60)  # the app waits for the CLI's download of the same paper
    finally:
        held.release.set()
        out, err = cli.communicate(timeout=120)
    report = app.report()
    assert cli.returncode == 0, err
    assert f"{ID}: 2 pages -> " in out
    assert report.ok and report.already == [ID] and not report.fetched
    assert held.ranges == [None]  # one download, not two writers in one file
    assert _files(library) == [NAME]  # no .part, no lock file left
    assert library.pdf_file(ID) == library.path / "pdfs" / NAME


def test_a_download_killed_half_way_blocks_nothing_and_the_next_fetch_resumes_it(
    library: Library, httpserver: HTTPServer
) -> None:
    body = make_pdf(30)
    release = threading.Event()
    ranges: list[str | None] = []

    def half_then_stall(request: Request) -> Response:
        ranges.append(request.headers.get("Range"))
        match = re.fullmatch(r"bytes=(\d+)-", request.headers.get("Range", ""))
        if match:
            start = int(match[1])
            response = Response(body[start:], status=206, content_type="application/pdf")
            response.headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
            return response

        def stalled() -> Iterator[bytes]:
            yield body[: len(body) // 2]
            release.wait(60)

        response = Response(stalled(), content_type="application/pdf")
        response.headers["Content-Length"] = str(len(body))
        return response

    httpserver.expect_request(f"/pdf/{ID}").respond_with_handler(half_then_stall)
    part = part_path(library.path, ID)
    _kill_mid_download(_cli_fetch(library, httpserver), part, release)
    have = part.stat().st_size
    assert 0 < have < len(body)
    assert lock_path(part).exists()  # left by the killed process, but locking nothing

    doctor = library.doctor()
    assert doctor.consistent, doctor.findings
    assert "1 lock file of killed downloads in pdfs/ (harmless; --repair removes them)" in doctor.notes
    assert f"1 unfinished download, resumed by the next fetch of the paper: {ID}.part" in doctor.notes

    fetch = WaitingFetch(library, [ID])
    report = fetch.report()
    assert report.ok, report.failed
    assert not fetch.waiting.is_set()  # nobody holds the dead process's lock
    assert ranges == [None, f"bytes={have}-"]
    assert (library.path / "pdfs" / NAME).read_bytes() == body
    assert _files(library) == [NAME]
    assert not [note for note in library.doctor().notes if "download" in note]


def test_the_next_fetch_deletes_the_part_a_killed_forced_fetch_left(
    library: Library, httpserver: HTTPServer
) -> None:
    first, again = make_pdf(2), make_pdf(30)
    served: list[bytes] = [first]
    release = threading.Event()

    def stall_after_the_first(_request: Request) -> Response:
        body = served.pop() if served else again

        def half_then_stall() -> Iterator[bytes]:
            yield body[: len(body) // 2]
            release.wait(60)
            yield body[len(body) // 2 :]

        response = Response(half_then_stall() if body is again else [body], content_type="application/pdf")
        response.headers["Content-Length"] = str(len(body))
        return response

    httpserver.expect_request(f"/pdf/{ID}").respond_with_handler(stall_after_the_first)
    release.set()
    assert library.fetch_pdfs([ID], client=PdfClient(library.config)).ok
    release.clear()
    part = part_path(library.path, ID)
    _kill_mid_download(_cli_fetch(library, httpserver, "--force"), part, release)
    assert part.exists() and (library.path / "pdfs" / NAME).read_bytes() == first

    with claimed(lock_path(part), lambda: None):  # a download of the paper under way: its .part stays
        assert library.fetch_pdfs([ID]).already == [ID]
        assert part.exists()
    assert library.fetch_pdfs([ID]).already == [ID]
    assert _files(library) == [NAME]  # the killed download's .part and lock file are gone
    doctor = library.doctor()
    assert doctor.consistent and not [note for note in doctor.notes if "download" in note]


def test_removing_the_sample_removes_its_unfinished_downloads(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        library.import_sample_if_empty()
        sample_id = library.list(limit=1)[0].id
        part = part_path(library.path, sample_id)
        part.parent.mkdir()
        part.write_bytes(b"%PDF-1.7 half")  # a download killed half way
        lock_path(part).touch()
        library.remove_sample()
        assert list(part.parent.iterdir()) == []


def test_a_lock_file_deleted_by_its_holder_is_taken_again_by_the_waiter(tmp_path: Path) -> None:
    path = tmp_path / "job.lock"
    asked, results = threading.Event(), []

    def waiter() -> None:
        with claimed(path, asked.set) as waited:
            results.append((waited, path.exists()))

    with claimed(path, lambda: None) as waited:
        assert not waited and path.exists()
        thread = threading.Thread(target=waiter)
        thread.start()
        assert asked.wait(30)  # the waiter has the file open and found it locked
    thread.join(30)
    assert results == [(True, True)]  # it locked the file now at the path, not the one deleted
    assert not path.exists()
