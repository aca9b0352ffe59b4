"""A throwaway PostgreSQL server on loopback for the tests that must run on both backends.

It is started from Debian's `postgresql` package binaries (which `.ci/run` installs) in a temporary
folder, on a free port, with trust authentication, and stopped at the end of the session. Without the
binaries the PostgreSQL variants are skipped with a reason, so `make test` still runs everywhere.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_postgres(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI and these machines are root.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One running cluster; ``new_database()`` gives each test a fresh, empty database."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir, self.root, self.port = bin_dir, root, _free_port()
        data = root / "data"
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
        subprocess.run(
            _as_postgres(
                [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"]
            ),
            check=True,
            capture_output=True,
        )
        self.data = data
        self.start()

    def start(self) -> None:
        """Start the cluster (again, after ``stop``: a test can restart the server under a library)."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_postgres(
                [
                    str(self.bin_dir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-o",
                    options,
                    "-w",
                    "-l",
                    str(self.root / "log"),
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        name = "t" + uuid.uuid4().hex[:12]
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def admin(self) -> Any:
        """An autocommit connection as the cluster's superuser, for setting up roles and databases."""
        import psycopg

        return psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                               autocommit=True)  # fmt: skip

    def role(self, name: str, *, login: bool = True, member_of: str | None = None) -> None:
        """Create the role ``name`` unless it exists (roles belong to the whole cluster, so every test
        of the session shares them), a member of ``member_of`` if given."""
        with self.admin() as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(f"CREATE ROLE {name} {'LOGIN' if login else 'NOLOGIN'}")
            if member_of is not None:
                conn.execute(f"GRANT {member_of} TO {name}")

    def shared_library(self, *members: str) -> dict[str, str]:
        """A fresh database whose tables the superuser made (as a lab's owner opens it first), and a URL
        for each member: a login role of that name, as each reader logs in on a shared library."""
        from readerapp.store.database import Database

        url = self.new_database()
        Database.open_url(url).close()
        for member in members:
            self.role(member)
        return {member: as_role(url, member) for member in members}

    def stop(self) -> None:
        subprocess.run(
            _as_postgres([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
            capture_output=True,
        )


def as_role(url: str, role: str) -> str:
    """``url`` logged in as ``role`` (the throwaway server trusts every local login)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=role).render_as_string(hide_password=False)


def backend_pids(url: str, application_name: str) -> list[int]:
    """The server processes (``pg_stat_activity``) of ``url``'s database opened as ``application_name``."""
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            (application_name,),
        ).fetchall()
    return [pid for (pid,) in rows]


def waiting_in(thread: threading.Thread, function: Callable[..., Any]) -> bool:
    """Whether ``thread`` is inside ``function`` right now (a listener's wait on its connection, say)."""
    code = function.__code__
    frame = sys._current_frames().get(thread.ident or 0)
    while frame is not None and frame.f_code is not code:
        frame = frame.f_back
    return frame is not None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries not installed (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg not installed")
    root = Path(tempfile.mkdtemp(prefix="readerapp-pg-"))
    os.chmod(root, 0o755)
    server = PostgresServer(bin_dir, root)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
