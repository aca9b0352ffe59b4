"""Fetching papers' PDFs: from a paper to a URL and a file name, then download, verify and extract,
a few at a time. Nothing here touches the database: the Library stores what comes back."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from readerapp.config import Config
from readerapp.errors import Cancelled, PdfError
from readerapp.ids import safe_filename
from readerapp.paper import Changes
from readerapp.pdfs.download import PdfClient, check_url
from readerapp.pdfs.extract import extract_text
from readerapp.pdfs.naming import NameParts, pdf_dir, pdf_filename, pdf_target
from readerapp.pdfs.verify import verify_pdf

DEFAULT_WORKERS = 3  # downloads in flight; arXiv's own spacing still puts its requests 3 s apart


@dataclass(frozen=True, slots=True)
class PdfJob:
    """One PDF to fetch: the paper (``key`` is the library's row id), where from, and the file name
    it will get in ``pdfs/``."""

    key: int
    public_id: str
    url: str
    filename: str


@dataclass(frozen=True, slots=True)
class FetchedPdf:
    """A verified PDF, moved into place, with its text extracted."""

    key: int
    public_id: str
    path: Path
    sha256: str
    pages: int
    text: str


@dataclass
class PdfFetchReport:
    """What ``Library.fetch_pdfs`` did, paper by paper; ``changes`` lists the papers that now have one."""

    fetched: list[FetchedPdf] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    cancelled: bool = False
    changes: Changes = field(default_factory=lambda: Changes("fetch_pdfs", ()))

    @property
    def ok(self) -> bool:
        return not self.failed and not self.cancelled


def pdf_url(config: Config, arxiv_id: str | None) -> str | None:
    """The PDF URL from the ``pdf_url`` template, or None for a paper without an arXiv id."""
    if not arxiv_id:
        return None
    url = config.pdf_url.replace("{id}", arxiv_id)
    check_url(url)
    return url


def make_job(config: Config, key: int, parts: NameParts, arxiv_id: str | None, template: str) -> PdfJob:
    """The job for one paper; ``PdfError`` when it has no PDF to fetch."""
    url = pdf_url(config, arxiv_id)
    if url is None:
        raise PdfError("no arXiv id, so no PDF to fetch")
    return PdfJob(key, parts.id, url, pdf_filename(parts, template))


def part_path(library: Path, public_id: str) -> Path:
    """Where an unfinished download waits: named by id, so a changed title still resumes it."""
    return pdf_dir(library) / (safe_filename(public_id, 100) + ".part")


def fetch_one(client: PdfClient, library: Path, job: PdfJob) -> FetchedPdf:
    """Download (resuming), verify, extract the text, then move the file into place.

    A download that is not a PDF is deleted so the next try starts afresh; an interrupted one stays
    as ``.part`` and is resumed.
    """
    target = pdf_target(library, job.filename)
    part = part_path(library, job.public_id)
    part.parent.mkdir(parents=True, exist_ok=True)
    with _downloading(part):
        client.download(job.url, part)
        try:
            verified = verify_pdf(part)
            text = extract_text(part)
        except PdfError as exc:
            part.unlink(missing_ok=True)
            raise PdfError(f"{job.url[:160]} sent {exc}") from exc
        os.replace(part, target)
    return FetchedPdf(job.key, job.public_id, target, verified.sha256, verified.pages, text)


_IN_FLIGHT: set[Path] = set()
_IN_FLIGHT_LOCK = threading.Lock()


@contextmanager
def _downloading(part: Path) -> Iterator[None]:
    """One download per ``.part`` file in this process: pressing ``p`` twice must not interleave two
    writers in one file. The second asker is told, and its next try resumes the finished one."""
    key = part.resolve()
    with _IN_FLIGHT_LOCK:
        if key in _IN_FLIGHT:
            raise PdfError("this PDF is already being downloaded")
        _IN_FLIGHT.add(key)
    try:
        yield
    finally:
        with _IN_FLIGHT_LOCK:
            _IN_FLIGHT.discard(key)


Outcome = FetchedPdf | BaseException


def fetch_all(
    client: PdfClient,
    library: Path,
    jobs: Sequence[PdfJob],
    *,
    workers: int = DEFAULT_WORKERS,
    fetch: Callable[[PdfClient, Path, PdfJob], FetchedPdf] = fetch_one,
) -> Iterator[tuple[PdfJob, Outcome]]:
    """Run ``jobs`` ``workers`` at a time and yield each with its outcome as it finishes.

    Errors come back as values (one bad paper never stops the others); after ``client.cancel()`` the
    running downloads stop at their next chunk and the queued ones yield ``Cancelled``.
    """
    if not jobs:
        return
    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="readerapp-pdf") as pool:
        pending: dict[Future[FetchedPdf], PdfJob] = {
            pool.submit(_unless_cancelled, client.cancel_event, fetch, client, library, job): job
            for job in jobs
        }
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                error = future.exception()
                yield job, error if error is not None else future.result()


def _unless_cancelled(
    cancel: threading.Event,
    fetch: Callable[[PdfClient, Path, PdfJob], FetchedPdf],
    client: PdfClient,
    library: Path,
    job: PdfJob,
) -> FetchedPdf:
    if cancel.is_set():
        raise Cancelled("cancelled")
    return fetch(client, library, job)
