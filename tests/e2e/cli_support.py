"""Run the real ``readerapp`` command in a subprocess, as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_cli(
    library: Path, *args: str, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "readerapp", "--library", str(library), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"readerapp {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


def cli_json(library: Path, *args: str) -> Any:
    return json.loads(run_cli(library, *args).stdout)
