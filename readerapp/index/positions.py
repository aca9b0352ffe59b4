"""Term positions of a segment's prose fields as arrays: exact phrases with a few vector operations.

Whoosh's postings here hold frequencies only (positions in them would be decoded a posting at a time
in Python). A segment written by a bulk build gets one more file beside its own, named after the
segment so Whoosh removes it with the segment: per field, the sorted vocabulary and, for each term,
the sorted keys ``document << 32 | position`` of every occurrence. A phrase is then its first word's
keys, shifted by one position per following word and looked up in that word's keys: no candidate is
read, and none is skipped. Segments without the file (small ones written by later changes, and what
merging those leaves) fall back to checking candidates' text (``phrases.PhraseCheck``).

Layout: ``MAGIC``, the header length (8 bytes, little-endian), a JSON header, then per field the
vocabulary (fixed-width bytes), the term starts (int64, one more than terms) and the keys (int64),
each at an 8-byte boundary, so that a reader maps the file and reads only what a phrase touches.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

EXT = ".rpos"
MAGIC = b"RPOS1\n"
MAX_TERM_BYTES = 64  # longer terms (rare: PDF garbage) are left out; a phrase with one checks text
Keys = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class FieldTerms:
    """One field's occurrences in a segment, sorted by term (bytes order), document and position."""

    terms: list[bytes]  # the vocabulary, sorted
    starts: Keys  # occurrences of term ``t``: ``keys[starts[t]:starts[t + 1]]``
    keys: Keys  # ``document << 32 | position``

    def postings(self) -> tuple[Keys, Keys, Keys]:
        """Per term, its postings: ``(posting starts per term, documents, frequencies)``."""
        docs = self.keys >> 32
        new = np.ones(len(docs), np.bool_)
        new[1:] = docs[1:] != docs[:-1]
        new[self.starts[:-1]] = True  # a new term starts a new posting (every term occurs)
        first = np.flatnonzero(new)
        freqs = np.diff(np.append(first, len(docs)))
        return np.searchsorted(first, self.starts), docs[first], freqs


class TermRecorder:
    """Collects the analysed terms of each document's term-list fields, in order, for one segment:
    the postings of those fields are written from it (``whoosh_shim``), and the positions of the
    ``positional`` ones too (``write``)."""

    def __init__(self, fields: Iterable[str], positional: Iterable[str]) -> None:
        self.positional = tuple(positional)
        self._terms: dict[str, list[str]] = {name: [] for name in fields}
        self._docs = {name: array("I") for name in self._terms}
        self._counts = {name: array("I") for name in self._terms}
        self.tokens = 0

    def __contains__(self, name: str) -> bool:
        return name in self._terms

    def add(self, name: str, docnum: int, terms: list[str]) -> None:
        """Record ``terms`` (in order) of field ``name`` in document ``docnum`` (documents come in
        ascending order). Only the list is kept here: numbering the terms is done in bulk."""
        self._terms[name] += terms
        self._docs[name].append(docnum)
        self._counts[name].append(len(terms))
        self.tokens += len(terms)

    def fields(self) -> Iterator[tuple[str, FieldTerms]]:
        """Each recorded field's sorted occurrences, in field-name order (releasing the raw ones)."""
        for name in sorted(self._terms):
            if self._terms[name]:
                yield name, self._sorted(name)

    def write(self, path: Path, fields: dict[str, FieldTerms]) -> None:
        """Write the positions file of the positional fields (to a temporary name first: a reader
        never sees half of it). Terms longer than ``MAX_TERM_BYTES`` are left out."""
        header: dict[str, Any] = {"fields": {}}
        blobs: list[bytes] = []
        for name in self.positional:
            found = fields.get(name) or FieldTerms([], np.zeros(1, np.int64), np.empty(0, np.int64))
            kept = [n for n, raw in enumerate(found.terms) if len(raw) <= MAX_TERM_BYTES]
            width = max((len(found.terms[n]) for n in kept), default=1)
            terms = np.array([found.terms[n] for n in kept], dtype=f"S{width}")
            spans = [(found.starts[n], found.starts[n + 1]) for n in kept]
            keys = np.concatenate([np.empty(0, np.int64), *(found.keys[a:b] for a, b in spans)])
            starts = np.concatenate([[0], np.cumsum([b - a for a, b in spans], dtype=np.int64)])
            header["fields"][name] = {"terms": len(terms), "width": width, "keys": len(keys)}
            blobs += [terms.tobytes(), starts.astype(np.int64).tobytes(), keys.tobytes()]
        head = json.dumps(header).encode("utf-8")
        temporary = path.with_name(path.name + ".tmp")
        with temporary.open("wb") as out:
            out.write(MAGIC + len(head).to_bytes(8, "little") + head)
            for blob in blobs:
                out.write(b"\0" * (-out.tell() % 8))
                out.write(blob)
        temporary.replace(path)

    def _sorted(self, name: str) -> FieldTerms:
        occurrences = self._terms[name]
        vocabulary = sorted(dict.fromkeys(occurrences))  # code point order: UTF-8 bytes order
        rank = {term: n for n, term in enumerate(vocabulary)}
        ranks = np.fromiter(map(rank.__getitem__, occurrences), dtype=np.int64, count=len(occurrences))
        counts = np.frombuffer(self._counts[name], dtype=np.uint32).astype(np.int64)
        docs = np.repeat(np.frombuffer(self._docs[name], dtype=np.uint32).astype(np.int64), counts)
        positions = np.arange(len(docs)) - np.repeat(np.cumsum(counts) - counts, counts)
        sort = np.argsort(ranks, kind="stable")  # documents and positions came in ascending order
        keys = ((docs << 32) | positions)[sort]
        starts = np.concatenate([[0], np.cumsum(np.bincount(ranks, minlength=len(vocabulary)))])
        self._terms[name], self._docs[name], self._counts[name] = [], array("I"), array("I")
        return FieldTerms([term.encode("utf-8") for term in vocabulary], starts.astype(np.int64), keys)


class SegmentPositions:
    """A positions file, mapped: term keys are read only for the words a phrase holds."""

    def __init__(self, path: Path) -> None:
        raw = np.memmap(path, dtype=np.uint8, mode="r")
        if bytes(raw[: len(MAGIC)]) != MAGIC:
            raise ValueError(f"{path.name} is not a positions file")
        size = int.from_bytes(bytes(raw[len(MAGIC) : len(MAGIC) + 8]), "little")
        at = len(MAGIC) + 8
        header = json.loads(bytes(raw[at : at + size]))
        at += size
        self._fields: dict[str, tuple[npt.NDArray[Any], Keys, Keys]] = {}
        for name, info in header["fields"].items():
            parts = []
            layout = ((f"S{info['width']}", info["terms"]), ("<i8", info["terms"] + 1), ("<i8", info["keys"]))
            for dtype, count in layout:
                at += -at % 8
                nbytes = np.dtype(dtype).itemsize * count
                parts.append(raw[at : at + nbytes].view(dtype))
                at += nbytes
            self._fields[name] = (parts[0], parts[1], parts[2])

    def keys(self, field: str, term: str) -> Keys | None:
        """The sorted ``document << 32 | position`` keys of ``term`` in ``field`` (empty if absent);
        ``None`` when this file cannot say (a term too long to be kept)."""
        raw = term.encode("utf-8")
        if len(raw) > MAX_TERM_BYTES:
            return None
        found = self._fields.get(field)
        if found is None:
            return np.empty(0, np.int64)
        terms, starts, keys = found
        at = int(np.searchsorted(terms, raw))
        if at >= len(terms) or terms[at] != raw:
            return np.empty(0, np.int64)
        return np.asarray(keys[starts[at] : starts[at + 1]])

    def phrase_docs(self, field: str, terms: tuple[str, ...]) -> npt.NDArray[np.int64] | None:
        """The documents (segment numbers, ascending) whose ``field`` holds ``terms`` one after
        another; ``None`` when this file cannot say.

        The rarest word's occurrences give the candidate starts, and each other word keeps those
        it stands at the right distance from: the work follows the rarest word, not the first."""
        found = [self.keys(field, term) for term in terms]
        if any(keys is None for keys in found):
            return None
        lists = [keys for keys in found if keys is not None]
        rarest = min(range(len(lists)), key=lambda n: len(lists[n]))
        starts = lists[rarest] - rarest  # a start before a document's first word matches nothing
        for offset, keys in enumerate(lists):
            if offset == rarest or not len(starts):
                continue
            if not len(keys):
                return np.empty(0, np.int64)
            wanted = starts + offset
            at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
            starts = starts[keys[at] == wanted]
        docs = starts >> 32
        return docs[np.flatnonzero(np.diff(docs, prepend=-1))]  # sorted: drop repeats
