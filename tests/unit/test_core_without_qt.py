"""The core (everything outside readerapp/ui/) must import and work with PySide6 unavailable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BLOCK_QT = """
import importlib.abc, sys
class BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "PySide6" or name.startswith("PySide6.") or name.startswith("shiboken6"):
            raise ImportError("PySide6 is blocked in this test")
sys.meta_path.insert(0, BlockQt())
import pkgutil, readerapp
for module in pkgutil.walk_packages(readerapp.__path__, "readerapp."):
    if module.name.startswith(("readerapp.ui", "readerapp.store.migrations", "readerapp.__main__")):
        continue
    __import__(module.name)
from readerapp import Library
lib = Library.open(sys.argv[1])
lib.import_file(sys.argv[2])
assert lib.counts()["all"] == 43
lib.close()
print("core ok")
"""


def test_core_imports_and_runs_without_pyside6(tmp_path: Path) -> None:
    sample = ROOT / "resources" / "sample_feed.json"
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_QT, str(tmp_path / "lib"), str(sample)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "core ok" in result.stdout


def test_no_core_module_mentions_pyside6() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "readerapp").rglob("*.py")
        if "ui" not in path.relative_to(ROOT / "readerapp").parts[:1] and "PySide6" in path.read_text("utf-8")
    ]
    assert offenders == []
