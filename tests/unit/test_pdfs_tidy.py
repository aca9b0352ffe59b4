"""A tidy pdfs folder: a re-download under a new name replaces the old file, papers whose names clash
each keep their own file, removed papers take their PDFs along, and ``doctor`` finds (and ``--repair``
removes) what no paper needs. Real files, a real loopback server, generated PDFs."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from feeds_support import base_url
from pdfs_support import hf_item, library_with
from pytest_httpserver import HTTPServer
from sqlalchemy import update
from werkzeug import Request, Response

from readerapp import Library
from readerapp.cli import main
from readerapp.pdfs.naming import DOWNLOADS_LOCK, MAX_PDF, part_path
from readerapp.pdfs.service import PdfFetchReport
from readerapp.store.lock import SharedLock
from readerapp.store.models import Paper as PaperRow
from tests.pdfs_samples import make_pdf

A, B, C = "2509.00001", "2509.00002", "2509.00003"


def _serve(server: HTTPServer, ident: str, body: bytes) -> None:
    server.clear_all_handlers()
    server.expect_request(f"/pdf/{ident}").respond_with_data(body, content_type="application/pdf")


def _files(library: Library) -> list[str]:
    return sorted(p.name for p in (library.path / "pdfs").iterdir())


def _set(library: Library, ident: str, **values: object) -> None:
    with library.db.session() as session:
        session.execute(update(PaperRow).where(PaperRow.arxiv_id == ident).values(**values))


def _stored(library: Library, ident: str) -> str | None:
    with library.db.session() as session:
        return session.query(PaperRow).filter_by(arxiv_id=ident).one().pdf_path


@pytest.fixture
def two(tmp_path: Path, httpserver: HTTPServer) -> Iterator[Library]:
    with library_with(tmp_path, httpserver, [hf_item(A, "Heads"), hf_item(B, "Tails")]) as library:
        yield library


def test_a_forced_fetch_after_a_title_change_replaces_the_old_file(
    two: Library, httpserver: HTTPServer
) -> None:
    _serve(httpserver, A, make_pdf(2))
    assert two.fetch_pdfs([A]).ok
    assert _files(two) == [f"2025 Lovelace - Heads [{A}].pdf"]

    _set(two, A, title="Heads, revised")
    _serve(httpserver, A, new := make_pdf(3))
    report = two.fetch_pdfs([A], force=True)
    assert report.ok and report.fetched[0].pages == 3
    renamed = f"2025 Lovelace - Heads, revised [{A}].pdf"
    assert _files(two) == [renamed]  # the old name is gone, once the new file was recorded
    assert _stored(two, A) == f"pdfs/{renamed}"
    assert (two.path / "pdfs" / renamed).read_bytes() == new

    _serve(httpserver, A, newer := make_pdf(4))
    assert two.fetch_pdfs([A], force=True).ok  # same name: the file is replaced in place
    assert _files(two) == [renamed] and (two.path / "pdfs" / renamed).read_bytes() == newer


def test_a_forced_fetch_deletes_only_its_own_file_in_pdfs(two: Library, httpserver: HTTPServer) -> None:
    _serve(httpserver, A, make_pdf(2))
    assert two.fetch_pdfs([A]).ok
    first = _stored(two, A)
    decoy = two.path / "decoy.pdf"
    decoy.write_bytes(make_pdf(1))
    _set(two, A, pdf_path="decoy.pdf")  # pointing outside pdfs/: never deleted by a fetch
    assert two.fetch_pdfs([A], force=True).ok
    assert decoy.exists() and _stored(two, A) == first

    _set(two, B, pdf_path=first)  # two papers on one file, as an old overwrite could leave them
    _set(two, A, title="Heads, revised")
    assert two.fetch_pdfs([A], force=True).ok
    assert _files(two) == sorted([Path(first or "").name, f"2025 Lovelace - Heads, revised [{A}].pdf"])
    assert two.pdf_file(B) == two.path / (first or "")  # B's file stays while B points at it


def test_papers_whose_names_clash_each_keep_their_own_pdf(tmp_path: Path, httpserver: HTTPServer) -> None:
    ids = (A, B, C)
    bodies = {i: make_pdf(1, marker=f"marker{n}") for n, i in enumerate(ids)}
    for ident in ids:
        httpserver.expect_request(f"/pdf/{ident}").respond_with_data(
            bodies[ident], content_type="application/pdf"
        )
    items = [hf_item(i, "Introduction") for i in ids]
    with library_with(tmp_path, httpserver, items, pdf_name="{title}.pdf") as library:
        assert library.fetch_pdfs(ids, workers=3).ok  # three at once, all wanting Introduction.pdf
        names = _files(library)
        assert len(names) == 3 and "Introduction.pdf" in names
        assert all(
            n == "Introduction.pdf" or re.fullmatch(r"Introduction \[2509\.0000\d\]\.pdf", n) for n in names
        )
        for ident in ids:
            path = library.pdf_file(ident)
            assert path is not None and path.read_bytes() == bodies[ident]
            assert path.name in ("Introduction.pdf", f"Introduction [{ident}].pdf")

        assert library.fetch_pdfs(ids, force=True).ok  # each replaces its own file, no new names
        assert _files(library) == names
        owner = next(i for i in ids if _stored(library, i) == "pdfs/Introduction.pdf")
        other = next(i for i in ids if i != owner)
        (library.path / "pdfs" / "Introduction.pdf").unlink()  # gone from disk, still the owner's name
        assert library.fetch_pdfs([other], force=True).ok
        assert _stored(library, other) == f"pdfs/Introduction [{other}].pdf"
        assert "Introduction.pdf" not in _files(library)


def test_removing_the_sample_removes_the_pdfs_fetched_for_it(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request(re.compile("/pdf/.*")).respond_with_data(
        make_pdf(1), content_type="application/pdf"
    )
    with Library.open(tmp_path / "lib", pdf_url=f"{base_url(httpserver)}/pdf/{{id}}") as library:
        library.import_sample_if_empty()
        sample = [p.id for p in library.list()][:2]
        assert library.fetch_pdfs(sample).ok and len(_files(library)) == 2
        library.remove_sample()
        assert _files(library) == []


def test_a_paper_removed_during_its_download_gets_no_file(tmp_path: Path, httpserver: HTTPServer) -> None:
    started, release = threading.Event(), threading.Event()

    def held(_request: Request) -> Response:
        started.set()
        release.wait(30)
        return Response(make_pdf(1), content_type="application/pdf")

    httpserver.expect_request(re.compile("/pdf/.*")).respond_with_handler(held)
    with Library.open(tmp_path / "lib", pdf_url=f"{base_url(httpserver)}/pdf/{{id}}") as library:
        library.import_sample_if_empty()
        paper = library.list()[0].id
        report: list[PdfFetchReport] = []
        worker = threading.Thread(target=lambda: report.append(library.fetch_pdfs([paper])))
        worker.start()
        try:
            assert started.wait(30)
            library.remove_sample()
        finally:
            release.set()
            worker.join(30)
        assert "was removed from the library during its download" in report[0].failed[paper]
        assert _files(library) == []


def _leftovers(library: Library) -> dict[str, Path]:
    """pdfs/ after A was fetched, with one of each kind of leftover (and a file of the user's)."""
    folder = library.path / "pdfs"
    files = {
        "stray": folder / "stray.pdf",  # no paper points to it
        "resumable": part_path(library.path, B),  # B has no PDF: the next fetch resumes it
        "done": part_path(library.path, A),  # A has its PDF: nothing resumes it
        "removed": part_path(library.path, "2401.99999"),  # no such paper
        "lock": folder / "2401.99999.lock",  # a killed download's
        "mine": folder / "notes.txt",
    }
    for path in files.values():
        path.write_bytes(b"%PDF-1.7 part")
    return files


def test_doctor_reports_leftovers_in_pdfs_and_repair_removes_them(
    two: Library, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(httpserver, A, make_pdf(1))
    assert two.fetch_pdfs([A]).ok
    pdf = two.pdf_file(A)
    files = _leftovers(two)

    report = two.doctor()
    assert not report.consistent
    assert [(f.check, f.message, f.repaired) for f in report.findings] == [
        ("pdfs", "1 PDF no paper points to: stray.pdf", False),
        (
            "pdfs",
            "2 unfinished downloads nothing will resume (the paper was removed, or has its PDF since): "
            f"2401.99999.part, {A}.part",
            False,
        ),
    ]
    assert "1 lock file of killed downloads in pdfs/ (harmless; --repair removes them)" in report.notes
    assert f"1 unfinished download, resumed by the next fetch of the paper: {B}.part" in report.notes
    assert all(path.exists() for path in files.values())  # a report changes nothing

    assert main(["--library", str(two.path), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM: pdfs: 1 PDF no paper points to: stray.pdf" in out and "try --repair" in out

    assert main(["--library", str(two.path), "doctor", "--repair"]) == 0
    out = capsys.readouterr().out
    assert "repaired: pdfs: 1 PDF no paper points to: stray.pdf" in out
    assert "note: removed 1 lock file of killed downloads in pdfs/" in out
    assert sorted(p for p in files if files[p].exists()) == ["mine", "resumable"]
    assert pdf is not None and pdf.exists()
    assert two.doctor().consistent


def test_doctor_leaves_pdfs_alone_while_a_download_runs(two: Library) -> None:
    (two.path / "pdfs").mkdir()
    files = _leftovers(two)
    downloading = SharedLock(two.path, DOWNLOADS_LOCK)  # what every fetch holds, here or elsewhere
    try:
        report = two.doctor(repair=True)
    finally:
        downloading.release()
    assert "PDFs are being downloaded: the pdfs folder is checked once no download runs" in report.notes
    assert not [f for f in report.findings if f.check == "pdfs"]
    assert all(path.exists() for path in files.values())


def test_a_part_above_the_cap_is_no_resumable_download_and_repair_removes_it(two: Library) -> None:
    big = part_path(two.path, A)  # A has no PDF: a .part of its size would have been "resumable"
    big.parent.mkdir(parents=True, exist_ok=True)
    with big.open("wb") as fh:
        fh.truncate(MAX_PDF + 1)  # sparse: 256 MB and a byte, no disk space taken
    report = two.doctor()
    assert not report.consistent
    assert [(f.check, f.message) for f in report.findings] == [
        ("pdfs", f"1 unfinished download larger than the {MAX_PDF:,} bytes a PDF may have, never resumed: "
                 f"{A}.part"),
    ]  # fmt: skip
    assert not [note for note in report.notes if "resumed by the next fetch" in note]
    assert big.exists()

    assert two.doctor(repair=True).consistent
    assert not big.exists() and two.doctor().consistent
