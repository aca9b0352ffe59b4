"""The layers of docs/architecture.md hold: import-linter's contracts (pyproject.toml) are kept, and every
module of readerapp has a place in them, so a new module cannot slip past the app's and the CLI's rules."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _modules() -> list[str]:
    """Every module of readerapp that holds code (package ``__init__`` files only describe their package)."""
    names = []
    for path in (ROOT / "readerapp").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] not in ("__init__", "__main__"):
            names.append(".".join(parts))
    return sorted(names)


def _placed(module: str, places: set[str]) -> bool:
    parts = module.split(".")
    return any(".".join(parts[:n]) in places for n in range(2, len(parts) + 1))


def test_import_contracts_are_kept() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_module_is_shared_facade_or_forbidden_to_the_app_and_the_cli() -> None:
    contracts = _contracts()
    shared = set(contracts["shared"]["source_modules"])
    app = {"readerapp.ui", "readerapp.interaction"}
    for layer, own in (("ui", app), ("cli", {"readerapp.cli", "readerapp.ui"})):
        places = shared | own | {"readerapp.api"} | set(contracts[layer]["forbidden_modules"])
        assert [m for m in _modules() if not _placed(m, places)] == [], layer


def test_shared_types_are_not_forbidden_to_anyone() -> None:
    contracts = _contracts()
    shared = set(contracts["shared"]["source_modules"])
    for contract in contracts.values():
        assert shared & set(contract["forbidden_modules"]) == set(), contract["id"]
