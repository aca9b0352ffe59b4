"""Identities on a shared PostgreSQL library are the server's, not a claim: set up as the user guide
says (a group role, one login role per member, an owner that is no member), bob cannot change ann's
notes, state, star, highlights or reading positions even with raw SQL, yet edits the shared papers,
tags and collections; ``--user ann`` run as bob is refused; a file's note by someone who is no member
makes no user."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from psycopg import errors

from readerapp import Library
from readerapp.errors import LibraryError, ReaderappError
from readerapp.formats.readerapp_json import dump_readerapp_json
from readerapp.pdfs.position import PdfPosition
from readerapp.records import Annotations, HighlightRecord, NoteRecord, PaperRecord
from readerapp.store.database import HEAD_REVISION, _alembic_config, create_library_engine
from readerapp.store.models import Base
from tests.conftest import SAMPLE_FEED
from tests.e2e.cli_support import run_cli
from tests.pg_server import PostgresServer, as_role


@dataclass
class Lab:
    """One lab's library: the owner's URL (who made the tables) and each member's."""

    server: PostgresServer
    owner: str

    def url(self, role: str) -> str:
        return as_role(self.owner, role)

    def sql(self, role: str) -> psycopg.Connection[Any]:
        """A raw connection as ``role``, as anyone with a login could open one."""
        return psycopg.connect(self.url(role).replace("+psycopg", ""), autocommit=True)


def _setup_lab(server: PostgresServer) -> str:
    """The guide's recipe: group role ``lab``, members ann and bob, owner ``lab_owner`` (no member);
    only the group may connect. Returns the database's name."""
    server.role("lab", login=False)
    server.role("lab_owner")
    for member in ("ann", "bob"):
        server.role(member, member_of="lab")
    server.role("dave")  # a login on the server, but no member of this lab
    name = "lab_" + uuid.uuid4().hex[:8]
    with server.admin() as conn:
        conn.execute(f"CREATE DATABASE {name} OWNER lab_owner")
        conn.execute(f"REVOKE ALL ON DATABASE {name} FROM PUBLIC")
        conn.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {name} TO lab")
    return name


@pytest.fixture
def lab(postgres_server: PostgresServer, tmp_path: Path) -> Iterator[Lab]:
    name = _setup_lab(postgres_server)
    owner = as_role(postgres_server.url(name), "lab_owner")
    with Library.open(tmp_path / "owner", database_url=owner) as first:  # the owner opens it first
        first.import_file(SAMPLE_FEED)
    yield Lab(postgres_server, owner)


@pytest.fixture
def ann_wrote(lab: Lab, tmp_path: Path) -> Iterator[tuple[Library, str]]:
    """Ann's library, where she noted, starred, triaged, highlighted and read one paper."""
    with Library.open(tmp_path / "ann", database_url=lab.url("ann")) as ann:
        paper = ann.list_ids()[0]
        ann.set_note(paper, "ann's note")
        ann.star([paper])
        ann.set_state([paper], "reading")
        ann.add_highlight(paper, ann.get(paper).abstract[:40], comment="ann's point")
        ann.save_reading_position(paper, PdfPosition(3, 0.5, "width"))
        yield ann, paper


def _as_she_left_it(ann: Library, paper: str) -> None:
    seen = ann.get(paper)
    assert (seen.note, seen.starred, seen.state) == ("ann's note", True, "reading")
    assert [(h.author, h.comment) for h in seen.highlights] == [("ann", "ann's point")]
    assert ann.reading_position(paper) == PdfPosition(3, 0.5, "width")


def test_bob_cannot_change_anns_rows_even_with_raw_sql(lab: Lab, ann_wrote: tuple[Library, str]) -> None:
    ann, paper = ann_wrote
    with lab.sql("bob") as bob:
        ann_id = bob.execute("SELECT id FROM users WHERE name = 'ann'").fetchone()[0]  # type: ignore[index]
        pid = bob.execute("SELECT id FROM papers WHERE arxiv_id = %s", (paper,)).fetchone()[0]  # type: ignore[index]
        other = bob.execute("SELECT id FROM papers WHERE id <> %s LIMIT 1", (pid,)).fetchone()[0]  # type: ignore[index]
        mine = {"u": ann_id, "p": pid, "q": other}
        changed = {
            "UPDATE notes SET markdown = 'pwned' WHERE user_id = %(u)s": 0,
            "DELETE FROM notes WHERE user_id = %(u)s": 0,
            "UPDATE paper_states SET starred = false, state = 'done' WHERE user_id = %(u)s": 0,
            "DELETE FROM paper_states WHERE user_id = %(u)s": 0,
            "DELETE FROM highlights WHERE user_id = %(u)s": 0,
            "UPDATE reading_positions SET page = 0 WHERE user_id = %(u)s": 0,
            "DELETE FROM reading_positions WHERE user_id = %(u)s": 0,
            "UPDATE users SET name = 'bob' WHERE id = %(u)s": 0,
            "DELETE FROM users WHERE id = %(u)s": 0,
            "DELETE FROM papers WHERE id = %(p)s": 0,  # which would take her note, state and highlight
        }
        for statement, rows in changed.items():
            assert bob.execute(statement, mine).rowcount == rows, statement
        refused = [
            "INSERT INTO notes (paper_id, user_id, markdown, updated)"
            " VALUES (%(q)s, %(u)s, 'forged', now())",
            "INSERT INTO paper_states (paper_id, user_id, state, starred)"
            " VALUES (%(q)s, %(u)s, 'done', true)",
            "INSERT INTO highlights (paper_id, user_id, field, start, \"end\", quote, color, created,"
            " anchored) VALUES (%(q)s, %(u)s, 'abstract', 0, 1, 'x', 'red', now(), true)",
            "INSERT INTO reading_positions (paper_id, user_id, page, \"offset\", zoom, updated)"
            " VALUES (%(q)s, %(u)s, 1, 0, 'page', now())",
            "UPDATE highlights SET comment = 'pwned' WHERE user_id = %(u)s",
            "UPDATE highlights SET color = 'red', quote = 'pwned' WHERE user_id = %(u)s",
            "INSERT INTO users (name, created) VALUES ('carol', now())",
        ]
        for statement in refused:
            with pytest.raises(errors.InsufficientPrivilege):
                bob.execute(statement, mine)
        # Nor can bob pass his own rows off as ann's.
        bob.execute("INSERT INTO users (name, created) VALUES ('bob', now()) ON CONFLICT DO NOTHING")
        bob.execute("INSERT INTO notes (paper_id, user_id, markdown, updated)"
                    " SELECT %(p)s, id, 'bob''s', now() FROM users WHERE name = 'bob'", mine)  # fmt: skip
        for statement in (
            "UPDATE notes SET user_id = %(u)s WHERE paper_id = %(p)s",
            "UPDATE highlights SET user_id = (SELECT id FROM users WHERE name = 'bob') WHERE user_id = %(u)s",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                bob.execute(statement, mine)
        # No way around the policies: not the tables' settings, not a temporary "users" table.
        for statement in (
            "ALTER TABLE notes NO FORCE ROW LEVEL SECURITY",
            "DROP POLICY own_rows_update ON notes",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                bob.execute(statement)
        bob.execute("CREATE TEMPORARY TABLE users (id integer, name text)")
        bob.execute("INSERT INTO pg_temp.users VALUES (%(u)s, 'bob')", mine)
        with pytest.raises(errors.InsufficientPrivilege):
            bob.execute("UPDATE highlights SET comment = 'pwned' WHERE user_id = %(u)s", mine)
    _as_she_left_it(ann, paper)


def test_the_owner_who_made_the_tables_is_bound_as_well(lab: Lab, ann_wrote: tuple[Library, str]) -> None:
    ann, paper = ann_wrote
    with lab.sql("lab_owner") as owner:
        assert owner.execute("UPDATE notes SET markdown = 'pwned'").rowcount == 0
        assert owner.execute("DELETE FROM paper_states").rowcount == 0
    _as_she_left_it(ann, paper)


def test_bob_edits_the_shared_papers_tags_and_collections(
    lab: Lab, ann_wrote: tuple[Library, str], tmp_path: Path
) -> None:
    ann, paper = ann_wrote
    ann.tag([paper], add=["to-discuss"])
    ann.add_to_collection("Reading group", [paper])
    with Library.open(tmp_path / "bob", database_url=lab.url("bob")) as bob:
        bob.tag([paper], add=["bob-likes"])
        bob.rename_tag("to-discuss", "discussed")
        bob.add_to_collection("Reading group", [bob.list_ids()[1]])
        bob.remove_from_collection("Reading group", [paper])
        bob.save_search("Mine", "tag:bob-likes")
        bob.set_note(paper, "bob's own note")
        bob.star([paper])
        seen = bob.get(paper)
        assert (seen.note, seen.starred) == ("bob's own note", True)
        assert seen.other_notes == [("ann", "ann's note")]
    assert ann.get(paper).tags == ["bob-likes", "discussed"]
    assert ann.collection_ids("Reading group") == [ann.list_ids()[1]]
    with lab.sql("bob") as raw:
        assert raw.execute("UPDATE tags SET name = 'renamed' WHERE name = 'bob-likes'").rowcount == 1
        assert raw.execute("UPDATE papers SET upvotes = upvotes + 1").rowcount == ann.counts()["all"]
        assert raw.execute("DELETE FROM papers WHERE arxiv_id = %s", (ann.list_ids()[5],)).rowcount == 1
    _as_she_left_it(ann, paper)


def test_bob_is_told_that_anns_highlight_is_hers(
    lab: Lab, ann_wrote: tuple[Library, str], tmp_path: Path
) -> None:
    ann, paper = ann_wrote
    (highlight,) = ann.get(paper).highlights
    with Library.open(tmp_path / "bob", database_url=lab.url("bob")) as bob:
        for attempt in (lambda: bob.delete_highlight(highlight.id),
                        lambda: bob.edit_highlight(highlight.id, color="red", comment="")):  # fmt: skip
            with pytest.raises(ReaderappError, match=rf"^highlight {highlight.id} is ann's: only its author"):
                attempt()
    _as_she_left_it(ann, paper)


def test_bob_removing_the_sample_leaves_the_papers_ann_worked_on(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    lab = Lab(postgres_server, as_role(postgres_server.url(_setup_lab(postgres_server)), "lab_owner"))
    with (
        Library.open(tmp_path / "owner", database_url=lab.owner) as owner,
        Library.open(tmp_path / "ann", database_url=lab.url("ann")) as ann,
        Library.open(tmp_path / "bob", database_url=lab.url("bob")) as bob,
    ):
        owner.import_file(SAMPLE_FEED, sample=True)
        paper = ann.list_ids()[0]
        ann.set_note(paper, "ann's note")
        bob.star([ann.list_ids()[1]])  # his own work does not keep a paper from him
        removed = bob.remove_sample().ids
        assert paper not in removed and len(removed) == 42
        assert ann.list_ids() == [paper] and ann.get(paper).note == "ann's note"


def test_a_sync_by_bob_re_anchors_anns_highlight_and_changes_nothing_else_of_hers(
    lab: Lab, ann_wrote: tuple[Library, str], tmp_path: Path
) -> None:
    ann, paper = ann_wrote
    items = json.loads(SAMPLE_FEED.read_text("utf-8"))
    (item,) = [i for i in items if i["paper"]["id"] == paper]
    item["paper"]["summary"] = "A new first sentence. " + item["paper"]["summary"]
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps([item]), "utf-8")
    with Library.open(tmp_path / "bob", database_url=lab.url("bob")) as bob:
        assert bob.import_file(changed).updated == [paper]
    (highlight,) = ann.get(paper).highlights
    assert (highlight.start, highlight.author, highlight.comment) == (22, "ann", "ann's point")
    _as_she_left_it(ann, paper)


def test_anns_pdf_highlight_is_hers_even_in_raw_sql_and_survives_bobs_sync(
    lab: Lab, ann_wrote: tuple[Library, str], tmp_path: Path
) -> None:
    """A PDF annotation (issue 16) is a highlight like the others: bob sees it, cannot change it, and a
    sync of his (which re-anchors every highlight of the paper) leaves it as it was."""
    ann, paper = ann_wrote
    ann.add_pdf_highlight(paper, 2, "ann's words", quads=[[10, 20, 90, 20, 10, 30, 90, 30]], comment="p2")
    (mark,) = ann.pdf_highlights(paper)
    with Library.open(tmp_path / "bob", database_url=lab.url("bob")) as bob:
        assert [(h.page, h.author) for h in bob.pdf_highlights(paper)] == [(2, "ann")]
        bob.import_file(SAMPLE_FEED)
        with pytest.raises(ReaderappError, match=rf"^highlight {mark.id} is ann's"):
            bob.edit_highlight(mark.id, comment="bob's")
    with lab.sql("bob") as raw, pytest.raises(Exception, match="only its author changes a highlight"):
        raw.execute("UPDATE highlights SET quads = '[[0,0,0,0,0,0,0,0]]' WHERE id = %s", (mark.id,))
    assert ann.pdf_highlights(paper) == [mark]


def test_user_ann_run_as_bob_is_refused(lab: Lab, ann_wrote: tuple[Library, str], tmp_path: Path) -> None:
    ann, paper = ann_wrote
    with pytest.raises(LibraryError, match="you are the database role you log in as"):
        Library.open(tmp_path / "bob", database_url=lab.url("bob"), user="ann")
    done = run_cli(tmp_path / "bob", "--database-url", lab.url("bob"), "--user", "ann", "note", paper,
                   "--text", "bob was here", check=False)  # fmt: skip
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "readerapp: error: user 'ann' refused: on a shared library you are the database role you log in as "
        "('bob'); to work as 'ann', put that role in the database URL"
    ]
    with Library.open(tmp_path / "bob", database_url=lab.url("bob"), user=" BOB ") as bob:
        assert bob.user_name == "bob"  # naming yourself is fine, in any case
    _as_she_left_it(ann, paper)


def _file_with_notes_by(tmp_path: Path, ann: Library, paper: str, *authors: str) -> Path:
    """A lossless JSON file with a note and a highlight on ``paper`` by each of ``authors``."""
    quote = ann.get(paper).abstract[10:30]
    record = PaperRecord(
        source="json",
        title=ann.get(paper).title,
        arxiv_id=paper,
        annotations=Annotations(
            other_notes=[NoteRecord(author, f"{author}'s note") for author in authors],
            highlights=[HighlightRecord(quote, author=author) for author in authors],
        ),
    )
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(dump_readerapp_json([record], [], [])), "utf-8")
    return path


def _user_names(lab: Lab) -> list[str]:
    with lab.sql("lab_owner") as owner:
        return [name for (name,) in owner.execute("SELECT name FROM users ORDER BY name")]


def test_a_file_note_by_someone_who_is_no_member_makes_no_user(
    lab: Lab, ann_wrote: tuple[Library, str], tmp_path: Path
) -> None:
    ann, paper = ann_wrote
    path = _file_with_notes_by(tmp_path, ann, paper, "carol", "dave", "Bob")
    report = ann.import_file(path)
    assert [(s.where, s.reason) for s in report.skipped] == [
        (paper, "note by carol skipped: not a member of this library"),
        (paper, "note by dave skipped: not a member of this library"),
        (paper, "note by Bob skipped: only bob writes bob's notes and highlights"),
        (paper, "highlight by carol skipped: not a member of this library"),
        (paper, "highlight by dave skipped: not a member of this library"),
        (paper, "highlight by Bob skipped: only bob writes bob's notes and highlights"),
    ]
    assert f"skipped {paper}: note by carol skipped: not a member of this library" in report.skipped_lines()
    assert _user_names(lab) == ["ann", "lab_owner"]
    assert ann.get(paper).other_notes == [] and len(ann.get(paper).highlights) == 1
    _as_she_left_it(ann, paper)


def test_an_administrator_restores_members_notes_but_still_makes_no_user(
    lab: Lab, ann_wrote: tuple[Library, str], tmp_path: Path
) -> None:
    ann, paper = ann_wrote
    path = _file_with_notes_by(tmp_path, ann, paper, "carol", "bob")
    with Library.open(tmp_path / "admin", database_url=lab.url("postgres")) as admin:  # a superuser
        report = admin.import_file(path)
    assert [s.reason for s in report.skipped] == [
        "note by carol skipped: not a member of this library",
        "highlight by carol skipped: not a member of this library",
    ]
    assert ann.get(paper).other_notes == [("bob", "bob's note")]
    assert "carol" not in _user_names(lab)


def test_a_member_cannot_make_the_tables_of_a_new_library(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = as_role(postgres_server.url(_setup_lab(postgres_server)), "ann")
    with pytest.raises(LibraryError, match="only its owner can make, not ann: its owner opens it once"):
        Library.open(tmp_path / "ann", database_url=url)


def test_a_member_leaves_an_upgrade_to_the_owner(postgres_server: PostgresServer, tmp_path: Path) -> None:
    owner = as_role(postgres_server.url(_setup_lab(postgres_server)), "lab_owner")
    engine = create_library_engine(owner)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(engine, conn), "0004")  # as an older readerapp left it
    engine.dispose()
    told = "which only its owner can make, not ann: its owner opens it once with this readerapp first"
    with pytest.raises(LibraryError) as refused:
        Library.open(tmp_path / "ann", database_url=as_role(owner, "ann"))
    needs = f"this shared library needs schema {HEAD_REVISION}"
    assert str(refused.value) == f"{needs} (it is not open to members yet), {told}"
    with psycopg.connect(owner.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("GRANT SELECT ON alembic_version TO PUBLIC")  # its schema is readable, not changeable
    with pytest.raises(LibraryError) as refused:
        Library.open(tmp_path / "ann", database_url=as_role(owner, "ann"))
    assert str(refused.value) == f"{needs} (it has schema 0004), {told}"
    with Library.open(tmp_path / "owner", database_url=owner), Library.open(
        tmp_path / "ann", database_url=as_role(owner, "ann")
    ) as ann:
        assert ann.user_name == "ann"


def test_every_table_of_what_users_make_is_under_forced_row_security(lab: Lab) -> None:
    per_user = sorted(t.name for t in Base.metadata.sorted_tables if "user_id" in t.columns)
    assert per_user == ["auto_exports", "highlights", "notes", "paper_states", "reading_positions"]
    with lab.sql("lab_owner") as owner:
        secured = owner.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity AND relkind = 'r'"
            " AND relnamespace = 'public'::regnamespace ORDER BY relname"
        ).fetchall()
    assert sorted(name for (name,) in secured) == sorted([*per_user, "papers", "users"])


def test_each_reader_has_their_own_auto_export_and_bob_cannot_touch_anns(lab: Lab, tmp_path: Path) -> None:
    with Library.open(tmp_path / "ann", database_url=lab.url("ann")) as ann, Library.open(
        tmp_path / "bob", database_url=lab.url("bob")
    ) as bob:
        ann.add_to_collection("Thesis", ann.list_ids()[:2])
        ann.autoexport("Thesis", "bibtex", tmp_path / "ann.bib")
        assert bob.autoexports() == []  # bob's list is his own
        bob.autoexport("Thesis", "csl-json", tmp_path / "bob.json")  # the same collection, his own file
        assert [(a.collection, a.format) for a in ann.autoexports()] == [("Thesis", "bibtex")]
        with lab.sql("bob") as raw:
            anns = "WHERE path LIKE '%ann.bib'"
            assert raw.execute(f"UPDATE auto_exports SET path = '/tmp/x' {anns}").rowcount == 0
            assert raw.execute(f"DELETE FROM auto_exports {anns}").rowcount == 0
        bob.autoexport_off("Thesis")
        assert [a.path for a in ann.autoexports()] == [str(tmp_path / "ann.bib")]
