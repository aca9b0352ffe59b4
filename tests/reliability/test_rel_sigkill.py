"""SIGKILL at random points of a sync (from a loopback server serving a big generated day), an import,
a reindex and an export, repeated: the library always opens and doctor passes afterwards (a half-built
search index is rebuilt or repaired on its own, never a problem the user has to solve)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from readerapp.api import Library
from tests.e2e.cli_support import ROOT
from tests.reliability.support import SOAK_SECONDS, cli_command, cli_env, soak, synth

DAY_PAPERS = 2000
SHORT_ROUNDS = 2


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | list[dict[str, object]]]:
    folder = tmp_path_factory.mktemp("feeds")
    gen = synth()
    seed_file = folder / "seed.json"
    gen.write_json_array(gen.generate_items(1500, seed=11), seed_file)
    big = folder / "big.json"
    gen.write_json_array(gen.generate_items(4000, seed=12), big)
    with Library.open(folder / "lib") as lib:  # copied by each test: built once
        lib.import_file(seed_file)
        lib.reindex()
        lib.backup_if_due()
    return {"library": folder / "lib", "big": big, "day": list(gen.generate_items(DAY_PAPERS, seed=13))}


@pytest.fixture
def daily_server(httpserver: HTTPServer, feeds: dict[str, object]) -> str:
    day = feeds["day"]
    assert isinstance(day, list)

    def page(request: Request) -> Response:
        limit = int(request.args.get("limit", 50))
        start = int(request.args.get("p", 0)) * limit
        return Response(json.dumps(day[start : start + limit]), content_type="application/json")

    httpserver.expect_request("/api/daily_papers").respond_with_handler(page)
    return httpserver.url_for("/").rstrip("/")


def _operations(library: Path, feeds: dict[str, object]) -> dict[str, list[str]]:
    return {
        "sync": cli_command(library, "sync", "--date", "2025-09-16"),
        "import": cli_command(library, "import", str(feeds["big"])),
        "reindex": cli_command(library, "reindex"),
        "export": cli_command(
            library, "export", "--all", "--format", "json", "-o", str(library / "out.json")
        ),
    }


def _kill_after(cmd: list[str], env: dict[str, str], delay: float) -> int | None:
    """Start the command, SIGKILL it after ``delay`` seconds unless it finished first; its exit code."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    _, stderr = proc.communicate()
    assert proc.returncode in (0, -signal.SIGKILL), stderr.decode()
    return proc.returncode


def _assert_healthy(library: Path) -> None:
    with Library.open(library) as lib:
        report = lib.doctor()
        assert report.consistent, report
        lib.counts()
        lib.search("model", limit=3)  # the index, rebuilt or caught up, answers


def _rounds(seconds: float) -> Iterator[int]:
    deadline = time.monotonic() + seconds
    n = 0
    while n < SHORT_ROUNDS or time.monotonic() < deadline:
        yield n
        n += 1


@pytest.mark.parametrize("operation", ["sync", "import", "reindex", "export"])
@pytest.mark.parametrize(
    "seconds", [0, pytest.param(SOAK_SECONDS, marks=[pytest.mark.soak, soak], id="soak")]
)
def test_sigkill_at_random_points(
    tmp_path: Path, feeds: dict[str, object], daily_server: str, operation: str, seconds: float
) -> None:
    library = tmp_path / "lib"
    shutil.copytree(Path(str(feeds["library"])), library)
    env = cli_env(hf_url=daily_server)
    cmd = _operations(library, feeds)[operation]
    rng = random.Random(operation)
    killed = 0
    for _ in _rounds(seconds):
        killed += _kill_after(cmd, env, rng.uniform(0.5, 4.0)) != 0
        _assert_healthy(library)
    print(f"{operation}: {killed} killed")
