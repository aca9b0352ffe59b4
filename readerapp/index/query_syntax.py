"""The search query language: text to a small syntax tree, with errors that say what is wrong.

Users read the language in ``readerapp.query_help`` (``search --help`` and the guide print it).

This module only parses; ``query_compile`` turns the tree into Whoosh queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from readerapp.errors import QueryError
from readerapp.records import STATES

TEXT_FIELDS = ("title", "abstract", "author", "tag", "note", "cat", "id", "state")
FILTER_FIELDS = ("is", "has", "year", "date", "upvotes")
FIELDS = TEXT_FIELDS + FILTER_FIELDS
IS_VALUES = ("starred", *STATES)
HAS_VALUES = ("pdf", "note", "code")
MIN_PREFIX = 3
MAX_QUERY_LENGTH = 2_000
MAX_DEPTH = 32


@dataclass(frozen=True, slots=True)
class Word:
    """A word (``prefix`` when it ended in ``*``) in one field, or in all text fields."""

    text: str
    field: str | None = None
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Filter:
    """A structured condition: ``kind`` is ``flag``, ``state``, ``year``, ``date`` or ``upvotes``.

    ``low``/``high`` are inclusive bounds (``None`` is open); for ``flag`` and ``state`` ``value``
    names the flag or state.
    """

    kind: str
    value: str = ""
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


Node = Word | Phrase | Filter | And | Or | Not

_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<phrase>"[^"]*"?)
  | (?P<link>(?:[A-Za-z]+://|arxiv:)[^\s()"]+)   # a pasted link or arXiv:ID is a word, not a field
  | (?P<field>[A-Za-z]+):
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    pos: int


def _tokens(query: str) -> list[_Token]:
    out: list[_Token] = []
    for match in _TOKEN_RE.finditer(query):
        kind = match.lastgroup or "word"
        kind = "word" if kind == "link" else kind
        if kind == "space":
            continue
        text = match.group()
        if kind == "phrase" and (len(text) < 2 or not text.endswith('"')):
            raise QueryError(f'unclosed quote at position {match.start() + 1}: add a closing "')
        if kind == "word" and text in ("AND", "OR", "NOT"):
            kind = text
        out.append(_Token(kind, text, match.start()))
    return out


class _Parser:
    """Recursive descent over the tokens: OR binds loosest, then AND (explicit or implied), then NOT."""

    def __init__(self, query: str) -> None:
        self.tokens = _tokens(query)
        self.i = 0
        self.depth = 0
        self.values: list[tuple[Word | Phrase, _Token]] = []  # fielded words and phrases, as written

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        node = self.or_expr(None)
        extra = self.peek()
        if extra is not None:
            raise QueryError(f"unexpected {extra.text!r} at position {extra.pos + 1}")
        return node

    def or_expr(self, field: str | None) -> Node:
        items = [self.and_expr(field)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            items.append(self.and_expr(field, after=token))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self, field: str | None, after: _Token | None = None) -> Node:
        items = [self.unary(field, after)]
        while (token := self.peek()) is not None and token.kind not in ("OR", "rparen"):
            if token.kind == "AND":
                self.take()
                items.append(self.unary(field, token))
            else:
                items.append(self.unary(field, None))
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self, field: str | None, after: _Token | None) -> Node:
        token = self.peek()
        if token is None or token.kind in ("OR", "AND", "rparen"):
            where = f"after {after.text!r} at position {after.pos + 1}" if after else "here"
            found = f"found {token.text!r}" if token else "the query ends"
            raise QueryError(f"expected a word, phrase or group {where}, but {found}")
        if token.kind == "NOT":
            self.take()
            return Not(self.unary(field, token))
        if self.negates(token):
            self.take()
            # What follows the minus is read as a term of its own: -tag:done is NOT tag:done, and
            # -"a phrase" and -(a group) are negated as well.
            rest = [
                _Token("word" if t.kind in ("AND", "OR", "NOT") else t.kind, t.text, token.pos + 1 + t.pos)
                for t in _tokens(token.text[1:])
            ]
            self.tokens[self.i : self.i] = rest
            return Not(self.unary(field, token))
        return self.primary(field)

    def negates(self, token: _Token) -> bool:
        """Whether ``token`` is a minus glued to a term: ``-word``, ``-tag:x``, ``-"a b"``, ``-(a b)``."""
        if token.kind != "word" or not token.text.startswith("-"):
            return False
        if len(token.text) > 1:
            return True
        following = self.tokens[self.i + 1 : self.i + 2]
        return any(t.pos == token.pos + 1 and t.kind in ("phrase", "lparen") for t in following)

    def primary(self, field: str | None) -> Node:
        token = self.take()
        if token.kind == "lparen":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(f"too many nested parentheses (more than {MAX_DEPTH})")
            node = self.or_expr(field)
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise QueryError(f"unclosed parenthesis at position {token.pos + 1}: add a closing )")
            self.take()
            self.depth -= 1
            return node
        if token.kind == "rparen":
            raise QueryError(f"unexpected ) at position {token.pos + 1}")
        if token.kind == "field":
            return self.fielded(token, field)
        if token.kind == "phrase":
            return self.value(Phrase(token.text[1:-1], field), token)
        return self.value(_word(token.text, field, token.pos), token)

    def value(self, node: Word | Phrase, token: _Token) -> Word | Phrase:
        if node.field is not None:
            self.values.append((node, token))
        return node

    def fielded(self, token: _Token, outer: str | None) -> Node:
        name = token.text[:-1].lower()
        if name not in FIELDS:
            raise QueryError(
                f"unknown field {token.text!r} at position {token.pos + 1}; "
                f"known fields: {', '.join(f + ':' for f in FIELDS)}"
            )
        if outer is not None:
            raise QueryError(f"field {token.text!r} inside {outer}:(...) at position {token.pos + 1}")
        value = self.peek()
        glued = value is not None and value.pos == token.pos + len(token.text)
        if value is None or not glued or value.kind in ("rparen", "field"):
            where = f"at position {token.pos + 1}"
            raise QueryError(f"{token.text!r} {where} needs a value right after the colon")
        if name in FILTER_FIELDS:
            self.take()
            return _filter(name, value.text, value.pos)
        if value.kind == "lparen":
            return self.primary(name)
        self.take()
        if value.kind == "phrase":
            return self.value(Phrase(value.text[1:-1], name), value)
        return self.value(_word(value.text, name, value.pos), value)


def _word(text: str, field: str | None, pos: int) -> Word:
    if text.endswith("*"):
        stem = text.rstrip("*")
        if "*" in stem or len(stem) < MIN_PREFIX:
            raise QueryError(
                f"prefix {text!r} at position {pos + 1} needs at least {MIN_PREFIX} letters before one *"
            )
        return Word(stem, field, prefix=True)
    if "*" in text:
        raise QueryError(f"wildcard {text!r} at position {pos + 1}: only a trailing * is supported")
    return Word(text, field)


_NUM_RE = re.compile(r"(?P<op>>=|<=|>|<|=)?(?P<n>\d{1,9})")
_RANGE_RE = re.compile(r"(?P<low>[^.]*)\.\.(?P<high>[^.]*)")


def _filter(name: str, value: str, pos: int) -> Filter:
    where = f"{name}:{value} at position {pos + 1}"
    if name == "is":
        value = value.lower()
        if value not in IS_VALUES:
            raise QueryError(f"{where}: is: takes one of {', '.join(IS_VALUES)}")
        return Filter("flag", "starred") if value == "starred" else Filter("state", value)
    if name == "has":
        value = value.lower()
        if value not in HAS_VALUES:
            raise QueryError(f"{where}: has: takes one of {', '.join(HAS_VALUES)}")
        return Filter("flag", value)
    if name == "upvotes":
        return _upvotes(value, where)
    low_text, high_text = _bounds(value)
    if name == "year":
        low, high = _year(low_text, where), _year(high_text, where)
    else:
        low, high = _day(low_text, where, first=True), _day(high_text, where, first=False)
    if low is not None and high is not None and low > high:
        raise QueryError(f"{where}: the range is empty (start after end)")
    return Filter(name, low=low, high=high)


def _bounds(value: str) -> tuple[str, str]:
    """``a..b`` to ``(a, b)``; a single value is both ends."""
    match = _RANGE_RE.fullmatch(value)
    if match:
        if not match["low"] and not match["high"]:
            raise QueryError(f"{value!r}: a range needs at least one end")
        return match["low"], match["high"]
    return value, value


def _upvotes(value: str, where: str) -> Filter:
    match = _NUM_RE.fullmatch(value)
    if match:
        n, op = int(match["n"]), match["op"] or "="
        bounds = {">": (n + 1, None), ">=": (n, None), "<": (None, n - 1), "<=": (None, n), "=": (n, n)}
        low, high = bounds[op]
        return Filter("upvotes", low=low, high=high)
    low_text, high_text = _bounds(value)
    try:
        low = int(low_text) if low_text else None
        high = int(high_text) if high_text else None
    except ValueError:
        raise QueryError(f"{where}: upvotes: takes a number, >N, >=N, <N, <=N or N..M") from None
    return Filter("upvotes", low=low, high=high)


def _year(text: str, where: str) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text):
        raise QueryError(f"{where}: year: takes a 4-digit year or a range such as 2020..2023")
    return int(text)


def _day(text: str, where: str, first: bool) -> int | None:
    """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` end as YYYYMMDD; a partial date covers its span."""
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if not match:
        raise QueryError(f"{where}: date: takes YYYY-MM-DD, YYYY-MM or YYYY, or a range a..b")
    year = int(match[1])
    month = int(match[2]) if match[2] else (1 if first else 12)
    day = int(match[3]) if match[3] else (1 if first else 31)
    try:
        date(year, month, 1 if not match[3] else day)
    except ValueError:
        raise QueryError(f"{where}: {text!r} is not a real date") from None
    return year * 10_000 + month * 100 + day


def _parsed(query: str) -> tuple[Node, _Parser]:
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(f"query too long ({len(query)} characters, at most {MAX_QUERY_LENGTH})")
    if not query.strip():
        raise QueryError("empty query: type a word, a phrase or a filter such as is:starred")
    parser = _Parser(query)
    return parser.parse(), parser


def parse_query(query: str) -> Node:
    """Parse ``query``; raise ``QueryError`` saying what is wrong and where."""
    return _parsed(query)[0]


def replace_values(query: str, field: str, new_value: Callable[[str], str | None]) -> str:
    """``query`` with each value of ``field`` (a word or a ``"phrase"``, alone or in ``field:(...)``)
    for which ``new_value`` gives another value written in its place; every other byte stays as it was.

    This is how saved searches follow a renamed tag: only real ``tag:`` terms change, never the same
    word inside a phrase or in another field. Prefix words (``tag:llm*``) stand for many values and are
    left alone, and so is a value the language cannot write (one holding a double quote). Raises
    ``QueryError`` for a query that does not parse.
    """
    _, parser = _parsed(query)
    pieces: list[str] = []
    end = 0
    for node, token in sorted(parser.values, key=lambda found: found[1].pos):
        if node.field != field or (isinstance(node, Word) and node.prefix):
            continue
        value = new_value(node.text)
        written = None if value is None or value == node.text else _written(value, isinstance(node, Phrase))
        if written is not None:
            pieces += [query[end : token.pos], written]
            end = token.pos + len(token.text)
    return "".join(pieces) + query[end:]


def _written(value: str, quoted: bool) -> str | None:
    """``value`` as a query writes it: bare when it reads back as that one word (anywhere, a group
    included), else in quotes (kept when it was quoted); None when even quotes cannot hold it."""
    if '"' in value:
        return None
    tokens = _tokens(value) if not quoted else []
    bare = (
        len(tokens) == 1
        and tokens[0].kind == "word"
        and tokens[0].text == value
        and not value.startswith("-")
        and "*" not in value
    )
    return value if bare else f'"{value}"'
