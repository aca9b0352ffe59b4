"""The Library is a door: its methods hand work to the services and hold no SQL; sync reads its feeds
from a registry in one path (fetch, parse, merge), and a feed refuses an option it does not take."""

from __future__ import annotations

import ast
import inspect
from datetime import date
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select

from readerapp import api, sync
from readerapp.choices import SYNC_SOURCES
from readerapp.errors import ReaderappError
from readerapp.feeds.registry import FEEDS, FeedWindow, feed_named
from readerapp.store.models import SyncRun
from tests.unit.feeds_support import loopback_library

SQL_BUILDERS = {"select", "delete", "insert", "update", "text"}  # SQLAlchemy's, called by bare name
SESSION_CALLS = {"execute", "scalars", "scalar", "get", "get_one", "add", "delete", "merge", "query"}
OPENERS = {"__init__", "open"}  # building the services and opening the database: not delegations


def _tree(module: object) -> ast.Module:
    return ast.parse(Path(inspect.getfile(module)).read_text("utf-8"))  # type: ignore[arg-type]


def _methods() -> list[ast.FunctionDef]:
    (library,) = [n for n in _tree(api).body if isinstance(n, ast.ClassDef) and n.name == "Library"]
    return [n for n in library.body if isinstance(n, ast.FunctionDef)]


def test_api_holds_no_sql() -> None:
    tree = _tree(api)
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in imported if m and m.startswith("sqlalchemy")}, "api.py imports SQLAlchemy"
    calls = [n.func for n in ast.walk(tree) if isinstance(n, ast.Call)]
    built = {f.id for f in calls if isinstance(f, ast.Name)} & SQL_BUILDERS
    run = {
        f.attr for f in calls
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "session"
    } & SESSION_CALLS  # fmt: skip
    assert not built and not run, f"api.py runs SQL: {sorted(built | run)}"


def test_every_library_method_is_a_short_delegation() -> None:
    long = {}
    for method in _methods():
        if method.name in OPENERS:
            continue
        body = [s for s in method.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        body = [s for s in body if not isinstance(s, ast.ImportFrom)]  # a lazy import of what it calls
        if len(body) > 2:
            long[method.name] = len(body)
    assert not long, f"methods doing work instead of delegating it: {long}"


def test_the_registry_holds_every_sync_source() -> None:
    assert tuple(FEEDS) == SYNC_SOURCES
    assert all(feed_named(name).name == name for name in SYNC_SOURCES)
    with pytest.raises(ReaderappError, match="unknown source 'rss'; choose one of hf, arxiv-rss, arxiv"):
        feed_named("rss")


def test_sync_branches_on_no_source_name() -> None:
    compared = [
        n for n in ast.walk(_tree(sync))
        if isinstance(n, ast.Compare) and isinstance(n.left, ast.Name) and n.left.id == "source"
    ]  # fmt: skip
    assert not compared, "sync.py picks feeds by name: the registry does"


def test_a_window_is_recorded_as_it_was_asked() -> None:
    assert FeedWindow(date=date(2025, 9, 16)).describe("hf") == "date=2025-09-16"
    assert FeedWindow(since=date(2025, 9, 1), category="cs.LG").describe("arxiv") == (
        "since=2025-09-01 category=cs.LG"
    )
    assert FeedWindow().describe("arxiv-rss") == "arxiv-rss"


@pytest.mark.parametrize(
    ("source", "window", "message"),
    [
        ("arxiv", {"week": "2025-W38"}, r"the arXiv API feed takes no --week \(only --date, --since, "),
        ("hf", {"category": "cs.LG"}, "the Daily Papers feed takes no --category"),
        ("arxiv-rss", {"date": date(2025, 9, 16)}, "the arXiv RSS listing has no dates: it is always today"),
    ],
)
def test_an_option_a_feed_does_not_take_is_refused_before_anything_is_fetched(
    httpserver: HTTPServer, tmp_path: Path, source: str, window: dict[str, object], message: str
) -> None:
    with loopback_library(httpserver, tmp_path / "lib") as lib:
        with pytest.raises(ReaderappError, match=message):
            lib.sync(source, **window)  # type: ignore[arg-type]
        assert httpserver.log == [], "nothing was asked of the feed"
        with lib.db.session() as session:
            assert session.scalar(select(func.count()).select_from(SyncRun)) == 0, "no run was started"
