"""Bytes to text for every file and feed we read: UTF-8 first, a legacy fallback that is logged.

Users import files from many tools; old BibTeX exports are often Windows-1252. Guessing silently
would hide mojibake, so a fallback is logged, and bytes that are clearly not text are refused.
"""

from __future__ import annotations

import codecs
import logging
import re

from readerapp.errors import FormatError

log = logging.getLogger(__name__)

_FALLBACK = "cp1252"
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v")
_ESCAPED_BYTE_RE = re.compile("[\udc80-\udcff]")


def looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters: no text format we read looks like that."""
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in _TEXT_CONTROLS)
    return controls > max(2, len(head) // 100)


def decode_text(content: bytes, name: str) -> str:
    """Decode as UTF-8 (a BOM is dropped), UTF-16 with a BOM, else Windows-1252 with a warning."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as error:
            raise FormatError(f"{name}: not valid UTF-16 ({error.reason} at byte {error.start})") from None
    if looks_binary(content[:4096]):
        raise FormatError(f"{name}: binary data, not a text format")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        position = error.start
    try:
        text = content.decode(_FALLBACK)
    except UnicodeDecodeError:
        raise FormatError(f"{name}: not UTF-8 (bad byte at {position}) nor Windows-1252 text") from None
    log.warning("%s is not UTF-8 (bad byte at %d); read as Windows-1252", name, position)
    return text


def decode_lines(content: bytes, name: str) -> str:
    """Text for a format read line by line (JSON Lines): UTF-8, as JSON must be, with each byte that is
    not UTF-8 kept as a lone surrogate (U+DC80-U+DCFF), so the reader skips just the lines that carry
    one instead of reading the whole file as Windows-1252. UTF-16 with a BOM is read as ``decode_text``
    reads it."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or looks_binary(content[:4096]):
        return decode_text(content, name)
    return content.decode("utf-8-sig", "surrogateescape")


def bad_byte(line: str) -> int | None:
    """Where in a line from ``decode_lines`` its first byte that is not UTF-8 is, if it has one."""
    found = _ESCAPED_BYTE_RE.search(line)
    return found.start() if found else None
