"""Timestamps as the sources write them, always turned into aware datetimes.

A naive time would compare wrongly against the aware ones from other sources, so a timestamp
without an offset is taken as UTC (what arXiv and Hugging Face mean by it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from readerapp.errors import FormatError

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def month_number(text: str) -> int | None:
    """``3``, ``mar``, ``March`` or ``Mar.`` -> 3; None for anything else."""
    text = text.strip(" .{}").lower()
    month = int(text) if text.isdigit() else _MONTHS.index(text[:3]) + 1 if text[:3] in _MONTHS else 0
    return month if 1 <= month <= 12 else None


def parse_iso_datetime(text: str, where: str) -> datetime:
    """An ISO 8601 timestamp or date (``Z`` or an offset, or neither for UTC)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise FormatError(f"{where}: {text[:40]!r} is not an ISO 8601 date") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_iso_date(text: str, where: str) -> date:
    """An ISO 8601 day; a full timestamp is accepted and cut to its UTC day."""
    return parse_iso_datetime(text, where).astimezone(UTC).date()


def parse_rfc822_datetime(text: str, where: str) -> datetime:
    """An RSS ``pubDate`` such as ``Tue, 16 Sep 2025 00:00:00 -0400``."""
    try:
        value = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        raise FormatError(f"{where}: {text[:40]!r} is not an RFC 822 date") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
