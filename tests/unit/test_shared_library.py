"""A lab library on PostgreSQL: several readers (and processes) on one database; state and star per
user, notes and highlights with their author, and changes seen by the others within seconds."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from readerapp import Library
from readerapp.store.changes import LISTEN_CONNECTION, Listener
from tests.conftest import SAMPLE_FEED
from tests.pg_server import PostgresServer, backend_pids, waiting_in


@pytest.fixture
def shared_url(postgres_server: PostgresServer) -> str:
    return postgres_server.new_database()


def test_state_and_star_are_per_user_papers_and_tags_are_shared(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    lab = postgres_server.shared_library("ada", "bob")
    with (
        Library.open(tmp_path / "a", database_url=lab["ada"]) as ada,
        Library.open(tmp_path / "b", database_url=lab["bob"]) as bob,
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
        Library.open(tmp_path / "lib", database_url=url) as first,
        Library.open(tmp_path / "lib", database_url=url) as second,
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

    with Library.open(tmp_path / "here", database_url=shared_url) as here:
        here.import_file(SAMPLE_FEED)
        paper = here.list_ids()[3]
        mark = here.last_change_id()
        result: dict[str, object] = {}

        def watch() -> None:
            started = time.monotonic()
            while time.monotonic() - started < 30 and paper not in result.get("ids", []):
                _, result["ids"] = here.wait_for_changes(mark, timeout=5.0)
            result["seconds"] = time.monotonic() - started

        run_cli(tmp_path / "there", "--database-url", shared_url, "doctor")
        watcher = threading.Thread(target=watch)
        watcher.start()
        sent = time.monotonic()
        run_cli(tmp_path / "there", "--database-url", shared_url, "star", paper)
        starred_at = time.monotonic()
        watcher.join(40)
        assert paper in result["ids"]  # type: ignore[operator]
        # Seen within 5 s of the other process committing (its start-up is not the watcher's delay).
        assert float(result["seconds"]) - (starred_at - sent) < 5.0  # type: ignore[arg-type]
        assert here.get(paper).starred


def listener_pids(url: str) -> list[int]:
    return backend_pids(url, LISTEN_CONNECTION["application_name"])


def test_a_notify_sent_while_nobody_waits_wakes_the_next_wait(tmp_path: Path, shared_url: str) -> None:
    with Library.open(tmp_path, database_url=shared_url) as lib:
        listener = Listener(lib.db.engine)
        listener.connect()
        try:
            lib.import_file(SAMPLE_FEED)  # NOTIFY at commit, while nobody waits
            started = time.monotonic()
            assert listener.wait(30.0) and time.monotonic() - started < 5.0
            assert not listener.wait(0.05)  # that one notification is taken; nothing else is pending
        finally:
            listener.close()


def test_a_change_made_between_two_batches_is_the_next_batch_at_once(tmp_path: Path, shared_url: str) -> None:
    with (
        Library.open(tmp_path / "a", database_url=shared_url) as writer,
        Library.open(tmp_path / "b", database_url=shared_url) as reader,
        reader.change_feed() as feed,
    ):
        assert feed.next(0.01)[1] == []  # listening, from the log's newest change
        writer.import_file(SAMPLE_FEED)
        first, second = writer.list_ids()[:2]
        assert first in feed.next(30.0)[1]
        writer.star([first])  # while the watcher handles the previous batch
        writer.star([second])
        started = time.monotonic()
        seen: set[str] = set()
        while {first, second} - seen and time.monotonic() - started < 5.0:
            seen.update(feed.next(30.0)[1])
        assert {first, second} <= seen and time.monotonic() - started < 5.0


def test_a_terminated_listening_connection_is_reopened_and_the_changes_meanwhile_are_reported(
    tmp_path: Path, shared_url: str
) -> None:
    import psycopg

    with (
        Library.open(tmp_path / "a", database_url=shared_url) as writer,
        Library.open(tmp_path / "b", database_url=shared_url) as reader,
        reader.change_feed() as feed,
    ):
        writer.import_file(SAMPLE_FEED)
        paper = writer.list_ids()[0]
        feed.next(0.01)
        [old] = listener_pids(shared_url)
        with psycopg.connect(shared_url.replace("+psycopg", ""), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (old,))
        writer.star([paper])  # while the feed's connection is gone
        started = time.monotonic()
        ids: list[str] = []
        while paper not in ids and time.monotonic() - started < 10.0:
            ids = feed.next(30.0)[1]
        assert paper in ids
        assert feed.next(0.2)[1] == []  # this wait finds the connection gone and opens another
        [new] = listener_pids(shared_url)
        assert new != old


def test_one_listening_connection_serves_many_wake_ups(tmp_path: Path, shared_url: str) -> None:
    with (
        Library.open(tmp_path / "a", database_url=shared_url) as writer,
        Library.open(tmp_path / "b", database_url=shared_url) as reader,
        reader.change_feed() as feed,
    ):
        writer.import_file(SAMPLE_FEED)
        feed.next(0.01)
        listening = listener_pids(shared_url)
        assert len(listening) == 1
        for paper in writer.list_ids()[:20]:
            writer.star([paper])
            ids: list[str] = []
            while paper not in ids:
                ids = feed.next(30.0)[1]
        assert listener_pids(shared_url) == listening


def test_stop_ends_a_long_wait_at_once(tmp_path: Path, shared_url: str) -> None:
    with Library.open(tmp_path, database_url=shared_url) as lib, lib.change_feed() as feed:
        feed.next(0.01)
        waited: list[float] = []

        def wait() -> None:
            started = time.monotonic()
            feed.next(60.0)
            waited.append(time.monotonic() - started)

        thread = threading.Thread(target=wait)
        thread.start()
        while not waiting_in(thread, Listener.wait):  # the feed has read the log and waits on its connection
            time.sleep(0.01)
        feed.stop()
        thread.join(5)
        assert waited and waited[0] < 0.5
