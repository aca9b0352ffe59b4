"""Reading the items of a feed answer or a file one at a time, so one bad item never sinks the rest.

Each parser reads its items through ``read_each`` (or ``iter_each``, for a big file read as it is
merged): an item it cannot read (a missing title, a wrong type, a line that is not JSON) becomes a
``Skipped`` naming the item and the reason, and the others are kept. A caller that wants the old
all-or-nothing reading (one paper asked for by id) passes no list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from readerapp.errors import FormatError
from readerapp.records import Skipped
from readerapp.text import clean_text

Item = TypeVar("Item")
Read = TypeVar("Read")


def read_each(
    items: Iterable[tuple[str, Item]],
    read: Callable[[Item, str], Read],
    name: Callable[[Item], str | None],
    skipped: list[Skipped] | None,
) -> list[Read]:
    """Every item read at once: ``iter_each`` into a list."""
    return list(iter_each(items, read, name, skipped))


def iter_each(
    items: Iterable[tuple[str, Item]],
    read: Callable[[Item, str], Read],
    name: Callable[[Item], str | None],
    skipped: list[Skipped] | None,
) -> Iterator[Read]:
    """``read(item, where)`` for every ``(where, item)``, one at a time as they are asked for. With a
    ``skipped`` list, an item whose reading raises FormatError is added to it, named by ``name(item)``
    (its id, when it shows one) or else by its place, and left out; without one, the error is raised."""
    for where, item in items:
        try:
            found = read(item, where)
        except FormatError as error:
            if skipped is None:
                raise
            reason = clean_text(_reason(str(error), where))
            skipped.append(Skipped(clean_text(_name(name, item) or where), reason))
            continue
        yield found


def _name(name: Callable[[Item], str | None], item: Item) -> str | None:
    try:
        found = name(item)
    except (AttributeError, TypeError, ValueError):  # an item too broken to show its id
        return None
    found = " ".join(found.split())[:80] if isinstance(found, str) else None
    return found or None


def _reason(message: str, where: str) -> str:
    """The error without its leading place (``item 3 (2509.00003): ``): the report names the item."""
    if message.startswith(where):
        return re.sub(r"^\s*(?:\([^)]*\))?\s*:\s*", "", message[len(where) :]) or message
    return message
