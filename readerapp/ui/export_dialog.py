"""The export dialog (Ctrl+E): scope, format, destination and a live preview of the first papers.

Self-contained: it needs the Library and the app's Workers, nothing of the main window. The preview and
the lists of collections and tags are read on the pool; the export itself runs as a long task whose
progress shows in the dialog. Errors (an unwritable folder, an empty scope) show in the dialog, which
stays open so the user can fix the destination; a folder that does not exist yet is made. Given the
window's ``QSettings``, it opens on the scope, format and folder of the last export.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
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
from readerapp.errors import ExportError, ReaderappError
from readerapp.export.scope import Scope, ScopeKind
from readerapp.ids import safe_filename
from readerapp.records import STATES
from readerapp.ui.signals import emit
from readerapp.ui.workers import Task, Workers

PREVIEW_PAPERS = 3
_LAST = "export/last_"  # the settings keys of the last export's choices
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
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("export-dialog")
        self.setWindowTitle("Export — readerapp")
        self.library = library
        self.workers = workers
        self.selection = list(selection)
        self.settings = settings
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
        self.preview_label = QLabel("Preview")
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
        for text, field, row in (("&Scope", self.scope_kind, self.scope_kind), ("&Which", self.scope_value,
                                 self.scope_value), ("&Format", self.format, self.format),
                                 ("&Destination", self.destination, where)):  # fmt: skip
            caption = QLabel(text)
            caption.setBuddy(field)  # Alt+letter goes to the field; without a buddy the & shows as is
            form.addRow(caption, row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview_label)
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
        self.scope_kind.currentIndexChanged.connect(lambda _index: self._scope_kind_changed())
        self.scope_value.currentTextChanged.connect(lambda _text: self._changed())
        self.format.currentIndexChanged.connect(lambda _index: self._changed())

        self._load_names()
        self.format.setCurrentIndex(max(0, self.format.findData(self._last("format"))))
        self._scope_kind_changed()
        scope = self._remembered_scope() or scope
        if scope is not None:
            self.set_scope(scope)

    # -- what the user chose -----------------------------------------------------------------------

    def set_scope(self, scope: Scope) -> None:
        """Preselect a scope (the window passes its current view)."""
        index = self.scope_kind.findData("selection" if scope.kind == "ids" else scope.kind)
        if index >= 0:
            self.scope_kind.setCurrentIndex(index)
            if scope.kind not in ("all", "ids"):
                self.scope_value.setEditText(scope.value)  # changes the destination and the preview

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
        """Named after the scope, in the folder of the last export (else the library's ``exports``);
        the very file of the last export when scope and format are that export's."""
        scope_name = self.scope_value.currentText().strip() if self.scope_value.isEnabled() else ""
        label = scope_name or self.scope_kind.currentText()
        name = safe_filename(label) + EXPORT_EXTENSIONS[self.current_format()]
        last = self._last("destination")
        if not last:
            return self.library.path / "exports" / name
        if self._choice() == (self._last("scope_kind"), self._last("scope_value"), self._last("format")):
            return Path(last)
        return Path(last).parent / name

    def _choice(self) -> tuple[str, str, str]:
        value = self.scope_value.currentText().strip() if self.scope_value.isEnabled() else ""
        return str(self.scope_kind.currentData()), value, self.current_format()

    def _last(self, key: str) -> str:
        """One choice of the last export ("" when there was none, or nothing remembers)."""
        return str(self.settings.value(_LAST + key, "")) if self.settings is not None else ""

    def _remembered_scope(self) -> Scope | None:
        kind, value = self._last("scope_kind"), self._last("scope_value")
        if kind == "selection":
            return Scope.ids(self.selection) if self.selection else None
        try:
            return Scope.all() if kind == "all" else Scope.of(kind, value)  # type: ignore[arg-type]
        except ReaderappError:
            return None  # nothing remembered, or a kind this version does not know

    def _remember(self, destination: Path) -> None:
        if self.settings is None:
            return
        kind, value, fmt = self._choice()
        for key, chosen in (("scope_kind", kind), ("scope_value", value), ("format", fmt),
                            ("destination", str(destination))):  # fmt: skip
            self.settings.setValue(_LAST + key, chosen)
        self.settings.sync()

    # -- reacting ----------------------------------------------------------------------------------

    def _scope_kind_changed(self, keep: str = "") -> None:
        """Offer the names of the kind chosen; ``keep`` is a value to stay chosen among them."""
        kind = self.scope_kind.currentData()
        needs_value = kind not in ("selection", "all")
        self.scope_value.blockSignals(True)
        self.scope_value.clear()
        self.scope_value.addItems(self._names.get(kind, []))
        if keep:
            self.scope_value.setEditText(keep)
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
        if self.scope_kind.currentData() in names:
            self._scope_kind_changed(keep=self.scope_value.currentText())

    def _refresh_preview(self) -> None:
        self._preview_generation += 1
        generation = self._preview_generation
        try:
            scope = self.current_scope()
        except ReaderappError as exc:
            self._show_preview(generation, f"({exc})")
            return
        library, fmt = self.library, self.current_format()

        def read() -> tuple[str, int]:
            return library.export_preview(scope, fmt, PREVIEW_PAPERS), len(library.scope_ids(scope))

        task = self.workers.read("export-preview", read)
        task.done.connect(lambda answer: self._show_preview(
            generation, answer[0] or "(no papers in this scope)", answer[1]))  # fmt: skip
        task.failed.connect(lambda error: self._show_preview(generation, f"({error})"))

    def _show_preview(self, generation: int, text: str, count: int | None = None) -> None:
        if generation != self._preview_generation:  # a later change has asked for a newer preview
            return
        self.preview.setPlainText(text)
        if count is None:
            self.preview_label.setText("Preview")
        else:
            papers = f"{count} paper{'s' * (count != 1)}"
            shown = f": the first {PREVIEW_PAPERS} shown" if count > PREVIEW_PAPERS else ""
            self.preview_label.setText(f"Preview — will write {papers}{shown}")

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
        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.message.setText("Exporting…")

        def job(task: Task) -> ExportResult:
            _make_folder(destination if fmt == "obsidian" else destination.parent)
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
        self._remember(result.path)
        summary = result.summary()
        self.message.setText(summary)
        emit(self.exported, summary)
        self.accept()

    def _fail(self, error: object) -> None:
        self._running = None
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.message.setText(f"Export failed: {error}")


def _make_folder(folder: Path) -> None:
    """The export's folder, made when it does not exist yet; a clear one-line error when it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot make the folder {folder}: {exc.strerror or exc}") from None
