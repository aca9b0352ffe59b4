"""Shared fixtures: headless Qt, temporary libraries and the shared feed fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.pg_server import PostgresServer, postgres_server  # noqa: F401  (a fixture)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE_FEED = ROOT / "resources" / "sample_feed.json"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's real library or settings, nor reaches the internet."""
    for key in list(os.environ):
        if key.startswith("READERAPP_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("READERAPP_ARXIV_DELAY", "0")
    monkeypatch.setenv("READERAPP_HF_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("READERAPP_ARXIV_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("READERAPP_ARXIV_RSS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("READERAPP_PDF_URL", "http://127.0.0.1:9/pdf/{id}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))  # arXiv's spacing files (feeds.spacing)


@pytest.fixture
def sample_feed() -> Path:
    """The 43-paper Daily Papers day shipped as the app's sample feed."""
    return SAMPLE_FEED


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Run a store test on both backends (PostgreSQL is skipped where its binaries are missing)."""
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> str:
    """"" for the library's own SQLite file, or a fresh database on the session's PostgreSQL server."""
    if backend == "sqlite":
        return ""
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()
