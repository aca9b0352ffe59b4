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
from collections.abc import Iterable, Mapping
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

EXT = ".rpos"
MAGIC = b"RPOS1\n"
MAX_TERM_BYTES = 64  # longer terms (rare: PDF garbage) are left out; a phrase with one checks text
Keys = npt.NDArray[np.int64]


class PositionsWriter:
    """Collects the analysed terms of each document's prose fields, in order, for one segment."""

    def __init__(self, fields: Iterable[str]) -> None:
        self._vocab: dict[str, dict[str, int]] = {name: {} for name in fields}
        self._ids = {name: array("I") for name in self._vocab}
        self._docs = {name: array("I") for name in self._vocab}
        self._pos = {name: array("I") for name in self._vocab}

    def add(self, docnum: int, fields: Mapping[str, Any]) -> None:
        """Record ``fields[name]`` (a list of terms) of document ``docnum`` for each prose field."""
        for name, vocab in self._vocab.items():
            terms = fields.get(name)
            if not terms:
                continue
            self._ids[name].extend([vocab.setdefault(term, len(vocab)) for term in terms])
            self._docs[name].extend(repeat(docnum, len(terms)))
            self._pos[name].extend(range(len(terms)))

    def write(self, path: Path) -> None:
        """Write the file (to a temporary name first: a reader never sees half of it)."""
        header: dict[str, Any] = {"fields": {}}
        blobs: list[bytes] = []
        for name, vocab in self._vocab.items():
            terms, starts, keys = self._field(name, vocab)
            header["fields"][name] = {"terms": len(terms), "width": terms.itemsize, "keys": len(keys)}
            blobs += [terms.tobytes(), starts.tobytes(), keys.tobytes()]
        head = json.dumps(header).encode("utf-8")
        temporary = path.with_name(path.name + ".tmp")
        with temporary.open("wb") as out:
            out.write(MAGIC + len(head).to_bytes(8, "little") + head)
            for blob in blobs:
                out.write(b"\0" * (-out.tell() % 8))
                out.write(blob)
        temporary.replace(path)

    def _field(self, name: str, vocab: dict[str, int]) -> tuple[npt.NDArray[Any], Keys, Keys]:
        encoded = [term.encode("utf-8") for term in vocab]  # in id order
        kept = sorted((raw, n) for n, raw in enumerate(encoded) if len(raw) <= MAX_TERM_BYTES)
        rank = np.full(len(encoded), len(kept), dtype=np.int64)  # left-out terms sort last, dropped
        rank[[n for _, n in kept]] = np.arange(len(kept))
        ranks = rank[np.frombuffer(self._ids[name], dtype=np.uint32)]
        order = np.argsort(ranks, kind="stable")  # documents and positions came in ascending order
        docs = np.frombuffer(self._docs[name], dtype=np.uint32).astype(np.int64)
        keys = ((docs << 32) | np.frombuffer(self._pos[name], dtype=np.uint32))[order]
        counts = np.bincount(ranks, minlength=len(kept) + 1)[: len(kept)]
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        width = max((len(raw) for raw, _ in kept), default=1)
        terms = np.array([raw for raw, _ in kept], dtype=f"S{width}")
        return terms, starts, keys[: starts[-1]]


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
        another; ``None`` when this file cannot say."""
        keys = self.keys(field, terms[0])
        for offset, term in enumerate(terms[1:], start=1):
            following = self.keys(field, term)
            if following is None or keys is None:
                return None
            if not len(keys) or not len(following):
                return np.empty(0, np.int64)
            wanted = keys + offset
            at = np.minimum(np.searchsorted(following, wanted), len(following) - 1)
            keys = keys[following[at] == wanted]
        if keys is None:
            return None
        return np.unique(keys >> 32)
