"""The file name a paper's PDF gets, and the guarantee that it stays inside the library's ``pdfs/``.

The name comes from a template (``{year} {first_author} - {title} [{id}].pdf`` by default). Every part
of it comes from feeds, so every part is made file-name safe on its own and the joined name once more;
the final path is then checked to sit directly in ``pdfs/`` whatever the id or title said. A name another
paper's file already has is never reused (``unique_names``). An unfinished download waits beside the PDFs
as ``ID.part``, with ``ID.lock`` while a process is downloading it.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from readerapp.config import PDF_NAME_DEFAULT
from readerapp.errors import ReaderappError
from readerapp.ids import safe_filename

PDF_DIR = "pdfs"
DOWNLOADS_LOCK = "pdfs.lock"  # in the library folder: held shared by every fetch, exclusively by doctor
MAX_PDF = 256 * 2**20  # bytes; arXiv caps submissions far below this, so a bigger download is refused
FIELDS = ("year", "first_author", "authors", "title", "id")
_MAX_NAME = 180  # bytes, below every common file system's 255 with room for ".part"
_MAX_TITLE = 120
_MAX_SAME = 99  # numbered names tried after the id, before giving up


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


def unique_names(filename: str, public_id: str) -> Iterator[str]:
    """The names to try, in order, for a paper's PDF: the template's name, then the same with the paper's
    id appended, then numbered.

    A template without ``{id}`` (``{title}.pdf``) gives two papers the same name when they share a title
    (v1 and v2, two "Introduction"s). Such a template is not refused: whoever chose short names keeps them
    for nearly every paper, and only the second paper of a clash gets the id that tells the two apart.
    The caller takes the first name no other paper's file has, so no PDF is ever overwritten.
    """
    yield filename
    stem = filename.removesuffix(".pdf")
    tag = "" if id_tag(public_id) in stem else f" {id_tag(public_id)}"
    if tag:
        yield _with_suffix(stem, tag)
    for number in range(2, _MAX_SAME + 1):
        yield _with_suffix(stem, f"{tag} ({number})")


def id_tag(public_id: str) -> str:
    """``[ID]``, as the default template and ``unique_names`` put it in a name: a file named with it is
    that paper's (ids are unique), so a leftover of the paper's own under that name may be replaced."""
    return f"[{safe_filename(public_id, 64)}]"


def _with_suffix(stem: str, suffix: str) -> str:
    """``stem`` cut so that it keeps ``suffix`` and the whole name stays within ``_MAX_NAME``."""
    room = _MAX_NAME - len(suffix.encode())
    return safe_filename(stem.encode()[:room].decode(errors="ignore") + suffix, _MAX_NAME) + ".pdf"


def pdf_dir(library: Path) -> Path:
    return library / PDF_DIR


def part_path(library: Path, public_id: str) -> Path:
    """Where an unfinished download waits: named by id, so a changed title still resumes it."""
    return pdf_dir(library) / (safe_filename(public_id, 100) + ".part")


def lock_path(part: Path) -> Path:
    """The lock file of the paper whose download is ``part``, beside it while a download runs."""
    return part.with_suffix(".lock")


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


def remove_stored(library: Path, stored: str) -> None:
    """Delete the PDF a paper pointed to and nothing points to any more; only ever a ``.pdf`` directly in
    ``pdfs/`` (a database value pointing elsewhere deletes nothing)."""
    try:
        path = absolute_in_library(library, stored)
    except ReaderappError:
        return
    if path.suffix == ".pdf" and path.is_file():
        path.unlink(missing_ok=True)
