"""Every use of Whoosh's private internals, in one place, for the one version they were written for.

The fast paths read and write Whoosh's files below its public API: postings decoded a block at a time
(``evaluate``), fixed-width columns read in one slice, segments written with field lengths looked up in
memory and published by the parent of the build processes (``writer``). Those internals may change in
any Whoosh release, so this module refuses to load with another version than ``WRITTEN_FOR``, saying
so in one line, rather than letting a renamed attribute surface as a damaged index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import whoosh
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from readerapp.errors import LibraryError
from readerapp.index.positions import EXT as POSITIONS_EXT
from readerapp.index.positions import PositionsWriter

WRITTEN_FOR = (2, 7, 5)  # whoosh-reloaded, as pinned in pyproject.toml
if tuple(whoosh.__version__[:3]) != WRITTEN_FOR:
    raise LibraryError(
        f"readerapp's search needs whoosh-reloaded {'.'.join(map(str, WRITTEN_FOR))}, "
        f"but {whoosh.versionstring()} is installed: reinstall readerapp's pinned dependencies"
    )

LENGTH_BYTES = [byte_to_length(i) for i in range(256)]  # a stored length byte -> the length it stands for


def length_column(field: str) -> tuple[str, Any]:
    """The name and type of the column holding a field's per-document lengths (one byte each)."""
    return _lenfield(field), LENGTHS_COLUMN


def postings_blocks(leaf: IndexReader, field: str, term: str) -> Iterator[tuple[Any, Any]]:
    """A term's raw postings in one segment as ``(doc ids, weights)`` per stored block, deleted
    documents included."""
    if (field, term) not in leaf:
        return
    raw = leaf._text_to_bytes(field, term)
    matcher = leaf._terms.matcher(field, raw, leaf.schema[field].format)
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        yield matcher._ids, matcher._weights
        if matcher._lastblock:
            break
        matcher._next_block()


def fixed_column(leaf: IndexReader, name: str, column: Any) -> tuple[bytes, str, Any]:
    """A fixed-width numeric column's stored bytes (big-endian ``typecode`` values, maybe fewer than
    the segment's documents), its typecode and its default value."""
    if not leaf._perdoc.has_column(name):
        return b"", column._typecode, column._default
    reader = leaf._perdoc.column_reader(name, column)
    raw = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
    return bytes(raw), column._typecode, column._default


def segment_file(storage: Any, segment: Any, ext: str) -> Path:
    """The path of a file of ``segment`` with extension ``ext``: named like the segment's own files,
    so Whoosh deletes it when the segment goes (merged away, or a rebuild swapped in)."""
    return Path(storage.folder) / segment.make_filename(ext)


def leaf_file(leaf: IndexReader, ext: str) -> Path:
    """``segment_file`` of the segment a leaf reader reads."""
    return segment_file(leaf.storage(), leaf.segment(), ext)


def finalize_segment(writer: SegmentWriter) -> Any:
    """Close a build process's segment and hand it back, for ``publish_segments`` in the parent."""
    return writer._finalize_segment()


def publish_segments(writer: SegmentWriter, segments: list[Any]) -> None:
    """Make the segments the build processes wrote the index's contents, in one new table of contents,
    and release the writer (as Whoosh's own multiprocessing writer does)."""
    writer._commit_toc(segments)
    writer._finish()


class _Lengths:
    """``doc_field_length`` answered from lists loaded once per field."""

    def __init__(self, perdoc: Any) -> None:
        self._perdoc = perdoc
        self._by_field: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._by_field.get(fieldname)
        if lengths is None:
            lengths = self._load(fieldname)
        return lengths[docnum]

    def _load(self, fieldname: str) -> list[int]:
        count = self._perdoc.doc_count_all()
        name, kind = length_column(fieldname)
        if self._perdoc.has_column(name):
            column = self._perdoc.column_reader(name, kind)
            lengths = [LENGTH_BYTES[column[n]] for n in range(count)]
        else:
            lengths = [0] * count
        self._by_field[fieldname] = lengths
        return lengths


class BulkSegmentWriter(SegmentWriter):
    """A ``SegmentWriter`` whose flush looks field lengths up in memory, writing separate files
    per segment: Whoosh copies a compound segment's files into memory when it opens them (an
    opened 100k index went from 440 MB to a fraction of that). It also writes the segment's term
    positions of ``positional`` fields (``positions``)."""

    def __init__(self, ix: whoosh_index.Index, positional: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(ix, compound=False, **kwargs)
        self.positions = PositionsWriter(positional)

    def add_document(self, **fields: Any) -> None:
        docnum = self.docnum
        super().add_document(**fields)
        self.positions.add(docnum, fields)

    def _flush_segment(self) -> None:
        self.positions.write(segment_file(self.storage, self.newsegment, POSITIONS_EXT))
        self.perdocwriter.close()
        perdoc = self.per_document_reader() if self.codec.length_stats else None
        lengths = _Lengths(perdoc) if perdoc is not None else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if perdoc is not None:
            perdoc.close()
