"""Where the app's slow work runs: one serial writer for the database, a pool for reads and network.

Writes go one at a time through a single thread (Anki's collection executor), so two triage keys can
never race each other and undo records arrive in the order the user pressed the keys. Reads, searches
and sync run on a small pool; a read waits for the writes submitted before it. Workers never touch
widgets: each job is a ``Task`` object living on the GUI thread whose signals the worker emits, which
Qt delivers there as queued calls.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from typing import Any

from PySide6.QtCore import QObject, Signal

from readerapp.ui.signals import emit


class Task(QObject):
    """One job: ``done(result)`` or ``failed(error)`` on the GUI thread, ``progress`` while it runs."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, str)
    finished = Signal()
    _succeeded = Signal(object)  # emitted by the worker, delivered on the GUI thread
    _raised = Signal(object)

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.cancel_event = threading.Event()
        # A relay, so a job that ends before its caller has connected to ``done`` is not lost: the
        # queued delivery runs only after the caller's code has returned to the event loop.
        self._succeeded.connect(self._deliver_result)
        self._raised.connect(self._deliver_error)

    def _deliver_result(self, value: object) -> None:
        emit(self.done, value)
        emit(self.finished)

    def _deliver_error(self, error: object) -> None:
        emit(self.failed, error)
        emit(self.finished)

    def cancel(self) -> None:
        """Ask the job to stop at its next check; it reports ``failed`` with its cancel error."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def report(self, done: int, total: int, text: str = "") -> None:
        """Callable from the worker thread: progress crosses to the GUI thread as a queued signal."""
        emit(self.progress, done, total, text)


class Workers(QObject):
    """The two executors and the tasks still in flight (kept alive until their signals arrive)."""

    busy_changed = Signal(int)

    def __init__(self, read_threads: int = 3, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="readerapp-write")
        self._pool = ThreadPoolExecutor(read_threads, thread_name_prefix="readerapp-read")
        self._live: set[Task] = set()
        self._last_write: Future[None] | None = None
        self._closed = False

    def write(self, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
        """Run a database write after every write submitted before it."""
        return self._submit(self._writer, name, fn, args, kwargs)

    def read(self, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
        """Run a read, a search or network work on the pool."""
        return self._submit(self._pool, name, fn, args, kwargs)

    def long(self, name: str, fn: Callable[[Task], Any]) -> Task:
        """Run long, cancellable work on the pool; ``fn`` gets its Task to report progress and check
        ``cancel_event``."""
        task = Task(name)
        self._start(self._pool, task, fn, (task,), {})
        return task

    @property
    def busy(self) -> int:
        return len(self._live)

    @property
    def closed(self) -> bool:
        """True once ``shutdown`` began: results arriving after it have no window to go to."""
        return self._closed

    def cancel_all(self) -> None:
        for task in list(self._live):
            task.cancel()

    def shutdown(self) -> None:
        """Finish the queued writes (nothing the user did is lost), drop queued reads."""
        self._closed = True
        self.cancel_all()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._writer.shutdown(wait=True)

    def _submit(self, executor: Executor, name: str, fn: Callable[..., Any],
                args: tuple[Any, ...], kwargs: dict[str, Any]) -> Task:
        task = Task(name)
        self._start(executor, task, fn, args, kwargs)
        return task

    def _start(self, executor: Executor, task: Task, fn: Callable[..., Any],
               args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if self._closed:
            return  # the window is going away: a late timer's job is not worth running
        self._live.add(task)
        task.finished.connect(lambda: self._retire(task))
        emit(self.busy_changed, len(self._live))

        # Reads wait for the writes submitted before them, so a view opened right after a triage key
        # shows that key's result (read-your-writes), while they still run beside later writes.
        before = self._last_write if executor is self._pool else None

        def run() -> None:
            if before is not None:
                wait([before])
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:  # delivered to the GUI thread, which decides what to show
                emit(task._raised, exc)
            else:
                emit(task._succeeded, result)

        future = executor.submit(run)
        if executor is self._writer:
            self._last_write = future

    def _retire(self, task: Task) -> None:
        self._live.discard(task)
        emit(self.busy_changed, len(self._live))
