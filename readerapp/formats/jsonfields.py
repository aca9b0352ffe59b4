"""Typed reads from decoded JSON objects, so every JSON parser checks shapes the same way.

Sources disagree on shapes over time (fields dropped, ``null`` for missing, numbers as floats); one
reader that treats ``null`` as missing and names the exact place of a wrong type keeps each parser
short and its errors useful.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date, datetime

from readerapp.errors import FormatError
from readerapp.formats.dates import parse_iso_date, parse_iso_datetime


def load_json(text: str, where: str) -> object:
    """Decoded JSON, or FormatError that says whether the text was cut off or where it breaks."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise FormatError(f"{where}: JSON cut off before the end") from None
        place = f"line {error.lineno} column {error.colno}" if "\n" in text else f"column {error.colno}"
        raise FormatError(f"{where}: not valid JSON ({error.msg}, {place})") from None
    except RecursionError:
        raise FormatError(f"{where}: JSON nested too deeply") from None


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


class Fields:
    """One JSON object and where it sits in the file (for messages like ``item 3: 'title' ...``)."""

    def __init__(self, obj: object, where: str) -> None:
        if not isinstance(obj, Mapping):
            raise FormatError(f"{where}: expected an object, found {_kind(obj)}")
        self.obj: Mapping[str, object] = obj
        self.where = where

    def has(self, key: str) -> bool:
        """True when the key is present and not ``null``."""
        return self.obj.get(key) is not None

    def _wrong(self, key: str, expected: str) -> FormatError:
        return FormatError(f"{self.where}: {key!r} is {_kind(self.obj[key])}, expected {expected}")

    def text(self, key: str) -> str | None:
        value = self.obj.get(key)
        if value is None or isinstance(value, str):
            return value
        raise self._wrong(key, "a string")

    def required_text(self, key: str) -> str:
        value = self.text(key)
        if value is None or not value.strip():
            raise FormatError(f"{self.where}: {key!r} is missing")
        return value

    def _finite(self, key: str) -> int | float | None:
        value = self.obj.get(key)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return value
        raise self._wrong(key, "a number")

    def number(self, key: str) -> int | None:
        """An integer count; floats such as ``12.0`` are accepted because some answers send them."""
        value = self._finite(key)
        return None if value is None else round(value)

    def real(self, key: str) -> float | None:
        """A number kept as it is (a fraction, say), where ``number`` would round it."""
        value = self._finite(key)
        return None if value is None else float(value)

    def flag(self, key: str) -> bool | None:
        value = self.obj.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self._wrong(key, "true or false")

    def texts(self, key: str) -> list[str]:
        """A list of strings; ``null`` items are dropped, anything else is an error."""
        value = self.obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._wrong(key, "a list of strings")
        if not all(item is None or isinstance(item, str) for item in value):
            raise FormatError(f"{self.where}: {key!r} must hold only strings")
        return [item for item in value if item is not None]

    def when(self, key: str) -> datetime | None:
        value = self.text(key)
        return parse_iso_datetime(value, f"{self.where}: {key!r}") if value else None

    def day(self, key: str) -> date | None:
        value = self.text(key)
        return parse_iso_date(value, f"{self.where}: {key!r}") if value else None

    def child(self, key: str) -> Fields | None:
        value = self.obj.get(key)
        return None if value is None else Fields(value, f"{self.where}: {key!r}")

    def children(self, key: str) -> list[Fields]:
        """A list of objects; ``null`` items are dropped."""
        value = self.obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._wrong(key, "a list of objects")
        return [Fields(item, f"{self.where}: {key}[{i}]") for i, item in enumerate(value) if item is not None]
