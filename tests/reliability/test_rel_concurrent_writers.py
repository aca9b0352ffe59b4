"""Two writer processes and a CLI loop triage, tag, annotate and highlight the same papers at once:
no write is lost, no error reaches the user (the busy timeout absorbs SQLite's lock waits); and the
same with two users on one PostgreSQL library."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from readerapp.api import Library
from tests.e2e.cli_support import ROOT
from tests.pg_server import PostgresServer, as_role
from tests.reliability.support import cli_command, cli_env, durations, run

WRITERS = ("ann", "bob")
PAPERS = 6  # few papers, so the writers keep meeting on the same rows


@dataclass
class Expected:
    """What one user's writes must have left: replayed from that writer's log in its own order."""

    state: dict[str, str] = field(default_factory=dict)
    starred: dict[str, bool] = field(default_factory=dict)
    note: dict[str, str] = field(default_factory=dict)
    tags: dict[str, set[str]] = field(default_factory=dict)
    highlights: dict[str, set[int]] = field(default_factory=dict)
    writes: int = 0

    def replay(self, entry: dict[str, object]) -> None:
        op, paper, value = entry["op"], str(entry["id"]), entry["value"]
        self.writes += 1
        if op == "state":
            self.state[paper] = str(value)
        elif op == "star":
            self.starred[paper] = bool(value)
        elif op == "note":
            self.note[paper] = str(value)
        elif op in ("tag", "untag"):
            tags = self.tags.setdefault(paper, set())
            (tags.add if op == "tag" else tags.discard)(str(value))
        elif op == "highlight":
            self.highlights.setdefault(paper, set()).add(int(str(value)))
        elif op == "unhighlight":
            for ids in self.highlights.values():
                ids.discard(int(str(value)))


def _read_log(log: Path) -> Expected:
    expected = Expected()
    errors = []
    for line in log.read_text().splitlines():
        entry = json.loads(line)
        if "error" in entry:
            errors.append(entry["error"])
        else:
            expected.replay(entry)
    assert not errors, f"{len(errors)} errors reached the user, first: {errors[0]}"
    return expected


def _check(lib: Library, user: str, expected: Expected, prefix: str) -> None:
    for paper in set(expected.state) | set(expected.starred) | set(expected.note) | set(expected.tags):
        view = lib.get(paper)
        assert view.state == expected.state.get(paper, view.state), (user, paper)
        assert view.starred == expected.starred.get(paper, view.starred), (user, paper)
        assert view.note == expected.note.get(paper, view.note), (user, paper)
        if paper in expected.tags:
            assert {t for t in view.tags if t.startswith(prefix)} == expected.tags[paper], (user, paper)
    for paper, ids in expected.highlights.items():
        assert {h.id for h in lib.get(paper).highlights if h.author == user} == ids, (user, paper)


def _cli_loop(library: Path, ids: list[str], seconds: float, env: dict[str, str], done: list[str]) -> None:
    """The user's shell meanwhile: tag and annotate through the real command, in turn."""
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline or n < 2:
        paper = ids[n % len(ids)]
        for args in (("tag", paper, f"+cli-{n % 3}"), ("note", paper, "--text", f"cli note {n}")):
            result = run(cli_command(library, *args), env=env)
            done.append(f"{result.returncode} {' '.join(args)} {result.stderr.strip()}")
        n += 1


def _as(user: str, env: dict[str, str]) -> dict[str, str]:
    """``env`` for ``user``: on a shared library each user logs in as their own database role."""
    url = env.get("READERAPP_DATABASE_URL")
    return dict(env, READERAPP_USER=user, **({"READERAPP_DATABASE_URL": as_role(url, user)} if url else {}))


def _run_writers(library: Path, seconds: float, env: dict[str, str], tmp_path: Path) -> list[str]:
    with Library.open(
        library,
        **({"database_url": env["READERAPP_DATABASE_URL"]} if "READERAPP_DATABASE_URL" in env else {}),
    ) as lib:
        ids = lib.list_ids()[:PAPERS]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.reliability.rel_writer",
                "--library",
                str(library),
                "--user",
                user,
                "--seconds",
                str(seconds),
                "--log",
                str(tmp_path / f"{user}.jsonl"),
                *ids,
            ],
            cwd=ROOT,
            env=_as(user, env),
            stderr=subprocess.PIPE,
            text=True,
        )
        for user in WRITERS
    ]
    cli_done: list[str] = []
    cli = threading.Thread(
        target=_cli_loop, args=(library, ids, seconds, _as("cli", env), cli_done)
    )
    cli.start()
    for proc in procs:
        _, stderr = proc.communicate(timeout=seconds + 120)
        assert proc.returncode == 0, stderr
    cli.join(timeout=seconds + 120)
    failed = [line for line in cli_done if not line.startswith("0 ")]
    assert not failed, failed
    return cli_done


@pytest.mark.parametrize("seconds", durations(5))
def test_two_processes_and_the_cli_on_one_sqlite_library(
    tmp_path: Path, sample_feed: Path, seconds: float
) -> None:
    library = tmp_path / "lib"
    with Library.open(library) as lib:
        lib.import_file(sample_feed)
        lib.backup_if_due()
    cli_done = _run_writers(library, seconds, cli_env(), tmp_path)

    total = 0
    for user in WRITERS:
        expected = _read_log(tmp_path / f"{user}.jsonl")
        total += expected.writes
        with Library.open(library, user=user) as lib:
            _check(lib, user, expected, f"{user}-")
    assert total > 20 and cli_done
    with Library.open(library) as lib:
        assert lib.doctor().consistent


@pytest.mark.parametrize("seconds", durations(5))
def test_two_users_on_one_postgresql_library(
    tmp_path: Path, sample_feed: Path, seconds: float, postgres_server: PostgresServer
) -> None:
    url = postgres_server.new_database()
    for user in (*WRITERS, "cli"):
        postgres_server.role(user)
    library = tmp_path / "lib"
    with Library.open(library, database_url=url) as lib:
        lib.import_file(sample_feed)
    _run_writers(library, seconds, cli_env(database_url=url), tmp_path)

    for user in WRITERS:
        expected = _read_log(tmp_path / f"{user}.jsonl")
        assert expected.writes > 10
        with Library.open(library, database_url=as_role(url, user)) as lib:
            _check(lib, user, expected, f"{user}-")
