"""Author names split into family and given parts, and readable, unique citation keys.

Feeds give names as one string in display order ("Jonathan Frankle", "Ludwig van Beethoven"); reference
formats want the family name apart. The last word is the family name together with any lowercase
particles before it; a one-word name (or a name in a script without spaces) is all family name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from readerapp.export.links import year
from readerapp.paper import Paper
from readerapp.text import free_key

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_STOPWORDS = {
    "a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "by", "at", "via", "is",
    "are", "towards", "toward", "do", "does", "can", "how", "what", "why", "when", "your", "we", "its",
}  # fmt: skip
_KEY_CHARS = re.compile(r"[^a-z0-9]+")


def split_name(name: str) -> tuple[str, str]:
    """(family, given) for a display-order name; a name already written "Family, Given" is kept."""
    cleaned = " ".join(name.split())
    if "," in cleaned:
        family, _, given = cleaned.partition(",")
        return family.strip(), given.strip()
    words = cleaned.split(" ")
    suffix = ""
    if len(words) > 2 and words[-1].lower() in _SUFFIXES:
        suffix = " " + words.pop()
    if len(words) == 1:
        return words[0] + suffix, ""
    start = len(words) - 1
    while start > 1 and words[start - 1][:1].islower():
        start -= 1
    return " ".join(words[start:]) + suffix, " ".join(words[:start])


def ascii_word(text: str) -> str:
    """Lowercase ASCII letters and digits of ``text`` (accents dropped, other scripts removed)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _KEY_CHARS.sub("", folded.lower())


def base_key(paper: Paper) -> str:
    """``frankle2018lottery``: first author's family name, year, first significant title word."""
    family = ascii_word(split_name(paper.authors[0])[0]) if paper.authors else ""
    when = year(paper)
    words = (ascii_word(w) for w in re.split(r"[\s\-–—/:]+", paper.title))
    word = next((w for w in words if len(w) > 1 and w not in _STOPWORDS), "")
    return f"{family or 'anon'}{when if when is not None else 'nd'}{word or 'paper'}"


def citation_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """A unique key per paper id, stable for a given order: repeats get ``b``, ``c``, ... appended."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for paper in papers:
        key = free_key(base_key(paper), taken)
        taken.add(key)
        keys[paper.id] = key
    return keys
