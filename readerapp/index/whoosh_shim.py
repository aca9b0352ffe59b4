"""Every use of Whoosh's private internals, in one place, for the one version they were written for.

The fast paths read and write Whoosh's files below its public API: postings decoded a block at a time
(``evaluate``), fixed-width columns read in one slice, a bulk build's posting lists written from arrays
in Whoosh's block format (a test holds them to what Whoosh's own writer gives back) and its segments
published by the parent of the build processes (``writer``). Those internals may change in
any Whoosh release, so this module refuses to load with another version than ``WRITTEN_FOR``, saying
so in one line, rather than letting a renamed attribute surface as a damaged index.
"""

from __future__ import annotations

import secrets
import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import whoosh
from whoosh import index as whoosh_index
from whoosh.codec import base as whoosh_codec_base
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo, _lenfield
from whoosh.compat import dumps
from whoosh.filedb import compound as whoosh_compound
from whoosh.filedb import filestore as whoosh_filestore
from whoosh.reading import IndexReader
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from readerapp.errors import LibraryError
from readerapp.index.positions import EXT as POSITIONS_EXT
from readerapp.index.positions import FieldTerms, TermRecorder

WRITTEN_FOR = (2, 7, 5)  # whoosh-reloaded, as pinned in pyproject.toml
if tuple(whoosh.__version__[:3]) != WRITTEN_FOR:
    raise LibraryError(
        f"readerapp's search needs whoosh-reloaded {'.'.join(map(str, WRITTEN_FOR))}, "
        f"but {whoosh.versionstring()} is installed: reinstall readerapp's pinned dependencies"
    )


def _unique_name(size: int = 28) -> str:
    """A segment's or a temporary file's name from the OS's randomness. Whoosh draws them from the
    ``random`` module, whose state a program may reset (Hypothesis does, for every example): two
    segments of one index then get the same name, and the second overwrites the first's files."""
    return "".join(secrets.choice(whoosh.util.IDCHARS) for _ in range(size))


for _module in (whoosh_codec_base, whoosh_compound, whoosh_filestore):
    _module.random_name = _unique_name

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
    """A ``SegmentWriter`` for bulk builds, writing separate files per segment (Whoosh copies a
    compound segment's files into memory when it opens them).

    The fields named in ``recorded`` (values: lists of terms already analysed) skip Whoosh's posting
    pool, which costs a sort and several Python calls per posting: their terms are recorded in
    arrays (``positions.TermRecorder``) and their posting lists written from those a block at a time,
    in Whoosh's own block format. The term positions of the ``positional`` ones go into the
    segment's positions file. Other fields take Whoosh's path."""

    def __init__(
        self,
        ix: whoosh_index.Index,
        recorded: Iterable[str] = (),
        positional: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(ix, compound=False, **kwargs)
        self.recorder = TermRecorder(recorded, positional)

    def add_document(self, **fields: Any) -> None:
        """As ``SegmentWriter.add_document`` (no boosts, no vectors, no spelling), recording the
        recorded fields' terms instead of pooling their postings."""
        self._check_state()
        perdoc, docnum, recorder = self.perdocwriter, self.docnum, self.recorder
        perdoc.start_doc(docnum)
        for name in sorted(name for name in fields if not name.startswith("_")):
            value = fields[name]
            if value is None:
                continue
            field = self.schema[name]
            length = 0
            if name in recorder:
                if value:
                    recorder.add(name, docnum, value if isinstance(value, list) else [value])
                length = len(value) if field.scorable else 0
            elif field.indexed:
                for text, freq, weight, vbytes in field.index(value):
                    length += freq if field.scorable else 0
                    self.pool.add((name, text, docnum, weight, vbytes))
            stored = fields.get(f"_stored_{name}", value)
            perdoc.add_field(name, field, stored if field.stored else None, length)
            if field.column_type and stored is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(stored))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        perdoc = self.per_document_reader()
        self.fieldwriter.add_postings(self.schema, _Lengths(perdoc), self.pool.iter_postings())
        recorded = dict(self.recorder.fields())
        for name, terms in recorded.items():  # after the pooled fields: term keys must increase
            lengths = _quantised_lengths(perdoc, name, self.docnum) if self.schema[name].scorable else None
            _write_postings(self.fieldwriter, name, self.schema[name], terms, lengths)
        self.fieldwriter.close()
        perdoc.close()
        path = segment_file(self.storage, self.newsegment, POSITIONS_EXT)
        self.recorder.write(path, recorded)


BLOCK = 128  # postings per block, as Whoosh's W3 codec writes them
_COMPRESS_FROM = 512  # bytes: smaller blocks (most: rare terms) are stored uncompressed
_COMPRESSION = 1  # zlib level of the others (Whoosh's 3 takes twice the time for a few percent)


def _quantised_lengths(perdoc: Any, name: str, count: int) -> list[int]:
    """Each document's length of field ``name`` as Whoosh stores it (one byte, approximate)."""
    return _Lengths(perdoc)._load(name)[:count]


def _write_postings(
    fieldwriter: Any, name: str, field: Any, found: FieldTerms, lengths: list[int] | None
) -> None:
    """Write one field's posting lists and term infos, as ``W3PostingsWriter`` would from a pool
    (the same bytes but for compression, which a block of a rare term does without)."""
    fieldwriter.start_field(name, field)
    postfile, terms_table = fieldwriter._postfile, fieldwriter._tindex
    prefix = pack_ushort(fieldwriter._fieldid)
    term_starts, docs, freqs = found.postings()
    deltas = np.diff(docs, prepend=0)  # ids within a block are stored as differences
    term_of = np.repeat(np.arange(len(term_starts) - 1), np.diff(term_starts))
    block_start = np.flatnonzero((np.arange(len(docs)) - term_starts[term_of]) % BLOCK == 0)
    deltas[block_start] = docs[block_start]
    bounds, doc_list, freq_list, delta_list = (
        term_starts.tolist(),
        docs.tolist(),
        freqs.tolist(),
        deltas.tolist(),
    )
    fixed_values = field.format.fixed_value_size() != 0  # Frequency: 4 bytes each; Existence: none
    length_list = [lengths[d] for d in doc_list] if lengths is not None else None
    out: list[bytes] = []
    offset = postfile.tell()
    for t, raw in enumerate(found.terms):
        first, end = bounds[t], bounds[t + 1]
        start_offset = offset
        out.append(WHOOSH3_HEADER_MAGIC)
        offset += len(WHOOSH3_HEADER_MAGIC)
        info = W3TermInfo(minid=doc_list[first], maxid=doc_list[end - 1])
        for start in range(first, end, BLOCK):
            stop = min(start + BLOCK, end)
            ids, counts = doc_list[start:stop], freq_list[start:stop]
            span = length_list[start:stop] if length_list is not None else None
            low, high = (min(span), max(span)) if span else (None, 0)
            most = float(max(counts))
            weights = (
                None
                if most == 1.0
                else float(counts[0])
                if min(counts) == most
                else tuple(map(float, counts))
            )
            values = _big_endian(counts) if fixed_values else None
            data = dumps((tuple(delta_list[start:stop]), weights, values), 2)
            comp = _COMPRESSION if len(data) >= _COMPRESS_FROM else 0
            if comp:
                data = zlib.compress(data, comp)
            head = dumps((len(ids), ids[-1], most, comp, length_to_byte(low), length_to_byte(high)), 2)
            size = len(head) + len(data)
            out += [pack_int(-size if stop == end else size), head, data]
            offset += 4 + size
            info._weight += float(sum(counts))
            info._minlength = low if info._minlength is None or low is None else min(info._minlength, low)
            info._maxlength = max(info._maxlength, high)
            info._maxweight = max(info._maxweight, most)
        info._df = end - first
        info.set_extent(start_offset, offset - start_offset)
        terms_table.add(prefix + raw, info.to_bytes())
        if len(out) > 4096:
            postfile.write(b"".join(out))
            out.clear()
    postfile.write(b"".join(out))
    fieldwriter.finish_field()


def _big_endian(counts: list[int]) -> bytes:
    """Frequencies as Whoosh's ``Frequency`` format stores a block's values: big-endian uint32s."""
    values = array("I", counts)
    if sys.byteorder == "little":
        values.byteswap()
    return values.tobytes()
