"""Export benchmark: a 10,000-paper collection, a third of it tagged, a fifth with notes and a tenth
with highlights, exported to every format (obsidian twice: creating the vault, then re-exporting into it).

Usage: ``python benchmarks/export_bench.py [N]`` (default 10,000). Uses the synthetic feed of
``synth.py`` (cached in ``bench-data/``); the library and the outputs are made anew each run.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from import_bench import DATA, machine, synthetic_file

from readerapp import Library
from readerapp.export.bundle import EXTENSIONS, FORMATS
from readerapp.export.scope import Scope

COLLECTION = "Benchmark"


def annotate(lib: Library, ids: list[str]) -> None:
    """Give the papers the annotations a real reading list has, so every writer has work to do."""
    lib.tag(ids[::3], add=["reading group", "to cite"])
    lib.star(ids[::11])
    lib.set_state(ids[::4], "reading")
    for ident in ids[::5]:
        lib.set_note(
            ident, f"Notes on {ident}: *method* looks sound; compare with [prior work](https://example.org)."
        )
    for paper in lib.rows(ids[::10]):
        abstract = lib.get(paper.id).abstract
        if len(abstract) > 60:
            lib.add_highlight(paper.id, abstract[10:60], comment="worth a second read")
    lib.add_to_collection(COLLECTION, ids)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    folder = DATA / f"export-bench-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    out = folder / "out"
    print(f"machine: {machine()}; {date.today()}; load average {os.getloadavg()[0]:.1f}")
    with Library.open(folder / "library") as lib:
        lib.import_file(synthetic_file(n))
        ids = lib.list_ids()
        start = time.perf_counter()
        annotate(lib, ids)
        print(f"annotated {n:,} papers in {time.perf_counter() - start:.1f} s")
        out.mkdir()
        scope = Scope.of("collection", COLLECTION)
        start = time.perf_counter()
        bundle_papers = len(lib.export_bundle(scope).papers)
        print(f"bundle (query + full views of {bundle_papers:,} papers): {time.perf_counter() - start:.2f} s")
        for fmt in (*FORMATS, "obsidian"):
            target = out / f"export{EXTENSIONS[fmt]}"
            start = time.perf_counter()
            result = lib.export(scope, fmt, target)
            seconds = time.perf_counter() - start
            size = (
                sum(p.stat().st_size for p in target.rglob("*")) if target.is_dir() else target.stat().st_size
            )
            extra = (
                f" ({result.created} new, {result.unchanged} unchanged files)" if fmt == "obsidian" else ""
            )
            print(f"{fmt:>9}: {seconds:5.2f} s, {size / 2**20:6.1f} MiB{extra}")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
