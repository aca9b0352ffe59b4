"""A .bib file as a stream of entries, a few hundred blocks at a time, with ``@string`` macros, ``#``
concatenation and ``crossref`` resolved: what bibtexparser 2 splits, without holding the whole file.

bibtexparser's ``Library`` of a 100k-entry file takes some 400 MB, and its per-file parse stack cannot
see ``@string`` definitions or ``crossref`` parents across pieces. Its splitter starts a block at every
``@type{`` that opens a line (a new block, or the end of a broken one), so cutting the text just before
such a line gives it exactly the blocks the whole file would; macros and parents are carried from piece
to piece here. A block it cannot read is reported with its line and the rest goes on, as a reference
manager does.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import bibtexparser
from bibtexparser import model

from readerapp.text import normalize_space

CHUNK_BLOCKS = 256  # blocks per bibtexparser call: small enough to free as we go, big enough to be fast

_BLOCK_START_RE = re.compile(r"^[^\S\n]*@\w*[ \t]*[{(]", re.MULTILINE)
_KEYLESS_RE = re.compile(r"^(@\w+\s*[{(])(\s*[^\s,={}()]+\s*=)")  # ``@misc{title = {...}, ...}``
_CROSSREF_RE = re.compile(r"\bcrossref\s*=\s*[{\"]?\s*([^\s,{}\"]+)", re.IGNORECASE)
_INHERITED_TITLE = {"title": "booktitle", "subtitle": "booksubtitle"}  # biblatex's crossref rule
_NOT_INHERITED = frozenset({"crossref", "ids", "entryset", "xdata", "groups", "file"})


@dataclass(slots=True)
class RawEntry:
    """One entry: its line (from 1), lower-case type, key, and fields by lower-case name, macros and
    ``#`` resolved, the LaTeX still in them (each reader of a field decides how to decode it)."""

    line: int
    entry_type: str
    key: str
    fields: dict[str, str]


@dataclass(frozen=True, slots=True)
class BrokenBlock:
    line: int
    reason: str


class _ReportedPerEntry(logging.Filter):
    """The splitter logs each failed block; the reader reports it with the import instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


logging.getLogger("bibtexparser.splitter").addFilter(_ReportedPerEntry())


def iter_entries(text: str) -> Iterator[RawEntry | BrokenBlock]:
    """Entries (a ``crossref`` child once its parent is known) and broken blocks, in file order."""
    referenced = {key.lower() for key in _CROSSREF_RE.findall(text)}
    parents: dict[str, RawEntry] = {}
    waiting: dict[str, list[RawEntry]] = {}
    for item in _iter_blocks(text):
        if isinstance(item, BrokenBlock):
            yield item
            continue
        key = item.key.lower()
        parent_key = item.fields.get("crossref", "").strip().lower()
        if parent_key and parent_key not in parents:
            waiting.setdefault(parent_key, []).append(item)
        else:
            yield _inherit(item, parents.get(parent_key))
        if key in referenced:
            parents[key] = item
            yield from (_inherit(child, item) for child in waiting.pop(key, []))
    for children in waiting.values():  # their parent is not in the file: keep what they say
        yield from children


def _inherit(child: RawEntry, parent: RawEntry | None) -> RawEntry:
    if parent is None:
        return child
    for name, value in parent.fields.items():
        name = _INHERITED_TITLE.get(name, name)
        if name not in _NOT_INHERITED:
            child.fields.setdefault(name, value)
    return child


def _iter_blocks(text: str) -> Iterator[RawEntry | BrokenBlock]:
    strings: dict[str, str] = {}
    for first_line, chunk in _chunks(text):
        for block in bibtexparser.parse_string(chunk, parse_stack=[]).blocks:
            line = first_line + (block.start_line or 0) + 1
            if isinstance(block, model.String):
                strings[block.key.lower()] = resolve(block.value, strings)
            elif isinstance(block, model.Entry):
                yield _entry(block, line, strings)
            elif isinstance(block, model.ParsingFailedBlock):
                yield _failed(block, line, strings, chunk)


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Pieces of ``CHUNK_BLOCKS`` blocks, each cut at a line that opens a block, with its first line."""
    begin = line = 0
    for n, match in enumerate(_BLOCK_START_RE.finditer(text), 1):
        if n % CHUNK_BLOCKS == 0:
            yield line, text[begin : match.start()]
            line += text.count("\n", begin, match.start())
            begin = match.start()
    yield line, text[begin:]


def _entry(entry: model.Entry, line: int, strings: dict[str, str]) -> RawEntry:
    fields: dict[str, str] = {}
    for field in entry.fields:
        name = field.key.strip().lower()
        value = resolve(str(field.value), strings)
        if value.strip() and name not in fields:  # BibTeX keeps the first of a repeated field
            fields[name] = value
    return RawEntry(line, entry.entry_type.lower(), entry.key.strip(), fields)


def _failed(
    block: model.ParsingFailedBlock, line: int, strings: dict[str, str], chunk: str
) -> RawEntry | BrokenBlock:
    """A duplicate key or field is no error (the entry is read); an entry without a key is read too
    (the splitter gave up at its first ``=``, so the entry is read again from the text, with a comma)."""
    inner = block.ignore_error_block
    if isinstance(inner, model.Entry):
        return _entry(inner, line, strings)
    raw = block.raw or ""
    keyless = _KEYLESS_RE.match(raw)
    if keyless:
        start = chunk.find(raw)
        following = _BLOCK_START_RE.search(chunk, start + len(raw))
        text = chunk[start : following.start() if following else len(chunk)]
        again = bibtexparser.parse_string(f"{keyless.group(1)},{text[keyless.end(1) :]}", parse_stack=[])
        if again.entries and not again.failed_blocks:
            return _entry(again.entries[0], line, strings)
    return BrokenBlock(line, _reason(block))


def _reason(block: model.ParsingFailedBlock) -> str:
    error = block.error
    detail = normalize_space(str(error)) if error and str(error) else type(error).__name__
    if "BlockAborted" in detail or "Unexpected block start" in detail or "end of file" in detail:
        detail = "unbalanced braces or quotes, or the file is cut off"
    return detail[:120]


def resolve(value: str, strings: dict[str, str]) -> str:
    """A field's value without its delimiters: ``{...}``/``"..."`` parts, numbers and ``@string`` names
    joined by ``#``; an unknown name (a month macro such as ``may``) stays as written."""
    value = value.strip()
    parts = _concatenated(value) if "#" in value else [value]
    out = []
    for part in parts:
        if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
            out.append(part[1:-1])
        else:
            out.append(strings.get(part.lower(), part))
    return "".join(out)


def _concatenated(value: str) -> list[str]:
    """Split on ``#`` outside braces and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for n, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:n].strip())
            start = n + 1
    parts.append(value[start:].strip())
    return [p for p in parts if p]
