"""The one clock every write stamps with, importable by the light paths that must not load SQLAlchemy."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)
