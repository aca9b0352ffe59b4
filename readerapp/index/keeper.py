"""``IndexKeeper``: keeps the search index caught up with the database, and repairs it.

The database is the source of truth and every write appends the changed paper ids to its change
log. The keeper applies the log from the index's *watermark* (the last log id applied) in batches,
and whoever writes pays for it: a search waits for the catch-up of its own thread's writes (read your
writes), while the writes of the process's other threads go to the keeper's own thread and the search
serves the newest committed index at once rather than applying them itself (``follow_every_write``
makes every search wait for every write of the process instead: the app, whose reads run after the
writes before them). Several processes (the app, the CLI, scripts) share one index: whoever holds its
write lock catches up for all of them, since the log is the database's; a search that finds the lock
taken serves the newest committed index rather than waiting for, or failing on, the other writer,
and one that finds changes of another process nobody applies applies them (their writer may be gone,
as a CLI ``tag`` is). A missing, damaged or outdated index is rebuilt from the database automatically.
``check`` finds drift (documents missing from the index, extra ones, stale revisions) and ``repair``
fixes it. Every rebuild holds the ``BuildLock`` beside the folder: a second process waits for the build
under way (and uses its index), and ``check`` reports a build in progress as such rather than as a
damaged folder.

The keeper reads the database only through a ``DocumentSource`` the caller supplies, so the index
package never imports the store.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from readerapp.errors import Cancelled
from readerapp.index.build_lock import BuildLock, Note
from readerapp.index.document import IndexDocument
from readerapp.index.search_index import Hit, IndexBusy, IndexUnavailable, SearchIndex, leftovers
from readerapp.progress import Progress, no_progress

CATCH_UP_BATCH = 500  # paper ids per commit while catching up
REBUILD_ABOVE = 5_000  # more changes than this (a big import): rebuild in worker processes instead
SEARCH_WAIT = 0.1  # seconds a search waits for another process's index write before serving what is there
OWN_WRITE_WAIT = 10.0  # seconds a search waits for a catch-up under way that holds its own writes
RETRY_BUSY = 0.25  # seconds the writer thread waits before trying again when another process writes


class DocumentSource(Protocol):
    """What the keeper needs from the database."""

    def documents(self, ids: Sequence[str] | None = None) -> Iterator[IndexDocument]:
        """Documents for these public ids (those that still exist), or for every paper."""
        ...

    def changes_since(self, watermark: int) -> tuple[list[str], int]:
        """Distinct paper ids logged after ``watermark``, and the newest log id (``watermark`` if none)."""
        ...

    def stamps(self) -> dict[str, int]:
        """``{public id: revision}`` of every paper."""
        ...


@dataclass(slots=True)
class IndexDrift:
    """How the index differs from the database; ``problem`` is set when it cannot be read at all."""

    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    problem: str | None = None
    absent: bool = False  # the problem is that there is no index folder at all (none built yet)
    building: str | None = None  # a build is under way, here or in another process: nothing compared
    pending: int = 0  # papers changed since the index's watermark: caught up on the next search
    leftovers: dict[str, int] = field(default_factory=dict)  # a killed rebuild's folders: name -> bytes

    @property
    def consistent(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.problem)

    def messages(self) -> list[str]:
        """One line per kind of drift, for ``doctor``."""
        lines = [self.problem] if self.problem else []
        for name, ids, meaning in (
            ("missing", self.missing, "in the library but not in the search index"),
            ("extra", self.extra, "in the search index but not in the library"),
            ("stale", self.stale, "indexed from an older revision"),
        ):
            if ids:
                shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
                lines.append(f"{len(ids)} papers {meaning} ({name}: {shown})")
        return lines

    def leftover_notes(self, removed: bool) -> list[str]:
        """One line per folder a killed rebuild left, for ``doctor``: harmless but possibly big."""
        why = "left by a search index rebuild that was killed"
        return [
            f"removed {name} ({_size_text(size)}), {why}"
            if removed
            else f"{name} ({_size_text(size)}) is {why}: doctor --repair removes it"
            for name, size in self.leftovers.items()
        ]


class IndexKeeper:
    """The one writer of the index in ``folder``, fed from ``source``."""

    def __init__(self, folder: Path, source: DocumentSource) -> None:
        self.folder = Path(folder)
        self.source = source
        self._index: SearchIndex | None = None
        self._build_lock = BuildLock(self.folder)
        self._lock = threading.RLock()  # one writer: catch-up, rebuild and repair take turns
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: BaseException | None = None
        self.behind = False  # the last catch-up found another process writing the index, and left it
        self._counter = itertools.count(1)  # next() is atomic: writes come from any thread
        self._counting = threading.Lock()
        self._writes = 0  # the newest write this process made (``notify``)
        self._own = threading.local()  # ``.writes``: the newest write of the current thread
        self._applied = 0  # every write up to this one is in the index
        self._wake_on_write = False  # ``start``: the keeper's thread catches up after every write
        self.follow_every_write = False  # a search waits for every write of the process, not its thread's

    # -- the index, always usable ----------------------------------------------------------------

    def index(self, progress: Progress = no_progress) -> SearchIndex:
        """The open index, rebuilt from the database first if it was missing or damaged."""
        if self._index is not None:  # no lock: a search need not wait for this process's writer
            return self._index
        with self._lock:
            if self._index is None:
                self._clear_leftovers()
                try:
                    self._index = SearchIndex.open(self.folder)
                except IndexUnavailable:
                    with self._build_lock.building(_waiting(progress)) as note:  # waits for one elsewhere...
                        try:
                            self._index = SearchIndex.open(self.folder)  # ...and then uses what it built
                        except IndexUnavailable:
                            self._index, _ = self._rebuild(note, progress, None)
            return self._index

    def catch_up(self, progress: Progress = no_progress, wait: float = SEARCH_WAIT) -> int:
        """Apply every change logged since the watermark; returns the number of papers touched.

        When another thread or process holds the index's write lock for more than ``wait`` seconds,
        it is writing this index (its catch-up applies the same log): nothing is applied here,
        ``behind`` is set, and searches serve the newest committed index. ``progress`` reports (and,
        by raising, cancels) a rebuild: of a missing index, or of a big backlog of changes."""
        writes = self._writes  # counted before the log is read: every one of them is in it
        index = self._index
        if index is not None and self.source.changes_since(index.watermark)[1] == index.watermark:
            # Nothing to apply: no lock taken, so searching threads never starve a writing one.
            self._applied = max(self._applied, writes)
            self.behind = False
            return 0
        if not self._lock.acquire(timeout=wait):
            self.behind = True
            return 0
        try:
            index = self.index(progress)
            try:
                with index.writing(wait):  # the watermark is read under the lock: no change applied twice
                    writes = self._writes
                    ids, newest = self.source.changes_since(index.watermark)
                    if len(ids) <= REBUILD_ABOVE:
                        self._apply(index, ids, newest)
            except IndexBusy:
                self.behind = True
                return 0
            self.behind = False
            if len(ids) > REBUILD_ABOVE:
                with self._build_lock.building(_waiting(progress)) as note:
                    self._rebuild(note, progress, None)
            self._applied = max(self._applied, writes)
            return len(ids)
        finally:
            self._lock.release()

    def _apply(self, index: SearchIndex, ids: list[str], newest: int) -> None:
        """Re-index ``ids`` a batch per commit, the watermark moving to ``newest`` with the last one."""
        for start in range(0, len(ids), CATCH_UP_BATCH):
            chunk = ids[start : start + CATCH_UP_BATCH]
            docs = list(self.source.documents(chunk))
            present = {d["id"] for d in docs}
            last = start + CATCH_UP_BATCH >= len(ids)
            index.apply(docs, [i for i in chunk if i not in present], watermark=newest if last else None)
        if not ids and newest != index.watermark:
            index.apply([], watermark=newest)

    def rebuild(self, progress: Progress = no_progress, cancel: threading.Event | None = None) -> int:
        """Rebuild the whole index from the database (``reindex``, ``doctor --repair``)."""
        with self._lock, self._build_lock.building(_waiting(progress, cancel)) as note:
            self._index, count = self._rebuild(note, progress, cancel)
            return count

    def _rebuild(
        self, note: Note, progress: Progress, cancel: threading.Event | None
    ) -> tuple[SearchIndex, int]:
        """Rebuild the open index, or a new one in place of a missing or damaged folder; returns it and
        the documents indexed. The caller holds the build lock (``note`` says how far it has got)."""
        index, fresh = (self._index, False) if self._index else SearchIndex.open_or_create(self.folder)
        # Take the watermark first: changes made while we read are applied again afterwards.
        _, newest = self.source.changes_since(0)
        total = len(self.source.stamps())
        note(0, total)

        def report(what: str, done: int, of: int | None) -> None:
            note(done, total)
            progress(what, done, of)

        try:
            count = index.rebuild(self.source.documents(), report, cancel, total=total, watermark=newest)
        except BaseException:
            if fresh:  # cancelled or failed: leave no index (built on next use), not an unfinished one
                index.close()
                shutil.rmtree(self.folder, ignore_errors=True)
            raise
        return index, count

    # -- searching (with a rebuild when the index turns out damaged) -------------------------------

    def search(self, query: str, limit: int = 50, sort: str = "relevance") -> list[Hit]:
        return self._read(lambda index: index.search(query, limit=limit, sort=sort))

    def similar(self, paper_id: str, limit: int = 10) -> list[Hit]:
        return self._read(lambda index: index.similar(paper_id, limit=limit))

    def for_you(
        self, seed_ids: Iterable[str], candidate_filter: str = "state:inbox", limit: int = 50,
        discarded_ids: Iterable[str] = (),
    ) -> list[Hit]:
        seeds, discarded = list(seed_ids), list(discarded_ids)
        return self._read(lambda index: index.for_you(seeds, candidate_filter, limit, discarded))

    def _read(self, run: _Run) -> list[Hit]:
        """Run a search on the newest committed index. It waits for the catch-up of its own thread's
        writes (of the whole process's with ``follow_every_write``), so a script that changed a paper
        finds the change, unless that catch-up takes over ``OWN_WRITE_WAIT``; the writes of other
        threads go to the keeper's thread, not onto this search's time."""
        owed = self._writes if self.follow_every_write else getattr(self._own, "writes", 0)
        if owed <= self._applied and self._others_pending():
            self._hand_off()
        else:
            self.catch_up()
        deadline = time.monotonic() + OWN_WRITE_WAIT
        while self._applied < owed and time.monotonic() < deadline:  # another writer is under way
            self.catch_up()
        try:
            return run(self.index())
        except IndexUnavailable:
            self.rebuild()
            return run(self.index())

    # -- drift -------------------------------------------------------------------------------------

    def check(self) -> IndexDrift:
        """Compare the index with the database without changing either. An index being built (by this
        process or another) is not compared, only reported as under way: its folder is half written."""
        with self._build_lock.quiet() as building:
            if building is not None:
                return IndexDrift(building=building)
            left = {path.name: _size(path) for path in leftovers(self.folder)}
            try:
                index = self._index or SearchIndex.open(self.folder)
                indexed = index.stamps()
                watermark = index.watermark
            except IndexUnavailable as exc:
                return IndexDrift(problem=str(exc), absent=not self.folder.exists(), leftovers=left)
        # Changes logged after the watermark are not drift: the index applies them on the next search
        # (a CLI import, or a writer killed before it caught up, leaves exactly these behind).
        pending = set(self.source.changes_since(watermark)[0])
        truth = self.source.stamps()
        return IndexDrift(
            missing=sorted(truth.keys() - indexed.keys() - pending),
            extra=sorted(indexed.keys() - truth.keys() - pending),
            stale=sorted(i for i in truth.keys() & indexed.keys() - pending if truth[i] != indexed[i]),
            pending=len(pending),
            leftovers=left,
        )

    def repair(self, progress: Progress = no_progress) -> IndexDrift:
        """Fix what ``check`` finds: rebuild an unreadable index, else re-apply only what drifted.
        Returns what was found (and is now fixed)."""
        with self._lock:
            drift = self.check()
            if drift.leftovers:
                self._clear_leftovers()
            if drift.problem:
                self._index = None
                self.rebuild(progress)
            elif not drift.consistent:
                redo = drift.missing + drift.stale
                self.index().apply(list(self.source.documents(redo)), drift.extra)
            return drift

    def _clear_leftovers(self) -> None:
        """Remove what a killed rebuild left beside the folder, unless a build (which owns those
        folders) runs here or in another process. Costs two ``stat`` calls when there is nothing."""
        if not leftovers(self.folder):
            return
        with self._build_lock.quiet() as building:
            if building is None:
                for path in leftovers(self.folder):
                    shutil.rmtree(path, ignore_errors=True)

    # -- the background writer ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the writer thread: it catches up whenever ``notify`` is called."""
        self._wake_on_write = True
        self._start_thread()

    def _start_thread(self) -> None:
        with self._counting:
            if self._thread is None:
                self._stop.clear()
                self._thread = threading.Thread(target=self._loop, name="index-writer", daemon=True)
                self._thread.start()

    def _others_pending(self) -> bool:
        """Whether writes not this thread's wait for the index: another thread's, counted; or, once the
        keeper's thread runs, anything logged past the watermark (a write committed a moment before it
        is counted, or another process's), which that thread applies. A process without such a
        thread applies other processes' changes on its search: nobody else would (a CLI ``tag``)."""
        if self._applied < self._writes:
            return True
        index = self._index
        if self._thread is None or index is None:
            return False
        return self.source.changes_since(index.watermark)[1] != index.watermark

    def _hand_off(self) -> None:
        """Another thread of this process wrote: the keeper's thread applies it (started on the first
        such search, woken by searches only unless ``start`` asked for every write), not this search."""
        self._start_thread()
        self._wake.set()

    def notify(self) -> None:
        """This process (the calling thread) changed the database: the thread's next search must see
        it, and the writer thread (if ``start``-ed) catches up now."""
        with self._counting:
            write = next(self._counter)
            self._writes = max(self._writes, write)
        self._own.writes = write
        if self._wake_on_write:
            self._wake.set()

    def claim_writes(self) -> None:
        """The calling thread waited for writes other threads made on its behalf (``fetch_pdfs``'s
        download pool): its next search must see them as it sees its own."""
        self._own.writes = max(getattr(self._own, "writes", 0), self._writes)

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join()
            self._thread = None
        self._wake_on_write = False

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.catch_up(wait=RETRY_BUSY)
                self.last_error = None
            except Exception as exc:  # kept for the status bar; the next search retries in the foreground
                self.last_error = exc
            if self.behind and not self._stop.wait(RETRY_BUSY):
                self._wake.set()  # another process was writing: try again, our changes may be newer

    def close(self) -> None:
        self.stop()
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None


class _Run(Protocol):
    def __call__(self, index: SearchIndex) -> list[Hit]: ...


def _size(folder: Path) -> int:
    """Bytes in the files under ``folder`` (one that vanishes meanwhile counts nothing)."""
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            total += path.stat().st_size if path.is_file() else 0
    return total


def _size_text(size: int) -> str:
    return f"{size / 1e6:.0f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} kB"


def _waiting(progress: Progress, cancel: threading.Event | None = None) -> Callable[[], None]:
    """What a keeper does each time it finds another process building the index: says so (the app's
    progress raises when it closes, which ends the wait), and stops when ``cancel`` is set."""

    def wait() -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled("cancelled while another process built the search index")
        progress("Waiting for another process to build the search index", 0, None)

    return wait
