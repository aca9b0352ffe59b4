"""Fetching papers' PDFs: from a paper to a URL and a file name, then download, verify and extract,
a few at a time. Nothing here touches the database: the Library hands in a ``PdfShelf`` that does.

Two processes (the app and a CLI) may fetch at once. Each paper's download holds a lock file next to its
``.part`` (``store.lock.claimed``), so a second fetch of the same paper waits for the first and then finds
its PDF stored; every fetch also holds ``pdfs.lock`` shared, so ``doctor`` tidies ``pdfs/`` only while no
download is in flight anywhere.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from readerapp.config import Config
from readerapp.errors import Cancelled, PdfError, ReaderappError
from readerapp.paper import Changes
from readerapp.pdfs.download import check_url
from readerapp.pdfs.extract import extract_text
from readerapp.pdfs.naming import (
    DOWNLOADS_LOCK,
    NameParts,
    absolute_in_library,
    id_tag,
    lock_path,
    part_path,
    pdf_filename,
    pdf_target,
    relative_to_library,
    unique_names,
)
from readerapp.pdfs.verify import verify_pdf
from readerapp.store.lock import SharedLock, claimed

DEFAULT_WORKERS = 3  # downloads in flight; arXiv's own spacing still puts its requests 3 s apart
_POLL = 0.25  # seconds between two looks at another process's download of the same paper

Stored = tuple[str | None, str | None]  # a paper's pdf_path (relative to the library) and its sha256


@dataclass(frozen=True, slots=True)
class PdfJob:
    """One PDF to fetch: the paper (``key`` is the library's row id), where from, and the file name it
    will get in ``pdfs/``. ``stored`` is the PDF a forced fetch replaces: any other stored PDF on disk
    found once the paper's lock is held was fetched meanwhile by someone else, and ends the job."""

    key: int
    public_id: str
    url: str
    filename: str
    stored: Stored = (None, None)


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


@dataclass(frozen=True, slots=True)
class PdfShelf:
    """The library's side of a fetch. Each is called with the paper's download lock held, so no other
    fetch of the paper, in this process or another, runs between a look and the write after it."""

    library: Path  # the library folder
    stored: Callable[[int], Stored]  # the paper's pdf_path and sha256 now
    claimed: Callable[[int, str], bool]  # does another paper point at this pdf_path?
    keep: Callable[[FetchedPdf], None]  # record the PDF, now in place (and drop the file it replaced)


class PdfSource(Protocol):
    """Where ``fetch_one`` gets a PDF's bytes: the web (``PdfClient``) or a file the user has."""

    cancel_event: threading.Event

    def download(self, url: str, part: Path) -> None: ...

    def pause(self, seconds: float) -> None: ...


class LocalPdf:
    """A PDF the user already has (an imported BibTeX or RIS file names it): copied to where a download
    would write, then verified, extracted, named and recorded as a fetched one (``Library.attach_pdfs``)."""

    def __init__(self) -> None:
        self.cancel_event = threading.Event()  # never set: a copy is quick and is not cancelled

    def download(self, url: str, part: Path) -> None:
        shutil.copyfile(url, part)

    def pause(self, seconds: float) -> None:
        time.sleep(seconds)  # another process is storing this paper's PDF: wait for its lock


def pdf_url(config: Config, arxiv_id: str | None) -> str | None:
    """The PDF URL from the ``pdf_url`` template, or None for a paper without an arXiv id."""
    if not arxiv_id:
        return None
    url = config.pdf_url.replace("{id}", arxiv_id)
    check_url(url)
    return url


def make_job(
    config: Config,
    key: int,
    parts: NameParts,
    arxiv_id: str | None,
    template: str,
    stored: Stored = (None, None),
) -> PdfJob:
    """The job for one paper; ``PdfError`` when it has no PDF to fetch."""
    url = pdf_url(config, arxiv_id)
    if url is None:
        raise PdfError("no arXiv id, so no PDF to fetch")
    return PdfJob(key, parts.id, url, pdf_filename(parts, template), stored)


def fetch_one(client: PdfSource, shelf: PdfShelf, job: PdfJob) -> FetchedPdf | None:
    """Download (resuming), verify, extract the text, move the file into place and record it.

    None when another fetch stored the paper's PDF while this one waited for it. A download that is not a
    PDF is deleted so the next try starts afresh; an interrupted one stays as ``.part`` and is resumed.
    """
    part = part_path(shelf.library, job.public_id)
    part.parent.mkdir(parents=True, exist_ok=True)
    with claimed(lock_path(part), lambda: client.pause(_POLL)):
        now = shelf.stored(job.key)
        if now != job.stored and now[0] and _on_disk(shelf.library, now[0]):
            return None
        client.download(job.url, part)
        try:
            verified = verify_pdf(part)
            text = extract_text(part)
        except PdfError as exc:
            part.unlink(missing_ok=True)
            raise PdfError(f"{job.url[:160]} sent {exc}") from exc
        target = _place(part, shelf, job, now[0])
        fetched = FetchedPdf(job.key, job.public_id, target, verified.sha256, verified.pages, text)
        shelf.keep(fetched)
    return fetched


class _Held(Exception):
    """Someone holds the paper's download lock: its ``.part`` is a download under way."""


def drop_part(library: Path, public_id: str) -> None:
    """Remove the paper's ``.part`` unless a download of it holds its lock, here or in another process:
    once the paper has its PDF (an interrupted ``--force``) or is gone, nothing would resume it."""
    part = part_path(library, public_id)
    if not part.exists():
        return

    def held() -> None:
        raise _Held

    try:
        with claimed(lock_path(part), held):
            part.unlink(missing_ok=True)
    except _Held:
        pass


def _on_disk(library: Path, stored: str) -> bool:
    try:
        return absolute_in_library(library, stored).is_file()
    except ReaderappError:  # a stored path outside pdfs/ is no PDF of the library's
        return False


def _place(part: Path, shelf: PdfShelf, job: PdfJob, own: str | None) -> Path:
    """Move the verified ``part`` to the first of the paper's names that no other paper points to and
    that is free or the paper's own: the file the database points to, or one named with its ``[ID]``.
    A free name is claimed atomically (two downloads never take one name); another paper's PDF, or a
    file of the user's, is never overwritten."""
    for name in unique_names(job.filename, job.public_id):
        target = pdf_target(shelf.library, name)
        stored = relative_to_library(shelf.library, target)
        reserved = False
        if stored != own:
            if shelf.claimed(job.key, stored):
                continue
            if id_tag(job.public_id) not in name:
                try:
                    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
                except FileExistsError:
                    continue
                reserved = True
        try:
            os.replace(part, target)
        except BaseException:
            if reserved:
                target.unlink(missing_ok=True)
            raise
        return target
    raise PdfError(f"every file name for {job.public_id} is taken in the pdfs folder")


Outcome = FetchedPdf | None | BaseException


def fetch_all(
    client: PdfSource,
    shelf: PdfShelf,
    jobs: Sequence[PdfJob],
    *,
    workers: int = DEFAULT_WORKERS,
    fetch: Callable[[PdfSource, PdfShelf, PdfJob], FetchedPdf | None] = fetch_one,
) -> Iterator[tuple[PdfJob, Outcome]]:
    """Run ``jobs`` ``workers`` at a time and yield each with its outcome as it finishes.

    Errors come back as values (one bad paper never stops the others); after ``client.cancel()`` the
    running downloads stop at their next chunk and the queued ones yield ``Cancelled``. ``pdfs.lock`` is
    held shared throughout, so ``doctor`` never takes a file of a download in flight for a leftover.
    """
    if not jobs:
        return
    downloads = SharedLock(shelf.library, DOWNLOADS_LOCK)
    try:
        with ThreadPoolExecutor(max(1, workers), thread_name_prefix="readerapp-pdf") as pool:
            pending: dict[Future[FetchedPdf | None], PdfJob] = {
                pool.submit(_unless_cancelled, client.cancel_event, fetch, client, shelf, job): job
                for job in jobs
            }
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job = pending.pop(future)
                    error = future.exception()
                    yield job, error if error is not None else future.result()
    finally:
        downloads.release()


def _unless_cancelled(
    cancel: threading.Event,
    fetch: Callable[[PdfSource, PdfShelf, PdfJob], FetchedPdf | None],
    client: PdfSource,
    shelf: PdfShelf,
    job: PdfJob,
) -> FetchedPdf | None:
    if cancel.is_set():
        raise Cancelled("cancelled")
    return fetch(client, shelf, job)
