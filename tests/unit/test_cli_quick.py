"""The CLI's light path (``readerapp.quick``): ``show``, ``list``, ``state`` and ``tag`` through ``sqlite3``
alone print what the Library's path prints, byte for byte, and leave the same rows and change-log
entries; whatever it does not cover (an older schema, a shared library, a new user, auto-exports, odd
input) goes the Library's way."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import JSON, Boolean, Date

from readerapp import Library
from readerapp.cli import main
from readerapp.config import load_config
from readerapp.indexing.documents import index_documents
from readerapp.indexing.quick_source import QuickDocuments
from readerapp.quick import QuickLibrary
from readerapp.store import quick
from readerapp.store.database import _alembic_config, create_library_engine, sqlite_url
from readerapp.store.models import Base
from readerapp.store.sqlite_file import HEAD_REVISION
from readerapp.store.types import UTCDateTime
from tests.conftest import SAMPLE_FEED
from tests.unit.reference_fixtures import write_article

DB = "library.sqlite3"


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library with every kind of thing a view shows: states, stars, tags in two cases, notes and
    highlights of two readers (on the abstract and on a PDF page), a full reference with a DOI, a
    stored PDF, a title with an escape."""
    folder = tmp_path_factory.mktemp("quick") / "lib"
    with Library.open(folder, user="Ann") as lib:
        lib.import_file(SAMPLE_FEED)
        lib.import_file(write_article(folder.parent / "article.json"))
        ids = lib.list_ids()
        lib.set_state(ids[:5], "reading")
        lib.set_state(ids[5:8], "done")
        lib.set_state(ids[8:10], "archived")
        lib.star(ids[2:12])
        lib.tag(ids[:6], add=["LLM", "agents"])
        lib.tag(ids[4:9], add=["vision"])
        lib.set_note(ids[0], "# Mine\n\nworth a *second* read")
        abstract = lib.get(ids[0]).abstract
        lib.add_highlight(ids[0], abstract[10:40], comment="key claim", color="green")
        lib.add_highlight(ids[0], abstract[:8])
        lib.add_pdf_highlight(ids[0], 2, kind="note", quads=[[80.5, 90] * 4], comment="on page two")
    with Library.open(folder, user="bob") as lib:
        lib.set_note(ids[0], "bob's note")
        lib.add_highlight(ids[0], abstract[50:70])
        lib.search("model")  # builds the index
    db = sqlite3.connect(folder / DB)
    db.execute("UPDATE papers SET pdf_path = 'pdfs/one.pdf' WHERE arxiv_id = ?", (ids[1],))
    db.execute("UPDATE papers SET title = 'Escaped \x1b]0;pwned\x07 title' WHERE arxiv_id = ?", (ids[3],))
    db.commit()
    db.close()
    return folder


def _run(capsys: pytest.CaptureFixture[str], folder: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--library", str(folder), "--user", "ann", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _light_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*_args: Any, **_kwargs: Any) -> Library:
        raise AssertionError("the light path fell back to the Library")

    monkeypatch.setattr(Library, "open", refused)


def _full_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QuickLibrary, "open", classmethod(lambda cls, config: None))


def _both(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], folder: Path, *argv: str
) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """``readerapp ARGV`` on the light path, then on the Library's."""
    with monkeypatch.context() as patch:
        _light_only(patch)
        light = _run(capsys, folder, *argv)
    with monkeypatch.context() as patch:
        _full_only(patch)
        full = _run(capsys, folder, *argv)
    return light, full


def _ids(folder: Path) -> list[str]:
    with Library.open(folder, user="ann") as lib:
        return lib.list_ids()


READS: list[Callable[[list[str]], list[str]]] = [
    lambda ids: ["show", ids[0]],
    lambda ids: ["show", ids[0], "--json"],
    lambda ids: ["show", ids[1], "--json"],
    lambda ids: ["show", ids[3]],
    lambda ids: ["show", f"https://arxiv.org/abs/{ids[4]}v2"],
    lambda ids: ["show", "doi:10.1145/2746539.2746580"],
    lambda ids: ["show", "https://doi.org/10.1145/2746539.2746580", "--json"],
    lambda ids: ["show", "title:Preserving statistical validity in adaptive data analysis"],
    lambda ids: ["show", "2401.99999"],
    lambda ids: ["list"],
    lambda ids: ["list", "--json"],
    lambda ids: ["list", "--limit", "7"],
    lambda ids: ["list", "--limit", "5", "--sort", "title", "--json"],
    lambda ids: ["list", "--sort", "date"],
    lambda ids: ["list", "--sort", "upvotes", "--limit", "12"],
    lambda ids: ["list", "--sort", "added"],
    lambda ids: ["list", "--state", "inbox", "--limit", "9"],
    lambda ids: ["list", "--state", "reading", "--json"],
    lambda ids: ["list", "--state", "archived"],
    lambda ids: ["list", "--starred"],
    lambda ids: ["list", "--tag", "llm", "--starred", "--json"],
    lambda ids: ["list", "--tag", "VISION"],
    lambda ids: ["list", "--tag", "nothing"],
    lambda ids: ["search", "diffusion", "models"],
    lambda ids: ["search", "tag:llm", "--json"],
    lambda ids: ["search", "state:reading OR is:starred", "--sort", "date", "--limit", "4", "--json"],
    lambda ids: ["search", '"language model"'],
    lambda ids: ["search", "zzzunknownword"],
    lambda ids: ["search", "title:("],
]


@pytest.mark.parametrize("argv", READS)
def test_reads_print_what_the_library_prints(
    argv: Callable[[list[str]], list[str]],
    filled: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    light, full = _both(monkeypatch, capsys, filled, *argv(_ids(filled)))
    assert light == full


def test_a_view_has_every_field_the_library_gives(filled: Path) -> None:
    """Beyond what is printed: the light path's views equal the Library's, field by field."""
    with Library.open(filled, user="ann") as lib:
        ids = lib.list_ids()
        full = [lib.get(i) for i in ids]
        rows = lib.list(sort="title")
    store = QuickLibrary.open(load_config(filled, user="ann"))
    assert store is not None
    with store:
        assert [store.get(i) for i in ids] == full
        assert list(store.iter_list(sort="title", chunk=7)) == rows
    assert any(p.highlights and p.other_notes and p.note for p in full)
    assert any(p.pdf_path for p in full) and any(p.venue for p in full)


def _library_effects(folder: Path, after: int) -> dict[str, Any]:
    """What a write left, read back through the Library, and the rows no view shows (timestamps aside)."""
    with Library.open(folder, user="ann") as lib:
        views = [
            (p.id, p.state, p.starred, p.tags, p.state_changed is not None) for p in lib.list(sort="added")
        ]
        _, changed = lib.changes_since(after)
    db = sqlite3.connect(folder / DB)
    try:
        queries = {
            "states": "SELECT paper_id, user_id, state, starred, starred_at FROM paper_states ORDER BY 1, 2",
            "links": "SELECT paper_id, tag_id FROM paper_tags ORDER BY 1, 2",
            "tags": "SELECT id, name FROM tags ORDER BY id",
            "revisions": "SELECT id, revision FROM papers ORDER BY id",
            "log": f"SELECT id, public_id FROM change_log WHERE id > {after} ORDER BY id",
        }
        tables = {name: db.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        db.close()
    return {"views": views, "changed": changed, **tables}


WRITES: list[Callable[[list[str]], list[list[str]]]] = [
    lambda ids: [["state", ids[20], ids[0], ids[21], "reading"]],
    lambda ids: [["state", ids[0], f"{ids[0]}v3", ids[30], "done"], ["state", ids[30], "inbox"]],
    lambda ids: [["state", ids[25], "inbox"]],  # no change, yet the row the Library makes
    lambda ids: [["tag", ids[0], ids[30], "+later", "+LLM", "-agents", "+#New  tag"]],
    lambda ids: [["tag", ids[4], "-vision", "+Vision"], ["tag", ids[40], "-llm"]],
    lambda ids: [["tag", ids[0], "2401.99999", "+never"]],  # an unknown id: nothing at all
    lambda ids: [["state", ids[1], "2401.99999", "done"]],
]


@pytest.mark.parametrize("argvs", WRITES)
def test_writes_leave_what_the_library_leaves(
    argvs: Callable[[list[str]], list[list[str]]],
    filled: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    light, full = shutil.copytree(filled, tmp_path / "light"), shutil.copytree(filled, tmp_path / "full")
    ids = _ids(filled)
    with Library.open(filled, user="ann") as lib:
        after = lib.last_change_id()
    said = []
    for argv in argvs(ids):
        with monkeypatch.context() as patch:
            _light_only(patch)
            said.append(_run(capsys, light, *argv))
        with monkeypatch.context() as patch:
            _full_only(patch)
            said.append(_run(capsys, full, *argv))
        assert said[-2] == said[-1]
    assert _library_effects(light, after) == _library_effects(full, after)


def test_the_index_catches_up_on_the_light_path_as_on_the_library_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Changes made on either path are searched on either: the light path catches the index up from
    the change log with the documents the Library would build; an index to build is the Library's."""
    folder = tmp_path / "lib"
    with Library.open(folder) as lib:
        lib.import_file(SAMPLE_FEED)
        first, second = lib.list_ids()[:2]
        assert lib.search("tag:zebra") == []  # the index is built
        lib.set_note(second, "a zebra crossing")
    assert main(["--library", str(folder), "tag", first, "+zebra"]) == 0
    assert main(["--library", str(folder), "state", first, "done"]) == 0
    capsys.readouterr()
    with monkeypatch.context() as patch:
        _light_only(patch)
        assert main(["--library", str(folder), "search", "zebra"]) == 0
    light = capsys.readouterr().out
    assert {line.split()[0] for line in light.splitlines() if not line.startswith(" ")} == {first, second}
    with Library.open(folder) as lib:
        assert [hit.id for hit in lib.search("tag:zebra state:done")] == [first]
    shutil.rmtree(folder / "index")
    with monkeypatch.context() as patch:
        _light_only(patch)
        with pytest.raises(AssertionError, match="fell back"):
            main(["--library", str(folder), "search", "zebra"])
    assert main(["--library", str(folder), "search", "zebra"]) == 0  # the Library builds it
    assert capsys.readouterr().out == light


def test_index_documents_are_the_library_s(filled: Path) -> None:
    with Library.open(filled, user="ann") as lib:
        ids = lib.list_ids()
        with lib.db.session() as session:
            expected = list(index_documents(session, lib.user_id, [*ids, "2401.99999"]))
    store = QuickLibrary.open(load_config(filled, user="ann"))
    assert store is not None
    with store:
        assert list(QuickDocuments(store).documents([*ids, "2401.99999"])) == expected
    assert any(d["note"] and d["highlights"] and d["tags"] and d["state"] != "inbox" for d in expected)


def _store(folder: Path, **settings: Any) -> QuickLibrary | None:
    store = QuickLibrary.open(load_config(folder, **settings))
    if store is not None:
        store.close()
    return store


def test_the_light_path_is_not_taken_for_an_older_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    engine = create_library_engine(sqlite_url(folder / DB))
    with engine.begin() as conn:
        command.upgrade(_alembic_config(engine, conn), "0005")
    engine.dispose()
    assert _store(folder) is None
    assert main(["--library", str(folder), "list"]) == 0  # the Library migrates it, then lists
    db = sqlite3.connect(folder / DB)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD_REVISION,)
    db.close()
    assert _store(folder) is not None


def test_what_the_light_path_leaves_to_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lib"
    assert _store(folder) is None  # no library yet: the Library makes it
    with Library.open(folder) as lib:
        lib.import_file(SAMPLE_FEED)
        first = lib.list_ids()[0]
    assert _store(folder) is not None
    assert _store(folder, user="somebody new") is None  # the Library makes the user
    assert _store(folder, database_url=sqlite_url(folder / DB)) is None  # a URL is the Library's
    with monkeypatch.context() as patch:
        _light_only(patch)
        # Odd input: the Library words the error.
        with pytest.raises(AssertionError, match="fell back"):
            main(["--library", str(folder), "state", first, "someday"])
        with pytest.raises(AssertionError, match="fell back"):
            main(["--library", str(folder), "tag", first, "+#"])
    assert main(["--library", str(folder), "state", first, "someday"]) == 1
    assert "unknown state 'someday'" in capsys.readouterr().err


def test_a_write_in_an_auto_exported_library_rewrites_the_export(tmp_path: Path) -> None:
    """The Library rewrites auto-exports after a write; the light path leaves such writes to it."""
    folder = tmp_path / "lib"
    with Library.open(folder) as lib:
        lib.import_file(SAMPLE_FEED)
        first = lib.list_ids()[0]
        lib.add_to_collection("thesis", [first])
        lib.autoexport("thesis", "csl-json", tmp_path / "thesis.json")
    assert main(["--library", str(folder), "tag", first, "+cited"]) == 0
    assert '"cited"' in (tmp_path / "thesis.json").read_text(encoding="utf-8")


def test_the_sql_mirrors_the_models_and_the_sorts() -> None:
    """The light path decodes columns by name and sorts by SQL text: both must follow the store."""
    from readerapp import choices

    found: dict[str, set[str]] = {"json": set(), "datetime": set(), "date": set(), "bool": set()}
    kinds = {JSON: "json", UTCDateTime: "datetime", Date: "date", Boolean: "bool"}
    read = {"papers", "paper_states", "highlights"}
    for table in Base.metadata.sorted_tables:
        if table.name in read:
            for column in table.columns:
                for kind, name in kinds.items():
                    if isinstance(column.type, kind):
                        found[name].add(column.name)
    read_columns = {"metadata_updated", "starred_at"}  # written or kept, never read into a view
    assert found["json"] == quick.JSON_COLUMNS
    assert found["datetime"] - read_columns == quick.DATETIME_COLUMNS
    assert found["date"] == quick.DATE_COLUMNS
    assert found["bool"] == quick.BOOL_COLUMNS
    assert tuple(quick.SORTS) == choices.LIST_SORTS
