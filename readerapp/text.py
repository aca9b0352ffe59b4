"""Text normalisation shared by every parser (one rule for whitespace, titles and code links), and the
small text helpers every layer shares."""

from __future__ import annotations

import functools
import re
import unicodedata

_PARAGRAPH_RE = re.compile(r"\n\s*\n")
_WORD_RE = re.compile(r"\w+")
_CODE_LINK_RE = re.compile(r"https?://(?:www\.)?(?:github\.com|gitlab\.com)/[^\s<>\"'()\[\]{}]+", re.I)
_TRAILING = ".,;:!?)]}>'\"`"
# C0 and C1 control characters and DEL: a terminal obeys them (ESC, OSC, BEL), a file format chokes on them.
_CONTROL_OR_LINE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def normalize_space(text: str | None) -> str:
    """Collapse every run of whitespace (hard wraps, tabs, NBSP) to one space and strip the ends."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())  # str.split() knows Unicode whitespace; 5x faster than a regex


def strip_controls(text: str, *, lines: bool = True) -> str:
    """``text`` without control characters; newline and tab stay unless ``lines`` is False, when every
    line break (``\\r``, U+2028 too) and tab becomes a space, for output that must stay on one line."""
    if lines:
        return clean_text(text)
    return _CONTROL_OR_LINE_RE.sub(lambda m: " " if m.group() in "\t\n\r\u2028\u2029" else "", text)


def has_controls(text: str) -> bool:
    """Whether ``strip_controls`` would change ``text`` (a carriage return counts: it becomes a newline)."""
    return not is_clean(text)


def normalize_abstract(text: str | None) -> str:
    """Unwrap a hard-wrapped abstract but keep real paragraph breaks (a blank line)."""
    if not text:
        return ""
    paragraphs = _PARAGRAPH_RE.split(text.strip())
    return "\n\n".join(p for p in (normalize_space(p) for p in paragraphs) if p)


@functools.lru_cache(maxsize=8192)
def title_key(title: str) -> str:
    """A key that matches the same title across sources: case, accents, punctuation and spacing
    folded away. Used to merge papers that arrive without an id (cached: a merge asks per source)."""
    if title.isascii():
        return " ".join(_WORD_RE.findall(title.lower()))
    # Compatibility forms first (a bold-fraktur A is an A), then fold case (which can turn a
    # combining mark into a letter), then decompose again and drop the accents.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", title).casefold())
    return " ".join(_WORD_RE.findall("".join(c for c in folded if not unicodedata.combining(c))))


def find_code_link(text: str | None) -> str | None:
    """The first GitHub or GitLab link in free text, without the sentence's trailing punctuation."""
    if not text:
        return None
    match = _CODE_LINK_RE.search(text)
    if not match:
        return None
    url = match.group(0).rstrip(_TRAILING)
    return url.removesuffix(".git") if url.count("/") >= 4 else None


# C0 and C1 controls except tab and newline, DEL, and surrogates (a lone one cannot be encoded at all).
_UNWANTED_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n"})


_ASCII_CONTROLS = bytes([*range(9), *range(11, 32), 127])


def is_clean(text: str) -> bool:
    """Whether ``clean_text`` would leave ``text`` as it is (fast for ASCII: one C pass, no regex)."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _ASCII_CONTROLS)) == len(data)
    return _UNWANTED_RE.search(text) is None


def clean_text(text: str) -> str:
    """Text safe to store in SQLite and PostgreSQL alike: control characters other than newline and tab
    removed (line breaks among them become newlines), NUL removed, lone surrogates replaced with U+FFFD
    (a pair of surrogates becomes the character it encodes)."""
    if is_clean(text):
        return text  # the fast path: nearly every text
    if _SURROGATE_RE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _CONTROL_RE.sub("", text.replace("\r\n", "\n").translate(_LINE_BREAKS))


def size_label(size: int) -> str:
    """A byte count the way the cut notes say it: ``900 bytes``, ``64 KB``, ``10 MB`` (KB = 1024)."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.3g} MB"


def cap_text(text: str, limit: int, what: str) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8 (at a character boundary), with a note at the cut
    saying what was cut and from what size, so nobody mistakes the rest for the whole."""
    if len(text) * 4 <= limit:  # even four bytes a character fit
        return text
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    kept = encoded[:limit].decode("utf-8", "ignore")
    return f"{kept} [... cut: {size_label(len(encoded))} {what}, first {size_label(limit)} kept]"


def split_marks(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet (the index marks matched words ``[[word]]``) as ``(text, marked)`` pieces, in
    order, markers removed: the CLI and the app render each piece their own way."""
    pieces: list[tuple[str, bool]] = []
    for i, part in enumerate(re.split(r"\[\[(.*?)\]\]", snippet)):
        if part:
            pieces.append((part, i % 2 == 1))
    return pieces


def free_key(base: str, taken: set[str]) -> str:
    """``base``, or ``base`` with ``b``, ``c``, ... appended when ``taken`` has it."""
    key, n = base, 1
    while key in taken:
        n += 1
        key = base + (chr(ord("a") + n - 1) if n <= 26 else str(n))
    return key
