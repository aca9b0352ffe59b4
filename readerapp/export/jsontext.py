"""JSON written one record per line: readable, diffable, and fast, since only ``indent=None`` lets the
json module use its C encoder (an indented 10,000-paper export took three times as long).

Text stays readable UTF-8, but no control character is written raw: the json module escapes the C0
ones, and DEL and the C1 ones (which a terminal obeys: ``\\x9b`` starts a sequence) are escaped here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

_C1_RE = re.compile("[\x7f-\x9f]")  # only ever inside a JSON string: nothing else there can hold one


def dumps(value: Any, indent: int | None = None, default: Callable[[Any], Any] | None = None) -> str:
    """``value`` as JSON in UTF-8 text with every control character escaped."""
    text = json.dumps(value, ensure_ascii=False, indent=indent, default=default)
    return _C1_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _C1_RE.search(text) else text


def _rows(items: list[Any]) -> str:
    return "[\n" + ",\n".join(dumps(item) for item in items) + "\n]" if items else "[]"


def json_text(value: list[Any] | dict[str, Any]) -> str:
    """A top-level array with one item per line, or an object with one key per line whose array
    values list one item per line."""
    if isinstance(value, list):
        return _rows(value) + "\n"
    members = [f"{dumps(k)}: {_rows(v) if isinstance(v, list) else dumps(v)}" for k, v in value.items()]
    return "{\n" + ",\n".join(members) + "\n}\n"
