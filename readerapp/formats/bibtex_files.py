"""The PDF a BibTeX entry points to, in the syntaxes reference managers write it.

- Zotero and JabRef: ``file = {Description:path/to/paper.pdf:application/pdf;Other:...}``: items
  split on ``;``, parts on ``:``, ``\\:``/``\\;``/``\\\\`` escaped (``C\\:\\\\Users`` on Windows);
  Mendeley writes the backslash as ``$\\backslash$``. A bare path is one item too.
- BibDesk: ``bdsk-file-1 = {YnBsaXN0...}``, a base64 binary property list (an ``NSKeyedArchiver``
  archive) whose ``relativePath`` is relative to the .bib file.

A relative path is taken from the .bib file's folder; only a PDF that exists is returned.
"""

from __future__ import annotations

import base64
import plistlib
import re
from pathlib import Path

from readerapp.formats.reference import existing_pdf

_ITEM_SPLIT_RE = re.compile(r"(?<!\\);")
_PART_SPLIT_RE = re.compile(r"(?<!\\):")
_ESCAPE_RE = re.compile(r"\\([\\:;{}])")


def attached_pdf(fields: dict[str, str], folder: Path | None) -> Path | None:
    """The first PDF named by ``file``/``pdf``/``bdsk-file-N`` that exists, else None."""
    candidates = [path for name in ("file", "pdf") for path in _file_paths(fields.get(name, ""))]
    candidates += [p for n in range(1, 10) if (p := _bibdesk_path(fields.get(f"bdsk-file-{n}", "")))]
    return existing_pdf(candidates, folder)


def _file_paths(value: str) -> list[str]:
    value = value.replace("$\\backslash$", "\\")
    paths = []
    for item in _ITEM_SPLIT_RE.split(value):
        parts = _PART_SPLIT_RE.split(item)
        path = parts[1] if len(parts) >= 3 else parts[0] if len(parts) == 1 else ":".join(parts)
        path = _ESCAPE_RE.sub(r"\1", path.strip())
        if path:
            paths.append(path)
    return paths


def _bibdesk_path(value: str) -> str | None:
    try:
        archive = plistlib.loads(base64.b64decode("".join(value.split()), validate=True))
        objects = archive["$objects"]
        root = objects[archive["$top"]["root"].data]
        found = objects[root["relativePath"].data]
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):  # not base64, or a foreign plist
        return None
    return found if isinstance(found, str) else None
