"""Which format a file is, judged by its content (never its name), and reading it.

Users drop whatever they have onto the app: a saved API answer, a BibTeX export, a pasted page. The
extension is often wrong or missing, so the first bytes decide; and a file that fails to parse is
refused whole. Within a file that parses, one paper that cannot be read is skipped and reported, not
a reason to refuse the others, as reference managers do (BibTeX, RIS, CSL-JSON and the feed formats
alike); a file is refused only when nothing in it can be read. A big JSON array or JSON Lines file is
read as it is merged (``streaming``), so its memory stays bounded.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

from readerapp.errors import FeedError, FormatError
from readerapp.formats.arxiv_atom import parse_atom
from readerapp.formats.arxiv_rss import parse_rss
from readerapp.formats.bibtex import parse_bibtex
from readerapp.formats.csl_json import is_csl_item, parse_csl_json
from readerapp.formats.daily_page import DATE_LINE_RE, parse_daily_page
from readerapp.formats.decoding import decode_lines, decode_text, looks_binary
from readerapp.formats.hf_json import is_hf_item, is_hf_paper, parse_hf_json, read_hf_items
from readerapp.formats.jsonfields import load_json
from readerapp.formats.jsonl import parse_jsonl, read_jsonl
from readerapp.formats.readerapp_json import ImportedFile, is_readerapp_json, parse_readerapp_json
from readerapp.formats.reference import CSL_TYPES
from readerapp.formats.ris import parse_ris
from readerapp.formats.streaming import STREAM_FROM, array_items, is_utf8, text_lines
from readerapp.records import PaperRecord, Skipped

HEAD_BYTES = 64 * 1024
_PRETTY_FIRST_LINE = 200
FORMATS = (
    "hf-json",
    "arxiv-atom",
    "arxiv-rss",
    "bibtex",
    "ris",
    "csl-json",
    "jsonl",
    "readerapp-json",
    "daily-page",
)

_XML_PROLOG_RE = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>|\s)*", re.DOTALL | re.IGNORECASE)
_XML_ROOT_RE = re.compile(r"<(?:[\w.-]+:)?([\w.-]+)")
_READERAPP_RE = re.compile(r'^\s*\{\s*"format"\s*:\s*"readerapp"')
_BIBTEX_RE = re.compile(r"^\s*@\s*[a-zA-Z]+\s*[{(]", re.MULTILINE)
_RIS_RE = re.compile(r"^TY  -", re.MULTILINE)
_FIRST_TYPE_RE = re.compile(r'"(paper|type)"\s*:\s*"?([\w-]*)')


def sniff_format(head: bytes) -> str:
    """One of ``FORMATS`` for the first bytes of a file; FormatError when none fits."""
    if not head.strip():
        raise FormatError("empty file")
    if looks_binary(head[:4096]) and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormatError("binary data, not a format readerapp reads")
    text = _decode_head(head)
    start = text.lstrip()
    if start.startswith("<"):
        return _sniff_xml(text)
    if start.startswith("["):
        return "csl-json" if _csl_array(start) else "hf-json"
    if start.startswith("{"):
        return _sniff_json_object(start)
    if _RIS_RE.search(text):
        return "ris"
    if _BIBTEX_RE.search(text):
        return "bibtex"
    if DATE_LINE_RE.search(text):
        return "daily-page"
    raise FormatError(
        "not a format readerapp reads (JSON, CSL-JSON, arXiv Atom/RSS, BibTeX, RIS, a copied papers page)"
    )


def _decode_head(head: bytes) -> str:
    """Lenient on purpose: the head may end inside a multi-byte character."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8-sig", errors="ignore")


def _sniff_xml(text: str) -> str:
    prolog = _XML_PROLOG_RE.match(text)
    root = _XML_ROOT_RE.match(text, prolog.end() if prolog else 0)
    name = root.group(1).lower() if root else ""
    if name == "feed":
        return "arxiv-atom"
    if name == "rss":
        return "arxiv-rss"
    raise FormatError(f"XML that is neither an Atom feed nor an RSS listing (root {name or '?'!r})")


def _csl_array(text: str) -> bool:
    """Is this array CSL-JSON (Zotero's, Pandoc's, ours) rather than a Daily Papers answer? The first
    item decides; one longer than the head is judged by the first of its keys ``type`` (a CSL type)
    and ``paper`` (a Daily Papers item) that the head shows."""
    body = text[1:].lstrip()
    try:
        first, _end = json.JSONDecoder().raw_decode(body)
    except json.JSONDecodeError:
        found = _FIRST_TYPE_RE.search(body)
        return found is not None and found.group(1) == "type" and found.group(2) in CSL_TYPES
    return is_csl_item(first)


def _sniff_json_object(text: str) -> str:
    """One object may be our export, one HF item or paper, or the first line of a JSONL file."""
    if _READERAPP_RE.match(text):
        return "readerapp-json"
    first, newline, rest = text.partition("\n")
    try:
        first_obj = json.loads(first)
    except json.JSONDecodeError:
        # a pretty-printed object (only an HF item or paper is one) opens with a short line;
        # a JSONL line longer than the head runs on without one
        return "hf-json" if newline and len(first) < _PRETTY_FIRST_LINE else "jsonl"
    if is_readerapp_json(first_obj):
        return "readerapp-json"
    if not rest.strip() and (is_hf_item(first_obj) or is_hf_paper(first_obj)):
        return "hf-json"
    return "jsonl"


def read_import_file(path: Path) -> ImportedFile:
    """Read, sniff and parse one file; any problem is one FormatError naming the file. A big JSON array
    or JSON Lines file is read as its records are iterated (see ``streaming``): its errors come then."""
    name = str(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
            size = os.fstat(fh.fileno()).st_size
        kind = sniff_format(head)
        if size >= STREAM_FROM and _streams(kind, head, path):
            imported = ImportedFile(kind, [])
            imported.records = _named(name, _streamed(kind, path, imported.skipped))
            return imported
        content = path.read_bytes()
    except OSError as error:
        raise _unreadable(name, error) from None
    except FeedError as error:
        raise _named_error(name, error) from None
    try:
        return _parse(kind, content, path)
    except FeedError as error:
        raise _named_error(name, error) from None


def _unreadable(name: str, error: OSError) -> FormatError:
    return FormatError(f"{name}: cannot read ({error.strerror or error})")


def _named_error(name: str, error: FeedError) -> FeedError:
    message = str(error)
    return type(error)(message if message.startswith(name) else f"{name}: {message}")


def _streams(kind: str, head: bytes, path: Path) -> bool:
    """Can this file be read piece by piece? A Daily Papers array or JSON Lines in UTF-8 can; a single
    object, UTF-16 and a legacy encoding are read whole as before."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if kind == "jsonl":
        return True
    return kind == "hf-json" and _decode_head(head).lstrip().startswith("[") and is_utf8(path)


def _streamed(kind: str, path: Path, skipped: list[Skipped]) -> Iterator[PaperRecord]:
    """The records of a big file as it is read; refused at its end when nothing in it could be."""
    if kind == "jsonl":
        records = read_jsonl(text_lines(path), skipped)
    else:
        records = read_hf_items(array_items(path), skipped)
    read = 0
    for record in records:
        read += 1
        yield record
    if not read:
        _refuse_if_unreadable(path, skipped)


def _named(name: str, records: Iterator[PaperRecord]) -> Iterator[PaperRecord]:
    """Errors met while a streamed file is read name the file, as those of a file read whole do."""
    try:
        yield from records
    except OSError as error:
        raise _unreadable(name, error) from None
    except FeedError as error:
        raise _named_error(name, error) from None


def _parse(kind: str, content: bytes, path: Path) -> ImportedFile:
    """The file's papers; an item of a feed or JSON file that cannot be read is left out and listed in
    ``skipped``. A file with items but none readable is refused: that is a wrong file, not a bad item.
    The reference formats look for attached PDFs next to the file."""
    imported = _parse_items(kind, content, path)
    if not imported.records:
        _refuse_if_unreadable(path, imported.skipped)
    return imported


def _refuse_if_unreadable(path: Path, skipped: list[Skipped]) -> None:
    if skipped:
        first = skipped[0]
        raise FormatError(f"{path}: no paper could be read ({first.where}: {first.reason})")


def _parse_items(kind: str, content: bytes, path: Path) -> ImportedFile:
    name = str(path)
    skipped: list[Skipped] = []
    if kind == "arxiv-atom":
        return ImportedFile(kind, parse_atom(content, name, skipped).records, skipped=skipped)
    if kind == "arxiv-rss":
        return ImportedFile(kind, parse_rss(content, None, name, skipped), skipped=skipped)
    if kind == "jsonl":
        return ImportedFile(kind, parse_jsonl(decode_lines(content, name), skipped), skipped=skipped)
    text = decode_text(content, name)
    if kind == "hf-json":
        return ImportedFile(kind, parse_hf_json(load_json(text, name), skipped), skipped=skipped)
    if kind == "readerapp-json":
        return parse_readerapp_json(load_json(text, name))
    if kind == "csl-json":
        return parse_csl_json(load_json(text, name))
    if kind == "ris":
        return parse_ris(text, path.parent)
    if kind == "bibtex":
        return parse_bibtex(text, path.parent)
    return ImportedFile(kind, parse_daily_page(text))  # "daily-page", the last one sniffed
