"""The query language parser: what each form becomes, and a clear error for each malformed query."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readerapp.errors import QueryError
from readerapp.index.query_syntax import And, Filter, Not, Or, Phrase, Word, parse_query, replace_values


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("diffusion", Word("diffusion")),
        ("diffusion models", And((Word("diffusion"), Word("models")))),
        ('"large language"', Phrase("large language")),
        ("a OR b c", Or((Word("a"), And((Word("b"), Word("c")))))),
        ("(a OR b) NOT c", And((Or((Word("a"), Word("b"))), Not(Word("c"))))),
        ("a -b", And((Word("a"), Not(Word("b"))))),
        ("a -tag:done", And((Word("a"), Not(Word("done", "tag"))))),
        ('-"b c" -(d OR e)', And((Not(Phrase("b c")), Not(Or((Word("d"), Word("e"))))))),
        ("a - b", And((Word("a"), Word("-"), Word("b")))),
        ("diffus*", Word("diffus", prefix=True)),
        ('title:(a "b c")', And((Word("a", "title"), Phrase("b c", "title")))),
        ('author:"A. Kumar"', Phrase("A. Kumar", "author")),
        ("is:starred", Filter("flag", "starred")),
        ("is:reading", Filter("state", "reading")),
        ("has:code", Filter("flag", "code")),
        ("year:2023", Filter("year", low=2023, high=2023)),
        ("year:..2020", Filter("year", high=2020)),
        ("date:2025-09-01..2025-09-30", Filter("date", low=20250901, high=20250930)),
        ("date:2025-09", Filter("date", low=20250901, high=20250931)),
        ("date:2025", Filter("date", low=20250101, high=20251231)),
        ("upvotes:>20", Filter("upvotes", low=21)),
        ("upvotes:<=5", Filter("upvotes", high=5)),
        ("upvotes:10..50", Filter("upvotes", low=10, high=50)),
        ("arXiv:2303.11156v2", Word("arXiv:2303.11156v2")),
        ("https://arxiv.org/abs/2303.11156", Word("https://arxiv.org/abs/2303.11156")),
    ],
)
def test_query_forms(query: str, tree: object) -> None:
    assert parse_query(query) == tree


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("(diffusion", "unclosed parenthesis at position 1"),
        ("diffusion)", "unexpected ')' at position 10"),
        ('"large language', "unclosed quote"),
        ("foo:bar", "unknown field 'foo:'"),
        ("title: x", "needs a value right after the colon"),
        ("diffusion OR", "but the query ends"),
        ("AND diffusion", "found 'AND'"),
        ("di*", "at least 3 letters"),
        ("*fusion", "only a trailing *"),
        ("year:20x", "4-digit year"),
        ("date:2025-13-01", "not a real date"),
        ("date:2025-09-30..2025-09-01", "range is empty"),
        ("upvotes:>many", "upvotes: takes a number"),
        ("is:happy", "is: takes one of"),
        ("has:cake", "has: takes one of"),
        ("a" * 3000, "query too long"),
        ("(" * 40 + "a" + ")" * 40, "too many nested parentheses"),
    ],
)
def test_malformed_queries_say_what_is_wrong(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        parse_query(query)


@given(st.text(max_size=80))
def test_any_text_parses_or_raises_query_error(text: str) -> None:
    with contextlib.suppress(QueryError):
        parse_query(text)


# Names that need quotes (a space, a keyword, a leading minus, a colon, a star) and one no query can hold.
RENAMES = {"llm": "large models", "rl": "RL", "x": "AND", "y": "-neg", "z": "cs:ai", "w": "a*b",
           "q": 'say "hi"'}  # fmt: skip


@pytest.mark.parametrize(
    ("query", "rewritten"),
    [
        ("tag:llm", 'tag:"large models"'),
        ('TAG:LLM  "tag:llm" title:llm llm tag:llm*', 'TAG:"large models"  "tag:llm" title:llm llm tag:llm*'),
        ("a -tag:rl OR tag:(rl -x)", 'a -tag:RL OR tag:(RL -"AND")'),
        ('tag:"rl" tag:(-y) tag:z tag:w', 'tag:"RL" tag:(-"-neg") tag:"cs:ai" tag:"a*b"'),
        ("tag:q tag:other", "tag:q tag:other"),
    ],
)
def test_replace_values_rewrites_only_that_fields_terms_and_keeps_every_other_byte(
    query: str, rewritten: str
) -> None:
    assert replace_values(query, "tag", lambda value: RENAMES.get(value.lower())) == rewritten
    assert _meaning(parse_query(query)) == _meaning(parse_query(rewritten)), "the same query, tags renamed"


def _meaning(node: object) -> object:
    """The tree with each tag renamed (unless the new name cannot be written) and word or phrase alike."""
    if isinstance(node, (Word, Phrase)) and node.field == "tag" and not getattr(node, "prefix", False):
        new = RENAMES.get(node.text.lower(), node.text)
        return ("tag", (node.text if '"' in new else new).lower())
    if isinstance(node, (And, Or)):
        return (type(node).__name__, tuple(_meaning(item) for item in node.items))
    if isinstance(node, Not):
        return ("NOT", _meaning(node.item))
    return node


def test_replace_values_refuses_a_query_that_does_not_parse() -> None:
    with pytest.raises(QueryError, match="unknown field"):
        replace_values("tag:llm foo:bar", "tag", lambda value: "x")
