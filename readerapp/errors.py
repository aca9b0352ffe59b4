"""Errors the core raises on purpose, each with a message fit to show a user as one line."""

from __future__ import annotations


class ReaderappError(Exception):
    """Base class: the CLI prints ``str(error)`` and exits non-zero, without a traceback."""


class FeedError(ReaderappError):
    """A feed or file could not be read: malformed content, an error feed, an HTTP failure."""


class FormatError(FeedError):
    """A file's content is not a format we read, or is truncated or malformed."""


class NotFoundError(ReaderappError):
    """No paper matches the id the user gave."""


class QueryError(ReaderappError):
    """A search query is malformed; the message says what is wrong and where."""


class LibraryError(ReaderappError):
    """The library on disk is unusable (corrupt, newer schema, not writable)."""


class PdfError(ReaderappError):
    """A PDF could not be fetched, is not a PDF (an HTML page, a truncated body), or cannot be read."""


class Cancelled(ReaderappError):
    """The user cancelled long work (a sync, a download) before it finished; nothing was written."""


class ExportError(ReaderappError):
    """An export could not be written (an unwritable or missing destination, an empty scope)."""


class DatabaseDamaged(LibraryError):
    """The database file itself is broken (SQLite or its backup API find it unsound): the message ends
    with the newest backup to restore, or says there is none. Only a restore cures it."""


class Busy(LibraryError):
    """Something this needs to itself is held by someone else (another readerapp has the library open
    during a restore, a download runs while ``doctor`` would tidy ``pdfs/``): nothing was touched, and
    trying again once they finish is the cure."""


class DiskFull(LibraryError):
    """A write found no room (a full disk, a used-up quota, the file size limit): the message names the
    path and the space left. Nothing on disk is damaged: freeing space and trying again is the cure."""
