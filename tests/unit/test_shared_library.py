"""A lab library on PostgreSQL: several readers (and processes) on one database; state and star per
user, notes and highlights with their author, and changes seen by the others within seconds."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from readerapp import Library
from tests.conftest import SAMPLE_FEED
from tests.pg_server import PostgresServer


@pytest.fixture
def shared_url(postgres_server: PostgresServer) -> str:
    return postgres_server.new_database()


def test_state_and_star_are_per_user_papers_and_tags_are_shared(tmp_path: Path, shared_url: str) -> None:
    with (
        Library.open(tmp_path / "a", database_url=shared_url, user="ada") as ada,
        Library.open(tmp_path / "b", database_url=shared_url, user="bob") as bob,
    ):
        ada.import_file(SAMPLE_FEED)
        paper = ada.list_ids()[0]
        ada.star([paper])
        ada.set_state([paper], "reading")
        ada.tag([paper], add=["group"])
        quote = ada.get(paper).abstract[:30]
        ada.add_highlight(paper, quote, comment="ada's point")
        seen_by_bob = bob.get(paper)
        assert (seen_by_bob.starred, seen_by_bob.state, seen_by_bob.tags) == (False, "inbox", ["group"])
        assert [(h.text, h.author) for h in seen_by_bob.highlights] == [(quote, "ada")]
        ada.set_note(paper, "ada's note")
        bob.set_note(paper, "bob's note")
        seen = bob.get(paper)
        assert (seen.note, seen.other_notes) == ("bob's note", [("ada", "ada's note")])
        assert bob.counts()["all"] == 43


@pytest.mark.parametrize("backend_kind", ["postgresql", "sqlite"])
def test_a_change_in_one_instance_reaches_another_within_5_s(
    tmp_path: Path, postgres_server: PostgresServer, backend_kind: str
) -> None:
    url = postgres_server.new_database() if backend_kind == "postgresql" else ""
    with (
        Library.open(tmp_path / "lib", database_url=url, user="ada") as first,
        Library.open(tmp_path / "lib", database_url=url, user="ada") as second,
    ):
        first.import_file(SAMPLE_FEED)
        paper = first.list_ids()[0]
        mark = second.last_change_id()
        result: dict[str, object] = {}

        def watch() -> None:
            started = time.monotonic()
            result["changes"] = second.wait_for_changes(mark, timeout=5.0)
            result["seconds"] = time.monotonic() - started

        watcher = threading.Thread(target=watch)
        watcher.start()
        first.star([paper])
        watcher.join(10)
        _, ids = result["changes"]  # type: ignore[misc]
        assert paper in ids and float(result["seconds"]) < 5.0  # type: ignore[arg-type]
        assert second.get(paper).starred


def test_a_star_from_another_process_reaches_this_one_within_5_s(tmp_path: Path, shared_url: str) -> None:
    from tests.e2e.cli_support import run_cli

    with Library.open(tmp_path / "here", database_url=shared_url, user="ada") as here:
        here.import_file(SAMPLE_FEED)
        paper = here.list_ids()[3]
        mark = here.last_change_id()
        result: dict[str, object] = {}

        def watch() -> None:
            started = time.monotonic()
            while time.monotonic() - started < 30 and paper not in result.get("ids", []):
                _, result["ids"] = here.wait_for_changes(mark, timeout=5.0)
            result["seconds"] = time.monotonic() - started

        run_cli(tmp_path / "there", "--database-url", shared_url, "--user", "ada", "doctor")
        watcher = threading.Thread(target=watch)
        watcher.start()
        sent = time.monotonic()
        run_cli(tmp_path / "there", "--database-url", shared_url, "--user", "ada", "star", paper)
        starred_at = time.monotonic()
        watcher.join(40)
        assert paper in result["ids"]  # type: ignore[operator]
        # Seen within 5 s of the other process committing (its start-up is not the watcher's delay).
        assert float(result["seconds"]) - (starred_at - sent) < 5.0  # type: ignore[arg-type]
        assert here.get(paper).starred
