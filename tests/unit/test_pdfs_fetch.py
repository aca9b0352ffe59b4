"""PDF downloads against a real loopback server serving PDFs generated in the test: good, resumed,
refused (HTML, 404, truncated), slow, polite, and hostile ids and titles that must stay inside pdfs/."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from feeds_support import FakeTime
from pdfs_support import HeldPdf, RangeServer, WaitingFetch, hf_item, library_with, recording_client
from pytest_httpserver import HTTPServer
from sqlalchemy import update
from werkzeug import Request, Response

from readerapp import Library
from readerapp.pdfs.naming import MAX_PDF, part_path
from readerapp.pdfs.service import PdfFetchReport
from readerapp.store.models import Paper as PaperRow
from readerapp.store.models import ReadingPosition
from tests.pdfs_samples import PDF_ONLY_WORD, make_pdf

pytest_plugins = ["feeds_fixtures"]  # fake_time

ID = "2509.12345"
TITLE = "Attention Heads: Who Does the Work?"


@pytest.fixture
def library(tmp_path: Path, httpserver: HTTPServer) -> Iterator[Library]:
    with library_with(tmp_path, httpserver, [hf_item(ID, TITLE, ("Ada Lovelace", "Alan Turing"))]) as lib:
        yield lib


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_good_download_is_verified_named_extracted_and_logged(
    library: Library, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    body = make_pdf(3)
    httpserver.expect_request(f"/pdf/{ID}").respond_with_data(body, content_type="application/pdf")
    revision_before = _revision(library, ID)
    progress: list[tuple[str, int, int | None]] = []
    with recording_client(library, fake_time) as client:
        report = library.fetch_pdfs([ID], lambda *a: progress.append(a), client=client)

    assert report.ok and [f.public_id for f in report.fetched] == [ID]
    name = f"2025 Lovelace - {TITLE.replace(':', '_').replace('?', '_')} [{ID}].pdf"
    assert _files(library.path / "pdfs") == [name]
    stored = (library.path / "pdfs" / name).read_bytes()
    assert stored == body
    paper = library.get(ID)
    assert paper.pdf_path == str(library.path / "pdfs" / name)  # absolute in the view
    assert library.pdf_file(ID) == library.path / "pdfs" / name
    assert report.fetched[0].pages == 3 and len(report.fetched[0].sha256) == 64
    assert PDF_ONLY_WORD in report.fetched[0].text
    assert _revision(library, ID) == revision_before + 1
    assert report.changes.ids == (ID,)
    assert progress == [("PDFs", 1, 1)]
    with library.db.session() as session:
        row = session.query(PaperRow).filter_by(arxiv_id=ID).one()
        assert row.pdf_path == f"pdfs/{name}"  # relative in the database
        assert PDF_ONLY_WORD in (row.pdf_text or "")

    again = library.fetch_pdfs([ID])  # stored and on disk: not fetched twice
    assert again.already == [ID] and not again.fetched


def test_a_truncated_body_is_resumed_with_range(
    library: Library, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    body = make_pdf(8)
    server = RangeServer(body, cut=1, cut_at=len(body) // 2)
    httpserver.expect_request(f"/pdf/{ID}").respond_with_handler(server)
    with recording_client(library, fake_time) as client:
        report = library.fetch_pdfs([ID], client=client)

    assert report.ok, report.failed
    assert server.ranges == [None, f"bytes={len(body) // 2}-"]
    assert Path(library.get(ID).pdf_path or "").read_bytes() == body
    assert len(fake_time.sleeps) == 1  # one backoff between the attempts


def test_a_part_left_by_an_earlier_run_is_resumed_and_a_server_ignoring_range_restarts_it(
    library: Library, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    body = make_pdf(4)
    part = part_path(library.path, ID)
    part.parent.mkdir(parents=True)
    part.write_bytes(body[:1000])
    server = RangeServer(body, honour_range=False)  # answers 200 with the whole file
    httpserver.expect_request(f"/pdf/{ID}").respond_with_handler(server)
    with recording_client(library, fake_time) as client:
        report = library.fetch_pdfs([ID], client=client)
    assert report.ok
    assert server.ranges == ["bytes=1000-"]
    assert Path(library.get(ID).pdf_path or "").read_bytes() == body  # not appended to the old part
    assert not part.exists()


def test_a_body_always_cut_short_fails_keeps_the_part_and_a_later_fetch_resumes(
    library: Library, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    body = make_pdf(6)
    server = RangeServer(body, cut=99, cut_at=2000)
    httpserver.expect_request(f"/pdf/{ID}").respond_with_handler(server)
    with recording_client(library, fake_time, retries=1) as client:
        report = library.fetch_pdfs([ID], client=client)
    assert not report.ok
    assert "after 1 retry" in report.failed[ID]
    assert library.get(ID).pdf_path is None
    assert part_path(library.path, ID).stat().st_size == 4000  # two cut answers, appended

    server.cut = 0
    with recording_client(library, fake_time) as client:
        report = library.fetch_pdfs([ID], client=client)
    assert report.ok
    assert server.ranges[-1] == "bytes=4000-"
    assert Path(library.get(ID).pdf_path or "").read_bytes() == body


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"<!DOCTYPE html><html><body>Rate limited</body></html>", "text/html", "HTML page"),
        (b"<html><body>Sorry</body></html>", "application/pdf", "HTML page"),  # a lying type
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "application/pdf", "truncated"),
        (b"", "application/pdf", "empty file"),
    ],
)
def test_a_non_pdf_answer_is_refused_and_a_later_fetch_succeeds(
    library: Library,
    httpserver: HTTPServer,
    fake_time: FakeTime,
    body: bytes,
    content_type: str,
    message: str,
) -> None:
    httpserver.expect_request(f"/pdf/{ID}").respond_with_data(body, content_type=content_type)
    with recording_client(library, fake_time) as client:
        report = library.fetch_pdfs([ID], client=client)
    assert message in report.failed[ID]
    assert library.get(ID).pdf_path is None
    assert _files(library.path / "pdfs") == []  # no file, and no .part to resume garbage from

    httpserver.clear_all_handlers()
    httpserver.expect_request(f"/pdf/{ID}").respond_with_data(make_pdf(2), content_type="application/pdf")
    with recording_client(library, fake_time) as client:
        assert library.fetch_pdfs([ID], client=client).ok
    assert library.get(ID).pdf_path is not None


def test_a_404_is_refused_at_once_with_a_clear_message(
    library: Library, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    httpserver.expect_request(f"/pdf/{ID}").respond_with_data("no such paper", status=404)
    with recording_client(library, fake_time) as client:
        report = library.fetch_pdfs([ID], client=client)
    assert "no PDF at" in report.failed[ID] and "HTTP 404" in report.failed[ID]
    assert fake_time.sleeps == []  # not retried
    assert library.get(ID).pdf_path is None


def test_a_503_with_retry_after_is_honoured(
    library: Library, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    httpserver.expect_oneshot_request(f"/pdf/{ID}").respond_with_data(
        "busy", status=503, headers={"Retry-After": "7"}
    )
    httpserver.expect_request(f"/pdf/{ID}").respond_with_data(make_pdf(1), content_type="application/pdf")
    with recording_client(library, fake_time) as client:
        assert library.fetch_pdfs([ID], client=client).ok
    assert fake_time.sleeps == [7.0]


def test_a_slow_server_times_out_with_a_clear_message(
    library: Library, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    release = threading.Event()

    def stall(_request: Request) -> Response:
        release.wait(5)
        return Response(make_pdf(1), content_type="application/pdf")

    httpserver.expect_request(f"/pdf/{ID}").respond_with_handler(stall)
    try:
        with recording_client(library, fake_time, timeout=0.2, retries=1) as client:
            report = library.fetch_pdfs([ID], client=client)
    finally:
        release.set()
    assert "no answer within 0.2 s" in report.failed[ID]
    assert library.get(ID).pdf_path is None


def test_cancel_stops_a_download_and_nothing_is_marked(library: Library, httpserver: HTTPServer) -> None:
    cancel = threading.Event()
    started = threading.Event()

    def slow(_request: Request) -> Response:
        started.set()

        def drip() -> Iterator[bytes]:
            yield b"%PDF-1.7\n"
            while not cancel.is_set():
                time.sleep(0.01)
                yield b"% padding\n"

        return Response(drip(), content_type="application/pdf")

    httpserver.expect_request(f"/pdf/{ID}").respond_with_handler(slow)
    threading.Thread(target=lambda: started.wait(5) and cancel.set(), daemon=True).start()
    report = library.fetch_pdfs([ID], cancel=cancel)
    assert report.cancelled and report.failed[ID] == "cancelled"
    assert library.get(ID).pdf_path is None


def test_pdf_requests_keep_the_arxiv_spacing_across_concurrent_downloads(
    tmp_path: Path, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    ids = [f"2509.0000{n}" for n in range(1, 4)]
    items = [hf_item(i, f"Paper {i}") for i in ids]
    with library_with(tmp_path, httpserver, items, arxiv_delay=3.0) as library:
        for paper_id in ids:
            httpserver.expect_request(f"/pdf/{paper_id}").respond_with_data(
                make_pdf(1), content_type="application/pdf"
            )
        with recording_client(library, fake_time) as client:
            report = library.fetch_pdfs(ids, client=client, workers=3)
    assert report.ok and len(report.fetched) == 3
    # The loopback PDF host counts as arXiv's: every request after the first waited for its 3 s slot.
    assert len(fake_time.sleeps) == 2 and min(fake_time.sleeps) >= 3.0


def test_only_http_urls_are_fetched(tmp_path: Path, httpserver: HTTPServer) -> None:
    with library_with(tmp_path, httpserver, [hf_item(ID, TITLE)], pdf_url="file:///etc/{id}") as library:
        report = library.fetch_pdfs([ID])
    assert "only http and https" in report.failed[ID]


def test_a_hostile_id_and_title_stay_inside_the_library(
    tmp_path: Path, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    hostile_title = '<script>alert("x")</script> ../../../etc/passwd'
    items = [
        hf_item("../../x", hostile_title),
        hf_item("hep-th/9901001", "An old paper " + hostile_title),
        hf_item(ID, "ok"),
    ]
    httpserver.expect_request("/pdf/hep-th/9901001").respond_with_data(
        make_pdf(1), content_type="application/pdf"
    )
    httpserver.expect_request("/x").respond_with_data(make_pdf(1), content_type="application/pdf")
    with library_with(tmp_path, httpserver, items) as library:
        hostile = next(p for p in library.list() if p.arxiv_id is None)
        assert hostile.title == hostile_title  # kept as text, shown as text
        report = library.fetch_pdfs([hostile.id, "hep-th/9901001"])
        assert "no arXiv id" in report.failed[hostile.id]
        # Even if a bad id reached the database, the name and the path stay inside pdfs/.
        with library.db.session() as session:
            row = session.query(PaperRow).filter_by(arxiv_id=ID).one()
            local_id = row.local_id
            session.execute(update(PaperRow).where(PaperRow.id == row.id).values(arxiv_id="../../x"))
        with recording_client(library, fake_time) as client:
            report = library.fetch_pdfs([local_id], client=client)
        assert report.ok, report.failed
        everything = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    outside = [p for p in everything if not p.startswith("lib/") and p != "feed.json"]
    assert outside == []
    pdfs = _files(tmp_path / "lib" / "pdfs")
    assert len(pdfs) == 2
    assert all("/" not in name and "<" not in name and not name.startswith(".") for name in pdfs)
    assert any("[hep-th_9901001].pdf" in name for name in pdfs)


def test_reading_positions_are_remembered_per_paper(library: Library) -> None:
    from readerapp.pdfs.position import PdfPosition

    assert library.reading_position(ID) is None
    library.save_reading_position(ID, PdfPosition(4, 0.25, "1.5"))
    library.save_reading_position(ID, PdfPosition(5, 0.5, "width"))
    assert library.reading_position(ID) == PdfPosition(5, 0.5, "width")
    with library.db.session() as session:
        assert session.query(ReadingPosition).count() == 1


def _revision(library: Library, ident: str) -> int:
    with library.db.session() as session:
        return session.query(PaperRow).filter_by(arxiv_id=ident).one().revision


def test_a_word_only_in_the_pdf_finds_the_paper(
    library: Library, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    assert library.search(PDF_ONLY_WORD) == []
    httpserver.expect_request(f"/pdf/{ID}").respond_with_data(make_pdf(2), content_type="application/pdf")
    with recording_client(library, fake_time) as client:
        assert library.fetch_pdfs([ID], client=client).ok
    assert [hit.id for hit in library.search(PDF_ONLY_WORD)] == [ID]
    assert [hit.id for hit in library.search("has:pdf")] == [ID]


def test_a_second_fetch_of_a_pdf_being_downloaded_waits_for_it_and_finds_it_stored(
    library: Library, httpserver: HTTPServer
) -> None:
    held = HeldPdf(make_pdf(2))
    httpserver.expect_request(f"/pdf/{ID}").respond_with_handler(held)
    first: list[PdfFetchReport] = []
    worker = threading.Thread(target=lambda: first.append(library.fetch_pdfs([ID])))
    worker.start()
    assert held.started.wait(30)
    second = WaitingFetch(library, [ID])
    try:
        assert second.waiting.wait(30)  # it waits for the first download instead of writing beside it
    finally:
        held.release.set()
        worker.join(30)
    report = second.report()
    assert first[0].ok and [f.public_id for f in first[0].fetched] == [ID]
    assert report.ok and report.already == [ID] and not report.fetched
    assert held.ranges == [None]  # downloaded once
    assert _files(library.path / "pdfs") == [Path(library.get(ID).pdf_path or "").name]


class Endless:
    """Announces ``announced`` bytes (Content-Length, or Content-Range's total for a Range request) and
    would stream zeros for ever; ``sent`` counts what it got to send before the client hung up."""

    def __init__(self, announced: int) -> None:
        self.announced = announced
        self.sent = 0

    def __call__(self, request: Request) -> Response:
        def body() -> Iterator[bytes]:
            chunk = b"%PDF-1.7\n" + b"0" * (2**16 - 9)
            while True:
                self.sent += len(chunk)
                yield chunk

        have = re.fullmatch(r"bytes=(\d+)-", request.headers.get("Range", ""))
        if have:
            start = int(have[1])
            headers = {"Content-Range": f"bytes {start}-{self.announced - 1}/{self.announced}",
                       "Content-Length": str(self.announced - start)}  # fmt: skip
            return Response(body(), 206, headers, content_type="application/pdf", direct_passthrough=True)
        headers = {"Content-Length": str(self.announced)}
        return Response(body(), 200, headers, content_type="application/pdf", direct_passthrough=True)


@pytest.mark.parametrize("resuming", [False, True], ids=["fresh", "resuming"])
def test_a_pdf_announced_above_the_cap_is_refused_before_its_body_is_read(
    library: Library, httpserver: HTTPServer, fake_time: FakeTime, resuming: bool
) -> None:
    server = Endless(5 * 10**9)
    httpserver.expect_request(f"/pdf/{ID}").respond_with_handler(server)
    part = part_path(library.path, ID)
    if resuming:
        part.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(b"%PDF-1.7\n" + b"0" * 1000)
    with recording_client(library, fake_time) as client:
        report = library.fetch_pdfs([ID], client=client)
    cap = f"more than the {MAX_PDF:,} bytes a PDF may have"
    assert f"announces 5,000,000,000 bytes, {cap}" in report.failed[ID]
    assert fake_time.sleeps == []  # refused, not retried
    assert server.sent < 2**24, "the body was not read (only what the server got into its socket)"
    assert _files(library.path / "pdfs") == []
    assert not part.exists()
