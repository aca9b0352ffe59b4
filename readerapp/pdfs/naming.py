"""The file name a paper's PDF gets, and the guarantee that it stays inside the library's ``pdfs/``.

The name comes from a template (``{year} {first_author} - {title} [{id}].pdf`` by default). Every part
of it comes from feeds, so every part is made file-name safe on its own and the joined name once more;
the final path is then checked to sit directly in ``pdfs/`` whatever the id or title said.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from readerapp.config import PDF_NAME_DEFAULT
from readerapp.errors import ReaderappError
from readerapp.ids import safe_filename

PDF_DIR = "pdfs"
FIELDS = ("year", "first_author", "authors", "title", "id")
_MAX_NAME = 180  # bytes, below every common file system's 255 with room for ".part"
_MAX_TITLE = 120


@dataclass(frozen=True, slots=True)
class NameParts:
    """What a template may use, taken from the paper's metadata."""

    id: str
    title: str
    authors: tuple[str, ...] = ()
    published: datetime | None = None


def check_template(template: str) -> None:
    """Refuse a template with unknown fields or broken braces, naming the fields it may use."""
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ReaderappError(f"PDF name template {template!r}: {exc}") from exc
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        raise ReaderappError(
            f"PDF name template {template!r}: unknown field {{{unknown[0]}}}; use {', '.join(FIELDS)}"
        )


def family_name(author: str) -> str:
    """The last word of a name ("Ada Lovelace" -> "Lovelace"), which is how papers are cited."""
    words = author.replace(",", " ").split()
    return words[-1] if words else ""


def pdf_filename(parts: NameParts, template: str = PDF_NAME_DEFAULT) -> str:
    """The PDF's file name: the template filled with safe parts, always ending in ``.pdf``."""
    check_template(template)
    first = family_name(parts.authors[0]) if parts.authors else "Anonymous"
    values = {
        "year": str(parts.published.year) if parts.published else "n.d.",
        "first_author": safe_filename(first, 60),
        "authors": safe_filename(", ".join(family_name(a) for a in parts.authors[:3]) or first, 80),
        "title": safe_filename(parts.title, _MAX_TITLE),
        "id": safe_filename(parts.id, 64),
    }
    stem = template.format(**values).removesuffix(".pdf")
    return safe_filename(stem, _MAX_NAME) + ".pdf"


def pdf_dir(library: Path) -> Path:
    return library / PDF_DIR


def pdf_target(library: Path, filename: str) -> Path:
    """The absolute path for ``filename`` in the library's ``pdfs/``; refuses anything that would land
    elsewhere (a defence in depth: ``pdf_filename`` never produces such a name)."""
    folder = pdf_dir(library).resolve()
    target = (folder / filename).resolve()
    if target.parent != folder or not target.name.endswith(".pdf"):
        raise ReaderappError(f"refusing to store a PDF outside the library: {filename!r}")
    return target


def relative_to_library(library: Path, path: Path) -> str:
    """How ``pdf_path`` is stored: relative to the library folder (POSIX slashes), so the library
    can move or be synced between machines."""
    return path.resolve().relative_to(library.resolve()).as_posix()


def absolute_in_library(library: Path, stored: str) -> Path:
    """The absolute path of a stored ``pdf_path``; a value that points outside ``pdfs/`` is refused."""
    folder = pdf_dir(library).resolve()
    path = (library / stored).resolve()
    if path.parent != folder:
        raise ReaderappError(f"the stored PDF path {stored!r} is outside the library's pdfs folder")
    return path
