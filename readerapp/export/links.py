"""A paper's web pages and the facts every format prints the same way (year, first author)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from readerapp.export.reference import reference
from readerapp.ids import clean_doi
from readerapp.paper import Paper

_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"  # what stays as is: spaces, quotes and angle brackets are encoded


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s) with a host, else None: a feed's ``javascript:`` never becomes a link."""
    if not url:
        return None
    cleaned = url.strip()
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return quote(cleaned, safe=_URL_SAFE)


def doi_url(paper: Paper) -> str | None:
    """The DOI's page, when the paper has a DOI (checked again: a library may predate the check)."""
    doi = clean_doi(paper.doi)
    return safe_url(f"https://doi.org/{doi}") if doi else None


def export_doi(paper: Paper) -> str | None:
    """The DOI a reference carries: the paper's own when it is one, else the one arXiv assigns."""
    return clean_doi(paper.doi) or (f"10.48550/arXiv.{paper.arxiv_id}" if paper.arxiv_id else None)


def paper_url(paper: Paper) -> str | None:
    """The one URL a reference manager keeps: the arXiv page, else the reference's own URL (the
    publisher's page), else the DOI, else the project page."""
    if paper.abs_url:
        return paper.abs_url
    return (
        safe_url(reference(paper).url)
        or doi_url(paper)
        or safe_url(paper.project_url)
        or safe_url(paper.code_url)
    )


def paper_links(paper: Paper) -> list[tuple[str, str]]:
    """(label, URL) of every page a reader may want, in the order they reach for them."""
    pdf = f"https://arxiv.org/pdf/{paper.arxiv_id}" if paper.arxiv_id else None
    found = [
        ("arXiv", paper.abs_url),
        ("PDF", pdf),
        ("DOI", doi_url(paper)),
        ("Code", safe_url(paper.code_url)),
        ("Project", safe_url(paper.project_url)),
        ("Hugging Face", paper.hf_url),
    ]
    return [(label, url) for label, url in found if url]


def year(paper: Paper) -> int | None:
    """The year a paper appeared: first version, else the day it was on the feed."""
    if paper.published is not None:
        return paper.published.year
    return paper.feed_day.year if paper.feed_day is not None else None
