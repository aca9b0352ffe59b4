"""The names of the choices the CLI offers and the core implements: sorts, feed sources, export formats.

They live here, apart from the code behind them, because the command line builds its parser (and answers
``--help``) from them before anything heavy is imported: SQLAlchemy, Whoosh, numpy and httpx cost most
of a second, and a CLI command should answer at once.
"""

from __future__ import annotations

from typing import Literal, get_args

DB_FILE = "library.sqlite3"  # the database in a library folder
LIST_SORTS = ("feed", "date", "upvotes", "title", "added")  # orders of a list view (store.queries)
SEARCH_SORTS = ("relevance", "date", "upvotes")  # orders of search results (index.search_index)
SourceName = Literal["hf", "arxiv-rss", "arxiv"]  # feeds ``sync`` reads (readerapp.feeds.registry)
SYNC_SOURCES: tuple[SourceName, ...] = get_args(SourceName)
# Export formats, in the order a menu offers them (export.bundle).
EXPORT_FORMATS: tuple[str, ...] = ("markdown", "obsidian", "bibtex", "csl-json", "ris", "html", "json")
EXPORT_EXTENSIONS = {  # the usual file extension of each (a vault is a folder)
    "markdown": ".md",
    "obsidian": "",
    "bibtex": ".bib",
    "csl-json": ".json",
    "ris": ".ris",
    "html": ".html",
    "json": ".json",
}
AUTO_EXPORT_FORMATS = ("bibtex", "csl-json")  # formats an auto-export keeps current (readerapp.autoexport)
CitationKind = Literal["bibtex", "citekey", "link"]  # what the app copies of a paper (export.citation)
CITATION_KINDS: tuple[CitationKind, ...] = get_args(CitationKind)
