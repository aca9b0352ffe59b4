"""Import memory benchmark: peak RSS of ``Library.import_file`` for a big BibTeX file (default 100,000
entries) and, with ``--json N``, a Daily Papers JSON file of N papers (issue 12: at most 300 MB each).

Usage: ``python benchmarks/import_memory_bench.py [--bib N] [--json N]``. The synthetic files
(``benchmarks/synth.py``) are cached in ``bench-data/``; each import runs in a fresh process into a fresh
SQLite library, so its peak RSS is the import's alone (interpreter and imports included). The import
brings the search index up to it (a rebuild in build processes, whose peak is printed beside); then a
second process rebuilds that library's index (``reindex``), with its speed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from import_bench import machine
from synth import generate_items, write_bibtex, write_json_array

DATA = Path(__file__).resolve().parent.parent / "bench-data"


def synthetic(kind: str, n: int) -> Path:
    path = DATA / f"synth-{n}.{kind}"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        writer = write_bibtex if kind == "bib" else write_json_array
        writer(generate_items(n, seed=0), path)
    return path


def child(source: Path) -> int:
    """Import ``source`` into a fresh library and print the figures (run in its own process). The
    import brings the search index up to it, in build processes: their peak is printed too."""
    from readerapp import Library

    folder = library_folder(source)
    shutil.rmtree(folder, ignore_errors=True)
    start, cpu = time.perf_counter(), time.process_time()
    with Library.open(folder) as lib:
        report = lib.import_file(source)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    size = source.stat().st_size / 2**20
    figures = f"{wall:.1f} s wall, {cpu:.1f} s CPU; {peaks()}"
    print(f"{source.name} ({size:.0f} MB): {report.counts('read')}; {figures}")
    return 0


def rebuild_child(folder: Path) -> int:
    """Rebuild the search index of the library ``folder`` (``readerapp reindex``) and print the figures."""
    from readerapp import Library

    with Library.open(folder) as lib:
        start, cpu = time.perf_counter(), time.process_time()
        count = lib.reindex()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_all = cpu + children.ru_utime + children.ru_stime
    print(
        f"reindex of {count} papers: {wall:.1f} s wall ({count / wall:,.0f} papers/s), {cpu_all:.1f} s CPU "
        f"in all processes ({count / cpu_all * 2:,.0f} papers/s on 2 free cores at best); {peaks()}"
    )
    shutil.rmtree(folder, ignore_errors=True)
    return 0


def peaks() -> str:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"peak RSS {own:.0f} MB (largest build process {child:.0f} MB)"


def library_folder(source: Path) -> Path:
    return DATA / f"memory-bench-{source.stem}-{source.suffix[1:]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bib", type=int, default=100_000, help="BibTeX entries (0: none)")
    parser.add_argument("--json", type=int, default=0, help="Daily Papers JSON papers (0: none)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rebuild-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    if args.rebuild_child:
        return rebuild_child(args.rebuild_child)
    load = os.getloadavg()[0]
    print(f"machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load {load:.1f}")
    for kind, n in (("bib", args.bib), ("json", args.json)):
        if n:
            source = synthetic(kind, n)
            subprocess.run([sys.executable, __file__, "--child", str(source)], check=True)
            subprocess.run(
                [sys.executable, __file__, "--rebuild-child", str(library_folder(source))], check=True
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
