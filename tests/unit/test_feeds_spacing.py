"""arXiv's spacing holds across processes: two ``sync --source arxiv`` runs at once, of two libraries of
one user, keep their requests one interval apart (a lock file per host in the user's cache folder)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

from feeds_support import atom_feed, base_url
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from readerapp.feeds.spacing import SharedSpacing
from tests.e2e.cli_support import ROOT

SPACING = 0.6  # seconds: arXiv's 3 s made short so the test is quick


def test_two_processes_keep_the_arxiv_spacing_between_all_their_requests(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    seen: list[float] = []

    def answer(_request: Request) -> Response:
        seen.append(time.monotonic())
        return Response(atom_feed([], total=0), content_type="application/atom+xml")

    httpserver.expect_request("/api/query").respond_with_handler(answer)
    env = dict(os.environ, READERAPP_ARXIV_API_URL=base_url(httpserver), READERAPP_ARXIV_DELAY=f"{SPACING}")
    sync = ["sync", "--source", "arxiv", "--category", "cs.LG"]
    runs = [  # two libraries: arXiv's budget is the user's, not a library's
        subprocess.Popen(
            [sys.executable, "-m", "readerapp", "--library", str(tmp_path / name), *sync],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("one", "two")
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, out + err

    assert len(seen) == 4  # an empty page is asked for twice by each
    gaps = [later - earlier for earlier, later in itertools.pairwise(seen)]
    assert min(gaps) >= SPACING - 0.05, gaps


def test_a_booking_from_before_the_clock_was_set_back_is_ignored(tmp_path: Path) -> None:
    now = [1_000_000.0]
    spacing = SharedSpacing(lambda: tmp_path, clock=lambda: now[0])
    assert spacing.reserve("export.arxiv.org", 3.0) == 0.0
    assert spacing.reserve("export.arxiv.org", 3.0) == 3.0  # queued behind the first
    assert spacing.reserve("rss.arxiv.org", 3.0) == 0.0  # hosts are spaced on their own
    now[0] -= 3600  # the clock went back an hour: the old bookings say nothing now
    assert spacing.reserve("export.arxiv.org", 3.0) == 0.0
    assert spacing.reserve("export.arxiv.org", 3.0, earliest=5.0) == 5.0
