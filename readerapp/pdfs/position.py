"""Where a reader stopped in a PDF: the page, how far down it, and the zoom, checked once here."""

from __future__ import annotations

import math
from dataclasses import dataclass

from readerapp.errors import ReaderappError

ZOOM_MODES = ("width", "page")
MIN_ZOOM, MAX_ZOOM = 0.25, 6.0


@dataclass(frozen=True, slots=True)
class PdfPosition:
    """``page`` counts from 0; ``offset`` is the fraction of that page above the view's top edge;
    ``zoom`` is ``"width"``, ``"page"`` (fit modes that follow the window) or a factor like ``"1.5"``."""

    page: int = 0
    offset: float = 0.0
    zoom: str = "width"

    def __post_init__(self) -> None:
        if self.page < 0:
            raise ReaderappError(f"page {self.page} is before the first page")
        if not (0.0 <= self.offset <= 1.0) or math.isnan(self.offset):
            raise ReaderappError(f"offset {self.offset} is not a fraction of a page")
        zoom_factor(self.zoom)  # validates

    @property
    def fit(self) -> str | None:
        return self.zoom if self.zoom in ZOOM_MODES else None


def zoom_factor(zoom: str) -> float | None:
    """The factor of a numeric zoom, None for a fit mode; anything else is refused."""
    if zoom in ZOOM_MODES:
        return None
    try:
        factor = float(zoom)
    except ValueError:
        raise ReaderappError(f"zoom {zoom!r} is not 'width', 'page' or a factor") from None
    if not (MIN_ZOOM <= factor <= MAX_ZOOM):
        raise ReaderappError(f"zoom {zoom!r} is outside {MIN_ZOOM}-{MAX_ZOOM}")
    return factor
