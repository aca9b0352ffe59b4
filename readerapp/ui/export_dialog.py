"""The export dialog (Ctrl+E): scope, format, destination and a live preview of the first papers.

Self-contained: it needs the Library and the app's Workers, nothing of the main window. The preview and
the lists of collections and tags are read on the pool; the export itself runs as a long task whose
progress shows in the dialog. Errors (an unwritable folder, an empty scope) show in the dialog, which
stays open so the user can fix the destination.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from readerapp.api import ExportResult, Library
from readerapp.choices import EXPORT_EXTENSIONS, EXPORT_FORMATS
from readerapp.errors import ReaderappError
from readerapp.export.scope import Scope, ScopeKind
from readerapp.ids import safe_filename
from readerapp.records import STATES
from readerapp.ui.signals import emit
from readerapp.ui.workers import Task, Workers

PREVIEW_PAPERS = 3
_SCOPES = [  # (label, kind): "selection" is the ids the window passed in
    ("Selected papers", "selection"),
    ("All papers", "all"),
    ("Collection or saved search", "collection"),
    ("Tag", "tag"),
    ("State", "state"),
    ("Search", "query"),
]


def scope_for_view(kind: str, value: str = "") -> Scope | None:
    """The export scope matching the window's view (``tag:llm`` -> tag llm), or None for a view no
    scope expresses (starred, a feed day, For you)."""
    if kind in STATES:
        return Scope.of("state", kind)
    if kind == "all":
        return Scope.all()
    scope = _VIEW_SCOPES.get(kind)
    return Scope.of(scope, value) if scope is not None and value.strip() else None


# The views that take a value, by the scope that takes the same papers (a search: its query's).
_VIEW_SCOPES: dict[str, ScopeKind] = {"tag": "tag", "collection": "collection", "search": "query"}


class ExportDialog(QDialog):
    """``exported(summary)`` once a file or vault is written."""

    exported = Signal(str)

    def __init__(
        self,
        library: Library,
        workers: Workers,
        selection: Sequence[str] = (),
        scope: Scope | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("export-dialog")
        self.setWindowTitle("Export — readerapp")
        self.library = library
        self.workers = workers
        self.selection = list(selection)
        self._preview_generation = 0
        self._running: Task | None = None  # the export in flight: Cancel or closing the dialog stops it
        self._names: dict[str, list[str]] = {"state": list(STATES)}

        self.scope_kind = QComboBox()
        for label, kind in _SCOPES:
            if kind != "selection" or self.selection:
                self.scope_kind.addItem(label, kind)
        self.scope_value = QComboBox()
        self.scope_value.setEditable(True)
        self.scope_value.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.format = QComboBox()
        for fmt in EXPORT_FORMATS:
            self.format.addItem(fmt, fmt)
        self.destination = QLineEdit()
        browse = QPushButton("Browse…")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setObjectName("export-preview")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)

        where = QHBoxLayout()
        where.addWidget(self.destination, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("&Scope", self.scope_kind)
        form.addRow("&Which", self.scope_value)
        form.addRow("&Format", self.format)
        form.addRow("&Destination", where)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Preview (first papers)"))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(720, 560)
        self.export_button.setDefault(True)  # Enter exports; only once the button is inside the dialog

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._refresh_preview)
        self.scope_kind.currentIndexChanged.connect(self._scope_kind_changed)
        self.scope_value.currentTextChanged.connect(lambda _text: self._changed())
        self.format.currentIndexChanged.connect(lambda _index: self._changed())

        self._load_names()
        if scope is not None:
            self.set_scope(scope)
        self._scope_kind_changed()

    # -- what the user chose -----------------------------------------------------------------------

    def set_scope(self, scope: Scope) -> None:
        """Preselect a scope (the window passes its current view)."""
        index = self.scope_kind.findData("selection" if scope.kind == "ids" else scope.kind)
        if index >= 0:
            self.scope_kind.setCurrentIndex(index)
            if scope.kind not in ("all", "ids"):
                self.scope_value.setEditText(scope.value)

    def current_scope(self) -> Scope:
        """The chosen scope; ReaderappError when its value is missing."""
        kind = self.scope_kind.currentData()
        if kind == "selection":
            return Scope.ids(self.selection)
        if kind == "all":
            return Scope.all()
        return Scope.of(kind, self.scope_value.currentText().strip())

    def current_format(self) -> str:
        return str(self.format.currentData())

    def _default_destination(self) -> Path:
        scope_name = self.scope_value.currentText().strip() if self.scope_value.isEnabled() else ""
        label = scope_name or self.scope_kind.currentText()
        extension = EXPORT_EXTENSIONS[self.current_format()]
        return self.library.path / "exports" / (safe_filename(label) + extension)

    # -- reacting ----------------------------------------------------------------------------------

    def _scope_kind_changed(self) -> None:
        kind = self.scope_kind.currentData()
        needs_value = kind not in ("selection", "all")
        self.scope_value.blockSignals(True)
        self.scope_value.clear()
        self.scope_value.addItems(self._names.get(kind, []))
        self.scope_value.blockSignals(False)
        self.scope_value.setEnabled(needs_value)
        self._changed()

    def _changed(self) -> None:
        self.destination.setText(str(self._default_destination()))
        self._debounce.start()

    def _browse(self) -> None:
        start = self.destination.text()
        if self.current_format() == "obsidian":
            chosen = QFileDialog.getExistingDirectory(self, "Export to folder", start)
        else:
            chosen, _filter = QFileDialog.getSaveFileName(self, "Export to file", start)
        if chosen:
            self.destination.setText(chosen)

    def _load_names(self) -> None:
        def read() -> dict[str, list[str]]:
            return {
                "collection": [c.name for c in self.library.collections()],
                "tag": list(self.library.tag_counts()),
            }

        task = self.workers.read("export-names", read)
        task.done.connect(self._names_loaded)

    def _names_loaded(self, names: dict[str, list[str]]) -> None:
        self._names.update(names)
        if self.scope_kind.currentData() in names and not self.scope_value.currentText():
            self._scope_kind_changed()

    def _refresh_preview(self) -> None:
        self._preview_generation += 1
        generation = self._preview_generation
        try:
            scope = self.current_scope()
        except ReaderappError as exc:
            self._show_preview(generation, f"({exc})")
            return
        task = self.workers.read(
            "export-preview", self.library.export_preview, scope, self.current_format(), PREVIEW_PAPERS
        )
        task.done.connect(lambda text: self._show_preview(generation, text or "(no papers in this scope)"))
        task.failed.connect(lambda error: self._show_preview(generation, f"({error})"))

    def _show_preview(self, generation: int, text: str) -> None:
        if generation == self._preview_generation:  # a later change has asked for a newer preview
            self.preview.setPlainText(text)

    # -- exporting ---------------------------------------------------------------------------------

    def start_export(self) -> Task | None:
        """Run the export on a worker (its task; None: the scope is wrong, the dialog says why); the dialog
        closes when it is written."""
        try:
            scope = self.current_scope()
        except ReaderappError as exc:
            self._fail(exc)
            return None
        fmt, destination = self.current_format(), Path(self.destination.text().strip()).expanduser()
        if destination.parent == self.library.path / "exports":
            destination.parent.mkdir(exist_ok=True)
        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.message.setText("Exporting…")

        def job(task: Task) -> ExportResult:
            return self.library.export(
                scope,
                fmt,
                destination,
                progress=lambda _what, done, total: task.report(done, total or 0),
                cancel=task.cancel_event,
            )

        task = self.workers.long("export", job)
        self._running = task
        task.progress.connect(self._progressed)
        task.done.connect(self._succeeded)
        task.failed.connect(self._fail)
        return task

    def _progressed(self, done: int, total: int, _text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def reject(self) -> None:
        """Cancel stops a running export (nothing is written) as well as closing the dialog."""
        if self._running is not None:
            self._running.cancel()
        super().reject()

    def _succeeded(self, result: ExportResult) -> None:
        self._running = None
        summary = result.summary()
        self.message.setText(summary)
        emit(self.exported, summary)
        self.accept()

    def _fail(self, error: object) -> None:
        self._running = None
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.message.setText(f"Export failed: {error}")
