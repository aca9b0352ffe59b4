"""Smoke test of a built readerapp: the CLI, the migrations, the index workers and the window.

``python packaging/smoke.py [COMMAND...]`` runs COMMAND (default: the bundled ``dist/readerapp/readerapp``)
the way a user would, each step on a fresh library in a temporary folder, and exits 1 if any fails.
The same script checks ``python -m readerapp`` in the test suite, so it is known to work before a build.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the checkout's tests/ (its throwaway PostgreSQL server)

from readerapp.index.writer import PARALLEL_FROM  # noqa: E402
from tests import pg_server  # noqa: E402

BUNDLED = ROOT / "dist" / "readerapp" / "readerapp"
SAMPLE = ROOT / "resources" / "sample_feed.json"
# Enough papers that a rebuild starts its spawned workers: in a frozen app they re-run the executable,
# which only works through freeze_support() in packaging/entry.py.
PARALLEL_PAPERS = PARALLEL_FROM + 200
STEP_TIMEOUT = 180.0
CLOSED_PORT = "http://127.0.0.1:9"
# Libraries a desktop session brings itself and that only its own plugins load (Qt's Wayland platform):
# the bundle leaves them to the system, so a headless machine need not have them.
HOST_LIBRARIES = ("libwayland-",)


class SmokeFailure(Exception):
    """One step did not behave: the message says what was run and what came back."""


class Smoke:
    """Runs the app under test with a library folder and the environment a headless machine needs."""

    def __init__(self, command: Sequence[str], workdir: Path) -> None:
        program, *rest = command
        # Steps run inside ``workdir``; a relative program path (not a symlink target) is kept usable.
        self.command = [str(Path(program).absolute()) if os.sep in program else program, *rest]
        self.workdir = workdir
        # Headless, apart from the user's own settings and libraries, and never on the internet: no
        # sync at start, and every feed address on a closed loopback port.
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("READERAPP_")}
        self.env.update(
            QT_QPA_PLATFORM="offscreen",
            READERAPP_SMOKE="1",
            READERAPP_SYNC_ON_START="never",
            READERAPP_HF_URL=CLOSED_PORT,
            READERAPP_ARXIV_API_URL=CLOSED_PORT,
            READERAPP_ARXIV_RSS_URL=CLOSED_PORT,
            READERAPP_PDF_URL=CLOSED_PORT + "/pdf/{id}",
            XDG_CONFIG_HOME=str(workdir / "config"),
            XDG_DATA_HOME=str(workdir / "data"),
        )

    def run(self, *args: str, library: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run the app with ``args``; a non-zero exit is a failure with the app's own error output."""
        argv = [*self.command, *(["--library", str(self.workdir / library)] if library else []), *args]
        try:
            result = subprocess.run(
                argv, capture_output=True, text=True, env=self.env, cwd=self.workdir, timeout=STEP_TIMEOUT
            )
        except subprocess.TimeoutExpired as exc:
            raise SmokeFailure(f"{' '.join(args)}: no exit within {STEP_TIMEOUT:.0f} s") from exc
        except OSError as exc:
            raise SmokeFailure(f"cannot run {argv[0]}: {exc}") from exc
        if result.returncode != 0:
            raise SmokeFailure(f"{' '.join(args)}: exit {result.returncode}\n{result.stderr.strip()}")
        return result

    def bundled_files(self) -> str:
        """Every file the app loads by path (resources, Alembic scripts) is inside a bundle."""
        inside = Path(self.command[0]).parent / "_internal"
        if not inside.is_dir():
            return "not a bundle: nothing to compare"
        wanted = [*_files(ROOT / "resources"), *_files(ROOT / "readerapp" / "store" / "migrations")]
        missing = [name for name in wanted if not (inside / name).is_file()]
        if missing:
            raise SmokeFailure("missing from the bundle: " + ", ".join(missing))
        return f"{len(wanted)} resource and migration files present"

    def libraries(self) -> str:
        """Every shared library and Qt plugin in a bundle finds what it links to (ldd, bundle first)."""
        inside = Path(self.command[0]).parent / "_internal"
        if not inside.is_dir():
            return "not a bundle: nothing to resolve"
        objects = [str(p) for p in inside.rglob("*.so*") if p.is_file() and not p.is_symlink()]
        env = {**self.env, "LD_LIBRARY_PATH": str(inside)}
        report = subprocess.run(["ldd", *objects], capture_output=True, text=True, env=env).stdout
        unresolved, current = set(), ""
        for line in report.splitlines():
            if not line.startswith(("\t", " ")):
                current = line.rstrip(":")
            elif "not found" in line and not line.split()[0].startswith(HOST_LIBRARIES):
                unresolved.add(f"{Path(current).relative_to(inside)}: {line.split()[0]}")
        if unresolved:
            raise SmokeFailure("unresolved libraries:\n" + "\n".join(sorted(unresolved)))
        return f"{len(objects)} shared objects resolve"

    def version(self) -> str:
        out = self.run("--version").stdout.strip()
        if not out.startswith("readerapp "):
            raise SmokeFailure(f"--version printed {out!r}")
        return out

    def import_and_list(self) -> str:
        """A new library runs every migration (found inside the bundle), imports and lists the papers."""
        self.run("import", str(SAMPLE), library="cli")
        papers = json.loads(self.run("list", "--json", library="cli").stdout)
        expected = len(json.loads(SAMPLE.read_text(encoding="utf-8")))
        if len(papers) != expected:
            raise SmokeFailure(f"list --json gave {len(papers)} papers, expected {expected}")
        self.run("doctor", library="cli")
        return f"{len(papers)} papers imported, listed, doctor passes"

    def exports(self) -> str:
        """Every export format from the bundle (each loads its own libraries: PyYAML, markdown-it, ...)."""
        formats = ("markdown", "obsidian", "bibtex", "csl-json", "ris", "html", "json")
        (self.workdir / "out").mkdir()
        for fmt in formats:
            self.run("export", "--all", "--format", fmt, "-o", str(self.workdir / "out" / fmt), library="cli")
        return f"{len(formats)} formats written"

    def postgresql(self) -> str:
        """A shared library on a throwaway PostgreSQL server: the bundled driver, libpq and migrations."""
        bin_dir = pg_server._bin_dir()
        if bin_dir is None:
            return "PostgreSQL binaries not installed: nothing to connect to"
        root = self.workdir / "postgresql"
        root.mkdir(mode=0o755)
        self.workdir.chmod(0o755)  # the server runs as the postgres user when we are root
        server = pg_server.PostgresServer(bin_dir, root)
        try:
            url = server.new_database()
            self.run("--database-url", url, "import", str(SAMPLE), library="shared")
            papers = json.loads(self.run("--database-url", url, "list", "--json", library="shared").stdout)
        finally:
            server.stop()
        if len(papers) != len(json.loads(SAMPLE.read_text(encoding="utf-8"))):
            raise SmokeFailure(f"list --json on PostgreSQL gave {len(papers)} papers")
        return f"{len(papers)} papers imported and listed on PostgreSQL"

    def parallel_index(self) -> str:
        """A rebuild big enough for worker processes, then a search that must find a known title."""
        feed = self.workdir / "many.json"
        feed.write_text(json.dumps(many_papers(PARALLEL_PAPERS)), encoding="utf-8")
        self.run("import", str(feed), library="many")
        self.run("reindex", library="many")
        hits = self.run("search", "title:reliably", library="many").stdout
        if "2401.00000" not in hits:
            raise SmokeFailure(f"search after reindex missed a known paper:\n{hits[:500]}")
        return f"{PARALLEL_PAPERS} papers indexed by worker processes and found"

    def window(self) -> str:
        """The window on an empty library: first-launch sample, first view shown, then a clean quit."""
        out = self.run("gui", library="gui").stdout
        if "smoke: window shown" not in out:
            raise SmokeFailure(f"gui quit without showing papers:\n{out}")
        return out.strip().removeprefix("readerapp: smoke: ")


def _files(folder: Path) -> list[str]:
    """The checkout's files in ``folder`` (no caches), as paths from the checkout's root."""
    files = (path for path in folder.rglob("*") if path.is_file() and "__pycache__" not in path.parts)
    return sorted(str(path.relative_to(ROOT)) for path in files)


def many_papers(count: int) -> list[dict[str, object]]:
    """``count`` Daily Papers entries: the sample day's entries again under new arXiv ids."""
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    entries = []
    for n in range(count):
        entry = copy.deepcopy(sample[n % len(sample)])
        entry["paper"]["id"] = f"2401.{n:05d}"
        entry["title"] = entry["paper"]["title"] = f"{entry['paper']['title']} ({n})"
        entries.append(entry)
    return entries


def main(argv: Sequence[str]) -> int:
    command = list(argv) or [str(BUNDLED)]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="readerapp-smoke-") as tmp:
        smoke = Smoke(command, Path(tmp))
        steps: list[tuple[str, Callable[[], str]]] = [
            ("version", smoke.version),
            ("bundled files", smoke.bundled_files),
            ("libraries", smoke.libraries),
            ("import/list/doctor", smoke.import_and_list),
            ("exports", smoke.exports),
            ("postgresql", smoke.postgresql),
            ("parallel index", smoke.parallel_index),
            ("window", smoke.window),
        ]
        for name, step in steps:
            try:
                print(f"ok   {name}: {step()}", flush=True)
            except SmokeFailure as exc:
                failed += 1
                print(f"FAIL {name}: {exc}", flush=True)
    print(f"bundle smoke: {len(steps) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
