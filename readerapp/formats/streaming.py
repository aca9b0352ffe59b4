"""Reading a big JSON array or JSON Lines file piece by piece, so an import's memory stays bounded.

A 300k-paper Daily Papers answer is a 1 GB file; decoded whole it took 4.85 GB. Its items are read one
at a time instead (ijson, an incremental parser on yajl's C code) and merged as they come, one
transaction all the same. A small file is still read whole: its errors can name line and column.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

import ijson

from readerapp.errors import FormatError

STREAM_FROM = 8 * 2**20  # bytes: a file this big is streamed; below it, decoding it whole is cheap
_CHUNK = 2**20


def is_utf8(path: Path) -> bool:
    """Whether the whole file is UTF-8, checked a chunk at a time (a file that is not is read whole,
    with the Windows-1252 fallback ``decode_text`` logs)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def array_items(path: Path) -> Iterator[object]:
    """The items of the file's top-level JSON array (UTF-8), decoded one at a time. An error names
    the item it is in: ``item N: JSON cut off before the end`` or ``... not valid JSON (...)``."""
    count = 0
    with path.open("rb") as fh:
        if fh.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
            fh.seek(0)
        try:
            for item in ijson.items(fh, "item", use_float=True):
                yield item
                count += 1
        except ijson.JSONError as error:
            raise _json_error(error, f"item {count}") from None


def _json_error(error: ijson.JSONError, where: str) -> FormatError:
    """yajl's message is several lines (the text around the error and an arrow): its first is kept."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "premature EOF" in message:
        return FormatError(f"{where}: JSON cut off before the end")
    return FormatError(f"{where}: not valid JSON ({message.rstrip('.')})")


def text_lines(path: Path) -> Iterator[str]:
    """The file's lines with their ends, as ``decode_lines`` decodes them (UTF-8, a byte that is not
    kept as a lone surrogate, a BOM dropped) and ``str.splitlines(keepends=True)`` splits them."""
    with path.open("rb") as fh:
        first = True
        for raw in fh:
            if first:
                raw, first = raw.removeprefix(codecs.BOM_UTF8), False
            yield from raw.decode("utf-8", "surrogateescape").splitlines(keepends=True)
