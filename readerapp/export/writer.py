"""The format registry: render a bundle as text, or write it to a file (a folder for Obsidian)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from readerapp.errors import ExportError
from readerapp.export.atomic import check_folder, write_atomically
from readerapp.export.bibtex import render_bibtex
from readerapp.export.bundle import FORMATS, ExportBundle, ExportResult
from readerapp.export.controls import without_controls
from readerapp.export.csl_json import render_csl_json
from readerapp.export.html import render_html
from readerapp.export.json_lossless import render_json
from readerapp.export.markdown import render_markdown
from readerapp.export.obsidian import render_file, write_vault
from readerapp.export.ris import render_ris
from readerapp.progress import Progress, no_progress

Renderer = Callable[[ExportBundle, Progress], str]
RENDERERS: dict[str, Renderer] = {
    "markdown": render_markdown,
    "bibtex": render_bibtex,
    "csl-json": render_csl_json,
    "ris": render_ris,
    "html": render_html,
    "json": render_json,
}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _for_format(bundle: ExportBundle, fmt: str) -> ExportBundle:
    """The bundle as ``fmt`` writes it: every format but the lossless JSON without control characters."""
    return bundle if fmt == "json" else replace(bundle, papers=[without_controls(p) for p in bundle.papers])


def render(bundle: ExportBundle, fmt: str, progress: Progress = no_progress) -> str:
    """The export as text (an Obsidian export shows its first file: that is what a preview needs)."""
    _check_format(fmt)
    bundle = _for_format(bundle, fmt)
    if fmt == "obsidian":
        return render_file(bundle.papers[0], None) if bundle.papers else ""
    return RENDERERS[fmt](bundle, progress)


def write_export(
    bundle: ExportBundle, fmt: str, destination: str | Path, progress: Progress = no_progress
) -> ExportResult:
    """Write the bundle in ``fmt`` to ``destination`` (a file; a folder for ``obsidian``)."""
    _check_format(fmt)
    bundle = _for_format(bundle, fmt)
    path = Path(destination).expanduser()
    if fmt == "obsidian":
        report = write_vault(bundle, path, progress)
        return ExportResult(fmt, path, len(bundle.papers), report.created, report.updated, report.unchanged)
    check_folder(path.parent)  # before the work of rendering, not after it
    write_atomically(path, RENDERERS[fmt](bundle, progress))
    return ExportResult(fmt, path, len(bundle.papers))
