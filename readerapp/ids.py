"""arXiv identifiers: recognise them anywhere (URLs, ``arXiv:`` prefixes, OAI guids), split off the
version, and turn any id into a file-name-safe string. DOIs and arXiv categories are checked here too,
on their way in from a feed or file: every exporter writes them into links and fields, so a value that
is not a DOI or a category is dropped rather than stored.

New style ``YYMM.NNNN[N]`` and old style ``archive[.SC]/YYMMNNN`` (which keeps its slash and drops
the subject class) are both recognised; the base id is the library key and the version is stored apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_NEW = r"(?P<new>\d{4}\.\d{4,5})"
_OLD = r"(?P<old>[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})"
_VERSION = r"(?:v(?P<version>\d+))?"
_ID_RE = re.compile(rf"(?:{_NEW}|{_OLD}){_VERSION}(?![\w.])", re.IGNORECASE)
_PREFIX_RE = re.compile(
    r"^\s*(?:arxiv:|oai:arxiv\.org:|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/"
    r"|(?:https?://)?huggingface\.co/papers/|10\.48550/arxiv\.)",
    re.IGNORECASE,
)
_DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# A DOI: the "10." directory, a registrant code of digits, a slash, then no whitespace or control character.
_DOI_RE = re.compile(r"10\.\d{4,9}(?:\.\d+)*/[^\s\x00-\x1f\x7f-\x9f]+")
_CATEGORY_RE = re.compile(r"[a-z-]+(?:\.[A-Za-z-]+)?")
_OLD_ARCHIVES = frozenset(
    [
        "acc-phys",
        "adap-org",
        "alg-geom",
        "ao-sci",
        "astro-ph",
        "atom-ph",
        "bayes-an",
        "chao-dyn",
        "chem-ph",
        "cmp-lg",
        "comp-gas",
        "cond-mat",
        "cs",
        "dg-ga",
        "funct-an",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math",
        "math-ph",
        "mtrl-th",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "patt-sol",
        "physics",
        "plasm-ph",
        "q-alg",
        "q-bio",
        "quant-ph",
        "solv-int",
        "supr-con",
    ]
)


@dataclass(frozen=True, slots=True)
class ArxivId:
    """A parsed arXiv id: ``base`` never carries a version."""

    base: str
    version: int | None = None

    def __str__(self) -> str:
        return f"{self.base}v{self.version}" if self.version else self.base


def parse_arxiv_id(text: str) -> ArxivId | None:
    """Parse a whole string that *is* an arXiv id, possibly as a URL or with a prefix; else None."""
    rest = _PREFIX_RE.sub("", text.strip(), count=1)
    rest = rest.removesuffix(".pdf").rstrip("/")
    match = _ID_RE.fullmatch(rest)
    return _from_match(match) if match else None


def find_arxiv_id(text: str) -> ArxivId | None:
    """Find the first arXiv id inside free text (a BibTeX ``eprint`` field, an RSS description)."""
    for match in _ID_RE.finditer(text):
        found = _from_match(match)
        if found:
            return found
    return None


def _from_match(match: re.Match[str]) -> ArxivId | None:
    version = int(match["version"]) if match["version"] else None
    if match["new"]:
        month = int(match["new"][2:4])
        return ArxivId(match["new"], version) if 1 <= month <= 12 else None
    archive, number = match["old"].split("/")
    name = archive.partition(".")[0].lower()
    if name not in _OLD_ARCHIVES:
        return None
    # The subject class (``math.CA``) is not part of an old-style id: arXiv files the paper under
    # ``math/0611800`` and redirects the longer form there, so both must be one paper here.
    base = f"{name}/{number}"
    return ArxivId(base, version)


def clean_doi(text: str | None) -> str | None:
    """The DOI in ``text`` (a bare DOI, ``doi:`` or a doi.org URL), or None when it is not one."""
    doi = _DOI_PREFIX_RE.sub("", (text or "").strip(), count=1)
    return doi if _DOI_RE.fullmatch(doi) else None


def clean_category(text: str | None) -> str | None:
    """``text`` when it is an arXiv category (``cs.LG``, ``hep-th``), else None."""
    category = (text or "").strip()
    return category if _CATEGORY_RE.fullmatch(category) else None


def clean_categories(texts: Iterable[str | None]) -> list[str]:
    """The arXiv categories among ``texts``, once each, in order; anything else is dropped."""
    return list(dict.fromkeys(c for c in map(clean_category, texts) if c))


_UNSAFE_RE = re.compile(r'[\x00-\x1f<>:"/\\|?*\x7f]')
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)] + [f"LPT{i}" for i in range(1, 10)]
)


def safe_filename(text: str, max_len: int = 150) -> str:
    """Make ``text`` a file name that is safe on Linux, macOS and Windows and never a path.

    Slashes and other reserved characters become ``_``; leading dots go (no hidden files, no ``..``);
    reserved Windows device names are prefixed; the result is never empty.
    """
    name = unicodedata.normalize("NFC", text)
    name = _UNSAFE_RE.sub("_", name)
    name = " ".join(name.split())
    name = name.lstrip(". ").rstrip(". ")
    encoded = name.encode("utf-8")[:max_len]
    name = encoded.decode("utf-8", errors="ignore").rstrip(". ")
    if not name:
        return "_"
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    return name
