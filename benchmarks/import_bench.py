"""Import benchmark: papers/s from an HF JSON file into a fresh SQLite library (no search indexing),
a re-import of the same file (the merge path), and list latency at that size.

Usage: ``python benchmarks/import_bench.py [N]`` (default 100,000). The synthetic file is cached in
``bench-data/``; the library is made anew each run.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synth import generate_items, write_json_array

from readerapp import Library

DATA = Path(__file__).resolve().parent.parent / "bench-data"


def synthetic_file(n: int) -> Path:
    path = DATA / f"synth-{n}.json"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        write_json_array(generate_items(n, seed=0), path)
    return path


def timed(fn, repeat: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds over ``repeat`` warm calls."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GiB, Python {platform.python_version()}"


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    source = synthetic_file(n)
    folder = DATA / f"import-bench-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.2f}")
    with Library.open(folder) as lib:
        for label in ("import (all new)", "re-import (all unchanged)"):
            start, cpu = time.perf_counter(), time.process_time()
            report = lib.import_file(source)
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            print(
                f"{label}, {n:,} papers: {wall:.1f} s wall, {report.fetched / wall:,.0f} papers/s; "
                f"{cpu:.1f} s CPU, {report.fetched / cpu:,.0f} papers per CPU-second"
            )
        ids = lib.list_ids()
        lib.set_state(ids[:20_000], "archived")
        lib.star(ids[:5_000:7])
        for label, fn, repeat in (
            ("list(limit=50) newest feed days", lambda: lib.list(limit=50), 30),
            ("list(state=inbox, limit=50)", lambda: lib.list(state="inbox", limit=50), 30),
            ("list(starred=True)", lambda: lib.list(starred=True), 10),
            ("list_ids() all papers", lambda: lib.list_ids(), 10),
            ("list_ids(state=inbox)", lambda: lib.list_ids(state="inbox"), 10),
            ("rows(60 ids) (a screenful)", lambda: lib.rows(ids[1000:1060]), 30),
            ("counts()", lib.counts, 30),
        ):
            p50, p95 = timed(fn, repeat)
            print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        start = time.perf_counter()
        lib.list()
        print(f"list() every paper (CLI `list --json` path): {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
