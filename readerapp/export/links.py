"""A paper's web pages and the facts every format prints the same way (year, first author)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

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


def paper_url(paper: Paper) -> str | None:
    """The one URL a reference manager keeps: the arXiv page, else the DOI, else the project page."""
    if paper.abs_url:
        return paper.abs_url
    if paper.doi:
        return f"https://doi.org/{paper.doi}"
    return safe_url(paper.project_url) or safe_url(paper.code_url)


def paper_links(paper: Paper) -> list[tuple[str, str]]:
    """(label, URL) of every page a reader may want, in the order they reach for them."""
    pdf = f"https://arxiv.org/pdf/{paper.arxiv_id}" if paper.arxiv_id else None
    doi = f"https://doi.org/{paper.doi}" if paper.doi else None
    found = [
        ("arXiv", paper.abs_url),
        ("PDF", pdf),
        ("DOI", doi),
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
