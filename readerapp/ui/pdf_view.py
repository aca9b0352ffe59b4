"""The PDF viewer: pages rendered on a worker thread, drawn lazily, driven by the keyboard.

``PdfView`` lays the pages out in one column from their sizes alone (known as soon as the document
opens), paints the ones in view from a page cache, and asks the render thread for the visible pages
first and the next ones ahead, so reading at normal speed never meets a blank page. A page whose image
is not ready yet (or is at an old zoom) is drawn stretched from the last image or as a white sheet.

Its actions are named commands (``ViewerCommands``: ``pdf-scroll-down``, ``pdf-last-page``...), read
from keys by a dispatcher of the viewer's own over the keymap's reader table, vim-like as in the rest of
the app: ``j``/``k`` scroll, Space a screen, ``J``/``K`` a page, ``gg``/``G`` first/last page, a count
before ``G`` or ``gg`` goes to that page, ``+``/``-`` zoom, ``w``/``f`` fit, ``/`` find, ``n``/``N``
hits. Alone (the tests), a viewer runs its own commands; in the app (``ViewerKeys``) the keys are the
user's and run through the window's registry, so the window's keys the reader leaves free still work.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFocusEvent,
    QImage,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from readerapp.interaction.keymap import Keymap, KeyParser, Sequence
from readerapp.interaction.registry import READER, CommandRegistry, LineRunner, command
from readerapp.pdfs.position import MAX_ZOOM, MIN_ZOOM, PdfPosition, zoom_factor
from readerapp.ui.key_events import KeyDispatcher
from readerapp.ui.pdf_render import Hit, PageRenderer
from readerapp.ui.signals import emit

MARGIN = 12  # pixels around the column of pages
GAP = 10  # pixels between pages
POINT = 96 / 72  # pixels per PDF point at 100 %
LINE = 48  # pixels one j/k moves
AHEAD, BEHIND = 2, 1  # pages rendered beyond the visible ones
CACHE_BYTES = 96 * 2**20  # per view: ~38 fit-width pages on a 1080p screen; two views may compare
ZOOM_STEP = 1.2
_SAVE_DELAY_MS = 400
_HIT = QColor(255, 200, 0, 90)
_CURRENT_HIT = QColor(255, 120, 0, 130)


class PageCache:
    """The latest image of each page, least recently used dropped first past a byte budget."""

    def __init__(self, budget: int = CACHE_BYTES) -> None:
        self.budget = budget
        self._images: OrderedDict[int, tuple[float, QImage]] = OrderedDict()
        self._bytes = 0

    def get(self, page: int) -> tuple[float, QImage] | None:
        found = self._images.get(page)
        if found is not None:
            self._images.move_to_end(page)
        return found

    def put(self, page: int, scale: float, image: QImage) -> None:
        old = self._images.pop(page, None)
        if old is not None:
            self._bytes -= old[1].sizeInBytes()
        self._images[page] = (scale, image)
        self._bytes += image.sizeInBytes()
        while self._bytes > self.budget and len(self._images) > 1:
            _page, (_scale, dropped) = self._images.popitem(last=False)
            self._bytes -= dropped.sizeInBytes()

    def clear(self) -> None:
        self._images.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._images)


def _stop_all(renderers: list[PageRenderer]) -> None:
    """End these render threads and wait for them (each finishes the page in hand)."""
    while renderers:
        renderer = renderers.pop()
        renderer.stop()
        renderer.wait()


class PdfView(QAbstractScrollArea):
    """One PDF, scrolled and zoomed with keys. Emits ``position_changed`` (debounced) for saving."""

    loaded = Signal(int)  # page count
    failed = Signal(str)
    state_changed = Signal()  # page, zoom or hits changed: the status line refreshes
    position_changed = Signal(object)  # PdfPosition, a moment after the reader stops moving
    page_painted = Signal(int)  # a page was drawn from a rendered image at the current zoom
    blank_painted = Signal(int)  # a visible page had no image at all yet
    find_requested = Signal()
    leave_requested = Signal()  # Escape with no hits to clear: the reader is done with the PDF
    focused = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # fit width stays put
        self.viewport().setAutoFillBackground(False)
        self.path: Path | None = None
        self.cache = PageCache()
        self.hits: list[Hit] = []
        self.hit_index = -1
        self._renderer: PageRenderer | None = None
        # The window may be destroyed with a PDF open (closing the app, a test's teardown): the render
        # thread must end first. ``destroyed`` fires before Qt deletes children; the slot holds the
        # running thread through this list, not through ``self``, which is half gone by then.
        self._running: list[PageRenderer] = []
        self.destroyed.connect(partial(_stop_all, self._running))
        self._asked: list[tuple[int, float]] = []
        self._sizes: list[tuple[float, float]] = []
        self._tops: list[int] = []
        self._zoom = "width"
        self._scale = 1.0
        self._pending: PdfPosition | None = None
        self._query = ""
        self._save = QTimer(self, singleShot=True, interval=_SAVE_DELAY_MS)
        self._save.timeout.connect(lambda: emit(self.position_changed, self.position()))
        self.verticalScrollBar().valueChanged.connect(self._moved)
        self.horizontalScrollBar().valueChanged.connect(self.viewport().update)

    # -- document --------------------------------------------------------------------------------

    def open(self, path: Path, position: PdfPosition | None = None) -> None:
        """Start showing ``path`` (at ``position``); pages appear as the render thread delivers them."""
        self.close_document()
        self.path = path
        self._pending = position or PdfPosition()
        self._zoom = self._pending.zoom
        renderer = PageRenderer(path)
        renderer.opened.connect(self._opened)
        renderer.open_failed.connect(self._open_failed)
        renderer.rendered.connect(self._rendered)
        renderer.found.connect(self._found)
        self._renderer = renderer
        self._running.append(renderer)
        renderer.start()

    def close_document(self) -> None:
        """Stop the render thread and forget the pages (the position was already emitted on moves)."""
        if self._save.isActive():
            self._save.stop()
            if self._sizes:
                emit(self.position_changed, self.position())
        if self._renderer is not None:
            _stop_all(self._running)
            self._renderer.deleteLater()
            self._renderer = None
        self._sizes, self._tops, self.hits, self.hit_index, self._asked = [], [], [], -1, []
        self.cache.clear()
        self.path = None
        self.viewport().update()

    @property
    def page_count(self) -> int:
        return len(self._sizes)

    @property
    def ready(self) -> bool:
        return bool(self._sizes)

    @property
    def zoom(self) -> str:
        return self._zoom

    @property
    def scale(self) -> float:
        """Pixels per PDF point at the current zoom."""
        return self._scale

    def _opened(self, sizes: list[tuple[float, float]]) -> None:
        self._sizes = sizes
        position = self._pending or PdfPosition()
        self._pending = None
        self._relayout(PdfPosition(min(position.page, len(sizes) - 1), position.offset, position.zoom))
        emit(self.loaded, len(sizes))
        emit(self.state_changed)

    def _open_failed(self, message: str) -> None:
        emit(self.failed, message)

    # -- layout ----------------------------------------------------------------------------------

    def _fit_scale(self) -> float:
        width = max(w for w, _h in self._sizes)
        height = max(h for _w, h in self._sizes)
        by_width = max(self.viewport().width() - 2 * MARGIN, 50) / width
        if self._zoom == "width":
            return by_width
        if self._zoom == "page":
            return min(by_width, max(self.viewport().height() - 2 * MARGIN, 50) / height)
        return (zoom_factor(self._zoom) or 1.0) * POINT

    def _relayout(self, keep: PdfPosition | None = None) -> None:
        """Recompute page positions for the current zoom, keeping the reader on the same spot."""
        if not self._sizes:
            return
        keep = keep or self.position()
        self._scale = self._fit_scale()
        self._tops = []
        y = MARGIN
        for _w, h in self._sizes:
            self._tops.append(y)
            y += round(h * self._scale) + GAP
        total = y - GAP + MARGIN
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, total - self.viewport().height()))
        bar.setPageStep(self.viewport().height())
        bar.setSingleStep(LINE)
        across = self.horizontalScrollBar()
        across.setRange(0, max(0, self._content_width() - self.viewport().width()))
        across.setPageStep(self.viewport().width())
        across.setSingleStep(LINE)
        self._scroll_to(keep.page, keep.offset)
        self.viewport().update()

    def _content_width(self) -> int:
        return round(max(w for w, _h in self._sizes) * self._scale) + 2 * MARGIN

    def _page_height(self, page: int) -> int:
        return round(self._sizes[page][1] * self._scale)

    def _page_rect(self, page: int) -> QRectF:
        """Where the page is drawn, in viewport coordinates."""
        width = round(self._sizes[page][0] * self._scale)
        centre = max(self.viewport().width(), self._content_width()) / 2
        x = centre - width / 2 - self.horizontalScrollBar().value()
        y = self._tops[page] - self.verticalScrollBar().value()
        return QRectF(x, y, width, self._page_height(page))

    def _page_at(self, y: int) -> int:
        return max(0, bisect.bisect_right(self._tops, y) - 1)

    def visible_pages(self) -> list[int]:
        if not self._tops:
            return []
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        first = self._page_at(top)
        last = self._page_at(bottom)
        return [p for p in range(first, last + 1) if self._tops[p] + self._page_height(p) > top]

    def current_page(self) -> int:
        """The page the reader is on: the one under the upper third of the view."""
        if not self._tops:
            return 0
        return self._page_at(self.verticalScrollBar().value() + self.viewport().height() // 3)

    # -- position --------------------------------------------------------------------------------

    def position(self) -> PdfPosition:
        if not self._tops:
            return self._pending or PdfPosition(zoom=self._zoom)
        y = self.verticalScrollBar().value()
        page = self._page_at(y + MARGIN)  # a page shown from its top edge (see _scroll_to) counts
        offset = (y - self._tops[page]) / max(self._page_height(page), 1)
        return PdfPosition(page, min(max(offset, 0.0), 1.0), self._zoom)

    def set_position(self, position: PdfPosition) -> None:
        if not self._sizes:
            self._pending = position
            return
        self._zoom = position.zoom
        self._relayout(PdfPosition(min(position.page, self.page_count - 1), position.offset, position.zoom))

    def _scroll_to(self, page: int, offset: float = 0.0) -> None:
        page = min(max(page, 0), self.page_count - 1)
        y = self._tops[page] + round(offset * self._page_height(page))
        if offset == 0.0:
            y -= MARGIN // 2  # show the page's top edge, not flush with the view's
        self.verticalScrollBar().setValue(max(0, y))

    def go_to_page(self, page: int) -> None:
        if self._sizes:
            self._scroll_to(page)

    def scroll_by(self, pixels: int) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + pixels)

    def scroll_across(self, pixels: int) -> None:
        """Scroll sideways (a page zoomed wider than the view)."""
        bar = self.horizontalScrollBar()
        bar.setValue(bar.value() + pixels)

    def screen_step(self) -> int:
        """How far a screen's scroll goes: the view's height less a line, which stays in view."""
        return max(self.viewport().height() - LINE, LINE)

    def _moved(self) -> None:
        self.viewport().update()
        emit(self.state_changed)
        if self._sizes:
            self._save.start()

    # -- zoom ------------------------------------------------------------------------------------

    def set_zoom(self, zoom: str) -> None:
        """``"width"``, ``"page"`` or a factor ("1.5"); the page in view stays in view."""
        zoom_factor(zoom)  # refuses nonsense
        keep = self.position()
        self._zoom = zoom
        self._relayout(PdfPosition(keep.page, keep.offset, zoom))
        emit(self.state_changed)
        self._save.start()

    def zoom_by(self, factor: float) -> None:
        current = self._scale / POINT
        wanted = min(max(current * factor, MIN_ZOOM), MAX_ZOOM)
        self.set_zoom(f"{wanted:.3f}")

    # -- find ------------------------------------------------------------------------------------

    def find_text(self, query: str) -> None:
        """Search every page on the render thread; hits are marked and the first one after the current
        page is shown."""
        self._query = query
        if self._renderer is not None:
            self._renderer.find(query)

    def clear_hits(self) -> None:
        self.hits, self.hit_index, self._query = [], -1, ""
        self.viewport().update()
        emit(self.state_changed)

    def _found(self, query: str, hits: list[Hit]) -> None:
        if query != self._query:
            return  # an older search finished after a newer one was asked
        self.hits = hits
        here = self.current_page()
        self.hit_index = next((i for i, h in enumerate(hits) if h.page >= here), 0) if hits else -1
        self._show_hit()
        emit(self.state_changed)

    def next_hit(self, step: int = 1) -> None:
        if self.hits:
            self.hit_index = (self.hit_index + step) % len(self.hits)
            self._show_hit()
            emit(self.state_changed)

    def _show_hit(self) -> None:
        if self.hit_index < 0:
            self.viewport().update()
            return
        hit = self.hits[self.hit_index]
        top = self._tops[hit.page] + round(hit.box[1] * self._scale)
        bar = self.verticalScrollBar()
        if not (bar.value() <= top <= bar.value() + self.viewport().height() - LINE):
            bar.setValue(max(0, top - self.viewport().height() // 3))
        self.viewport().update()

    # -- rendering -------------------------------------------------------------------------------

    def render_scale(self) -> float:
        """The scale pages are rendered at now: the zoom times the screen's pixel ratio."""
        return round(self._scale * self.devicePixelRatioF(), 4)

    def _rendered(self, page: int, scale: float, image: QImage) -> None:
        if self.path is None or page >= self.page_count:
            return
        image.setDevicePixelRatio(self.devicePixelRatioF())
        self.cache.put(page, scale, image)
        if page in self.visible_pages():
            self.viewport().update()

    def _request(self, visible: list[int]) -> None:
        """Ask for the visible pages without a current image, then the ones ahead and just behind."""
        if self._renderer is None or not visible:
            return
        scale = self.render_scale()
        ahead = range(visible[-1] + 1, min(visible[-1] + 1 + AHEAD, self.page_count))
        behind = range(max(visible[0] - BEHIND, 0), visible[0])
        wanted = []
        for page in [*visible, *ahead, *behind]:
            cached = self.cache.get(page)
            if cached is None or cached[0] != scale:
                wanted.append((page, scale))
        if wanted != self._asked:
            self._asked = wanted
            self._renderer.want(wanted)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.fillRect(self.viewport().rect(), self.palette().color(self.backgroundRole()).darker(115))
        visible = self.visible_pages()
        scale = self.render_scale()
        for page in visible:
            rect = self._page_rect(page)
            cached = self.cache.get(page)
            painter.fillRect(rect, Qt.GlobalColor.white)
            if cached is not None:
                painter.drawImage(rect, cached[1])
                if cached[0] == scale:
                    emit(self.page_painted, page)
            else:
                painter.setPen(QColor(150, 150, 150))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"Page {page + 1}")
                emit(self.blank_painted, page)
            self._paint_hits(painter, page, rect)
        painter.end()
        self._request(visible)

    def _paint_hits(self, painter: QPainter, page: int, rect: QRectF) -> None:
        for index, hit in enumerate(self.hits):
            if hit.page != page:
                continue
            x0, y0, x1, y1 = (v * self._scale for v in hit.box)
            box = QRectF(rect.x() + x0, rect.y() + y0, x1 - x0, y1 - y0)
            current = index == self.hit_index
            painter.fillRect(box, _CURRENT_HIT if current else _HIT)
            if current:
                painter.setPen(QPen(QColor(220, 90, 0), 1.5))
                painter.drawRect(box)

    def resizeEvent(self, event: QResizeEvent) -> None:
        keep = self.position() if self._tops else None
        super().resizeEvent(event)
        self._relayout(keep)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        emit(self.focused)


READER_MENU = "Reader"


class ViewerCommands:
    """The viewer's actions as named commands, each on the view ``target`` returns: a viewer's own
    view, or in the app the view the reader last used (``PdfActions``). A count typed before the key
    repeats the move, or names the page for ``gg`` and ``G``."""

    def __init__(self, target: Callable[[], PdfView]) -> None:
        self._target = target

    @command("pdf-scroll-down", menu=READER_MENU, title="Scroll down", context=READER)
    def pdf_scroll_down(self, *, count: int | None = None) -> None:
        """Scroll down a line (3j: three lines)."""
        self._target().scroll_by(LINE * (count or 1))

    @command("pdf-scroll-up", menu=READER_MENU, title="Scroll up", context=READER)
    def pdf_scroll_up(self, *, count: int | None = None) -> None:
        """Scroll up a line (3k: three lines)."""
        self._target().scroll_by(-LINE * (count or 1))

    @command("pdf-scroll-left", menu=READER_MENU, title="Scroll left", context=READER)
    def pdf_scroll_left(self, *, count: int | None = None) -> None:
        """Scroll left a step, on a page zoomed wider than the view (3 Left: three steps)."""
        self._target().scroll_across(-LINE * (count or 1))

    @command("pdf-scroll-right", menu=READER_MENU, title="Scroll right", context=READER)
    def pdf_scroll_right(self, *, count: int | None = None) -> None:
        """Scroll right a step, on a page zoomed wider than the view."""
        self._target().scroll_across(LINE * (count or 1))

    @command("pdf-screen-down", menu=READER_MENU, title="Screen down", context=READER)
    def pdf_screen_down(self, *, count: int | None = None) -> None:
        """Scroll down a screen, keeping its last line in view."""
        view = self._target()
        view.scroll_by(view.screen_step() * (count or 1))

    @command("pdf-screen-up", menu=READER_MENU, title="Screen up", context=READER)
    def pdf_screen_up(self, *, count: int | None = None) -> None:
        """Scroll up a screen, keeping its first line in view."""
        view = self._target()
        view.scroll_by(-view.screen_step() * (count or 1))

    @command("pdf-next-page", menu=READER_MENU, title="Next page", context=READER)
    def pdf_next_page(self, *, count: int | None = None) -> None:
        """Go to the top of the next page (3J: three pages on)."""
        view = self._target()
        view.go_to_page(view.current_page() + (count or 1))

    @command("pdf-previous-page", menu=READER_MENU, title="Previous page", context=READER)
    def pdf_previous_page(self, *, count: int | None = None) -> None:
        """Go to the top of the previous page (3K: three pages back)."""
        view = self._target()
        view.go_to_page(view.current_page() - (count or 1))

    @command("pdf-first-page", menu=READER_MENU, title="First page", context=READER)
    def pdf_first_page(self, *, count: int | None = None) -> None:
        """Go to the first page, or with a count to that page (12gg: page 12)."""
        self._target().go_to_page((count or 1) - 1)

    @command("pdf-last-page", menu=READER_MENU, title="Last page", context=READER)
    def pdf_last_page(self, *, count: int | None = None) -> None:
        """Go to the end of the last page, or with a count to that page (12G: page 12)."""
        view = self._target()
        if count:
            view.go_to_page(count - 1)
        else:
            view.scroll_by(view.verticalScrollBar().maximum())

    @command("pdf-zoom-in", menu=READER_MENU, title="Zoom in", context=READER)
    def pdf_zoom_in(self, *, count: int | None = None) -> None:
        """Zoom in a step (20 %), keeping the page in view."""
        self._target().zoom_by(ZOOM_STEP ** (count or 1))

    @command("pdf-zoom-out", menu=READER_MENU, title="Zoom out", context=READER)
    def pdf_zoom_out(self, *, count: int | None = None) -> None:
        """Zoom out a step, keeping the page in view."""
        self._target().zoom_by(ZOOM_STEP ** -(count or 1))

    @command("pdf-actual-size", menu=READER_MENU, title="Actual size", context=READER)
    def pdf_actual_size(self) -> None:
        """Show the PDF at 100 %, its printed size on a 96 dpi screen."""
        self._target().set_zoom("1")

    @command("pdf-fit-width", menu=READER_MENU, title="Fit width", context=READER)
    def pdf_fit_width(self) -> None:
        """Zoom so that the page fills the width of the view (kept as the view is resized)."""
        self._target().set_zoom("width")

    @command("pdf-fit-page", menu=READER_MENU, title="Fit page", context=READER)
    def pdf_fit_page(self) -> None:
        """Zoom so that a whole page fits in the view."""
        self._target().set_zoom("page")

    @command("pdf-find", menu=READER_MENU, title="Find…", context=READER)
    def pdf_find(self) -> None:
        """Find text in the PDF: Enter marks every hit and shows the first after this page."""
        emit(self._target().find_requested)

    @command("pdf-next-hit", menu=READER_MENU, title="Next hit", context=READER)
    def pdf_next_hit(self, *, count: int | None = None) -> None:
        """Show the next find hit (after the last, the first)."""
        self._target().next_hit(count or 1)

    @command("pdf-previous-hit", menu=READER_MENU, title="Previous hit", context=READER)
    def pdf_previous_hit(self, *, count: int | None = None) -> None:
        """Show the previous find hit (before the first, the last)."""
        self._target().next_hit(-(count or 1))

    @command("pdf-back", menu=READER_MENU, title="Clear hits or leave", context=READER)
    def pdf_back(self) -> None:
        """Unmark the find hits; with none marked, leave the PDF, as close-pdf does."""
        view = self._target()
        if view.hits:
            view.clear_hits()
        else:
            emit(view.leave_requested)


@dataclass(frozen=True, slots=True)
class ViewerKeys:
    """How a viewer's keys run: its bindings (in the app, the reader's keys of the user's keymap), the
    runner of a matched command line with its count, and where a half-typed key is shown."""

    bindings: Mapping[Sequence, str]
    run: LineRunner
    show_pending: Callable[[str], None] | None = None


class PdfViewer(QWidget):
    """The view with its status line (page, zoom, hits), a find field that ``/`` opens, and the
    dispatcher that reads the view's keys (``keys``; by default the reader's default keys of the
    viewer's own commands)."""

    engaged = Signal()  # the reader turned to this viewer (focus, a key): commands from elsewhere act here

    def __init__(self, parent: QWidget | None = None, keys: ViewerKeys | None = None) -> None:
        super().__init__(parent)
        self.view = PdfView(self)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.find_field = QLineEdit(self)
        self.find_field.setPlaceholderText("Find in PDF (Enter: search, Escape: back to the page)")
        self.find_field.setClearButtonEnabled(True)
        self.find_field.hide()
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 2)
        bar.addWidget(self.find_field, 1)
        bar.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self.view.state_changed.connect(self._show_state)
        self.view.failed.connect(self.status.setText)
        self.view.find_requested.connect(self._open_find)
        self.find_field.returnPressed.connect(self._find)
        self.find_field.installEventFilter(self)
        self.setFocusProxy(self.view)
        self.view.focused.connect(self.engaged)
        keys = keys or self._own_keys()
        self._run_line = keys.run
        self.dispatcher = KeyDispatcher(KeyParser(keys.bindings, counts=True), self._run, self)
        self.dispatcher.watch(self.view)
        if keys.show_pending is not None:
            self.dispatcher.pending_changed.connect(keys.show_pending)

    def _own_keys(self) -> ViewerKeys:
        """The reader's default keys of the viewer's own commands, for a viewer outside the app."""
        registry = CommandRegistry.collect(ViewerCommands(lambda: self.view))
        bindings = {seq: line for seq, line in Keymap.build().reader.items() if line.split()[0] in registry}
        return ViewerKeys(bindings, registry.run)

    def _run(self, line: str, count: int | None = None) -> None:
        emit(self.engaged)
        self._run_line(line, count)

    def open(self, path: Path, position: PdfPosition | None = None) -> None:
        self.status.setText(f"Opening {path.name}…")
        self.view.open(path, position)

    def _show_state(self) -> None:
        view = self.view
        if not view.ready:
            return
        zoom = {"width": "fit width", "page": "fit page"}.get(view.zoom, f"{view.scale / POINT:.0%}")
        parts = [f"Page {view.current_page() + 1} / {view.page_count}", zoom]
        if view.hits:
            parts.append(f"hit {view.hit_index + 1} / {len(view.hits)}")
        elif self.find_field.text() and not self.find_field.isHidden():
            parts.append("no hits")
        self.status.setText(" · ".join(parts))

    def _open_find(self) -> None:
        self.find_field.show()
        self.find_field.setFocus()
        self.find_field.selectAll()

    def _find(self) -> None:
        self.view.find_text(self.find_field.text())
        self.view.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Escape in the find field goes back to the page, keeping the hits marked."""
        if (
            watched is self.find_field
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Escape
        ):
            self.find_field.hide()
            self.view.setFocus()
            return True
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.view.close_document()
        super().closeEvent(event)
