"""Import memory benchmark: peak RSS of ``Library.import_file`` for a big BibTeX file (default 100,000
entries) and, with ``--json N``, a Daily Papers JSON file of N papers (issue 12: at most 300 MB each).

Usage: ``python benchmarks/import_memory_bench.py [--bib N] [--json N]``. The synthetic files
(``benchmarks/synth.py``) are cached in ``bench-data/``; each import runs in a fresh process into a fresh
SQLite library, so its peak RSS is the import's alone (interpreter and imports included).
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
    """Import ``source`` into a fresh library and print the figures (run in its own process)."""
    from readerapp import Library

    folder = DATA / f"memory-bench-{source.stem}-{source.suffix[1:]}"
    shutil.rmtree(folder, ignore_errors=True)
    start, cpu = time.perf_counter(), time.process_time()
    with Library.open(folder) as lib:
        report = lib.import_file(source)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = source.stat().st_size / 2**20
    print(
        f"{source.name} ({size:.0f} MB): {report.counts('read')}; {wall:.1f} s wall, {cpu:.1f} s CPU; "
        f"peak RSS {peak:.0f} MB"
    )
    shutil.rmtree(folder, ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bib", type=int, default=100_000, help="BibTeX entries (0: none)")
    parser.add_argument("--json", type=int, default=0, help="Daily Papers JSON papers (0: none)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    load = os.getloadavg()[0]
    print(f"machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load {load:.1f}")
    for kind, n in (("bib", args.bib), ("json", args.json)):
        if n:
            source = synthetic(kind, n)
            subprocess.run([sys.executable, __file__, "--child", str(source)], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
