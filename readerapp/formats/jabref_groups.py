"""JabRef's groups (``@Comment{jabref-meta: grouping: ...}``) as the collections they stand for.

JabRef writes the group tree at the end of the file, one group per line ending in ``;``, its parts
separated by ``\\;``: ``1 StaticGroup:Name\\;0\\;1\\;0x8a8a8aff\\;\\;\\;;``. Members of a static
(``StaticGroup``, ``ExplicitGroup``) group carry its name in their ``groups`` field; JabRef 2 listed
their keys in the group line instead. A ``KeywordGroup`` holds the entries whose field contains a term.
The tree is read before the entries (it is found in the text first), so members are collected while
the entries stream by; search groups and the like are not collections and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from readerapp.formats.bibtex_blocks import RawEntry
from readerapp.text import normalize_space

_TREE_RE = re.compile(
    r"@comment\s*[{(]\s*jabref-meta:\s*(?:grouping|groupstree):(.*?)\n\s*[})]", re.IGNORECASE | re.DOTALL
)
_GROUP_RE = re.compile(r"^\s*\d+\s+(\w+):(.*)$", re.DOTALL)
_GROUP_END_RE = re.compile(r"(?<!\\);")
_PART_RE = re.compile(r"\\;")
_MEMBERSHIP_SPLIT_RE = re.compile(r"\s*[,;]\s*")


@dataclass(slots=True)
class JabrefGroup:
    name: str
    keys: frozenset[str] = frozenset()  # JabRef 2's explicit members
    search_field: str | None = None  # a keyword group: the field and the term it looks for
    term: str = ""
    case_sensitive: bool = False
    regex: re.Pattern[str] | None = None
    papers: list[str] = field(default_factory=list)  # paper keys of the members, in file order

    def holds(self, entry: RawEntry) -> bool:
        if self.search_field is not None:
            value = entry.fields.get(self.search_field, "")
            if self.regex is not None:
                return self.regex.search(value) is not None
            return self.term in value if self.case_sensitive else self.term.lower() in value.lower()
        named = _MEMBERSHIP_SPLIT_RE.split(entry.fields.get("groups", "").strip())
        return self.name in named or entry.key in self.keys


def jabref_groups(text: str) -> list[JabrefGroup]:
    """The static and keyword groups of the file's group tree, or none."""
    tree = _TREE_RE.search(text)
    if tree is None:
        return []
    groups = []
    for line in _GROUP_END_RE.split(tree.group(1)):
        match = _GROUP_RE.match("".join(line.splitlines()))  # JabRef 2 wrapped long lines
        if match:
            group = _group(match.group(1), [p.replace("\\\\", "\\") for p in _PART_RE.split(match.group(2))])
            if group is not None:
                groups.append(group)
    return groups


def _group(kind: str, parts: list[str]) -> JabrefGroup | None:
    name = normalize_space(parts[0])
    if not name:
        return None
    if kind in ("StaticGroup", "ExplicitGroup"):
        return JabrefGroup(name, keys=frozenset(p.strip() for p in parts[2:] if p.strip()))
    if kind == "KeywordGroup" and len(parts) >= 6:
        search_field, term = parts[2].strip().lower(), parts[3].strip()
        case_sensitive, regex = parts[4].strip() == "1", parts[5].strip() == "1"
        try:
            pattern = re.compile(term, 0 if case_sensitive else re.IGNORECASE) if regex else None
        except re.error:
            return None
        return JabrefGroup(name, search_field=search_field, term=term, case_sensitive=case_sensitive,
                           regex=pattern)  # fmt: skip
    return None
