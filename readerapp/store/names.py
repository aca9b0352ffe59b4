"""How user labels and tag names are stored, shared by the store and the CLI's light path
(``store.quick``), which must agree on them to the character."""

from __future__ import annotations

from readerapp.errors import ReaderappError


def normalize_user(name: str) -> str:
    """A user label as stored: surrounding and repeated spaces dropped, case folded."""
    cleaned = " ".join(name.split()).casefold()
    if not cleaned:
        raise ReaderappError("a user name cannot be empty")
    return cleaned


def normalize_tag(name: str) -> str:
    """Tags are single trimmed words-or-phrases; leading ``#`` or ``+`` is not part of the name."""
    cleaned = " ".join(name.strip().lstrip("#+").split())
    if not cleaned:
        raise ValueError("a tag needs a name")
    return cleaned
