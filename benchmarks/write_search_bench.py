"""Writes beside searches: how long 100 changed papers take to become searchable, and how long searches
take while such writes run in another thread of the same process, next to the same searches with no
writer (the reference), on a freshly rebuilt index (the case where Whoosh's default merge policy merged
23 of 30 segments on the first change: 422 s at 300k papers).

Queries are drawn anew each run (seed from the clock, printed) from the synthetic vocabulary and never
repeat within the run; everything goes through ``Library``. Usage: ``python
benchmarks/write_search_bench.py [N] [--rounds R] [--keep-index]`` (default 100,000 papers, 20 rounds);
the library is cli_bench's (built once under ``bench-data/``), its index rebuilt each run unless
``--keep-index`` says the cached one is still fresh from its build (a 300k rebuild takes many minutes).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cli_bench import library
from import_bench import machine
from whoosh import index as whoosh_index

from readerapp import Library

WORDS = (
    *("diffusion", "reasoning", "agents", "retrieval", "alignment", "quantization", "video", "robot"),
    *("language", "vision", "policy", "graph", "speech", "protein", "benchmark", "sparse", "attention"),
)


def fresh_queries(rng: random.Random, count: int) -> list[str]:
    seen: set[str] = set()
    while len(seen) < count:
        seen.add(" ".join(rng.sample(WORDS, rng.choice((1, 2, 2, 3)))))
    return list(seen)


def timed_searches(lib: Library, queries: list[str], cpu: list[float] | None = None) -> list[float]:
    """Wall ms of each search; the searching thread's CPU ms go to ``cpu`` (a search that applied a
    catch-up itself spent CPU on it, one that waited or was starved of the machine did not)."""
    times = []
    for query in queries:
        start, used = time.perf_counter(), time.thread_time()
        lib.search(query, limit=50)
        times.append((time.perf_counter() - start) * 1000)
        if cpu is not None:
            cpu.append((time.thread_time() - used) * 1000)
    return times


def segments(folder: Path) -> int:
    with whoosh_index.open_dir(str(folder)).reader() as reader:
        return len(list(reader.leaf_readers()))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("papers", nargs="?", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--keep-index", action="store_true", help="use the cached index as it is")
    args = parser.parse_args()
    seed = time.time_ns()
    rng = random.Random(seed)
    folder = library(args.papers)
    with Library.open(folder) as lib:
        start = time.perf_counter()
        if not args.keep_index:
            lib.reindex()  # a freshly rebuilt index: the case the default merge policy fell off a cliff on
        print(f"{args.papers:,} papers; {machine()}; seed {seed}")
        built = "kept" if args.keep_index else f"reindexed in {time.perf_counter() - start:.0f} s"
        print(f"{built}: {segments(folder / 'index')} segments")
        ids = lib.list_ids()
        queries = fresh_queries(rng, 300)
        alone_cpu: list[float] = []
        alone = timed_searches(lib, queries[:100], alone_cpu)  # the reference: no writer
        visible: list[float] = []
        late: list[int] = []  # rounds whose first search after the tag did not find it yet
        done = threading.Event()

        def writer() -> None:
            try:
                for r in range(args.rounds):
                    tag = f"bench{seed % 10**6}-{r}"
                    begin = time.perf_counter()
                    lib.tag(rng.sample(ids, 100), add=[tag])
                    # Read your writes waits OWN_WRITE_WAIT at most: past it, search until the tag shows.
                    while len(lib.search(f"tag:{tag}", limit=200)) < 100:
                        late.append(r)
                    visible.append(time.perf_counter() - begin)
            finally:
                done.set()

        thread = threading.Thread(target=writer)
        thread.start()
        during: list[float] = []
        during_cpu: list[float] = []
        rest = iter(queries[100:])
        while not done.is_set():
            query = next(rest, None) or f"{rng.choice(WORDS)} -{rng.choice(WORDS)}"
            during.extend(timed_searches(lib, [query], during_cpu))
        thread.join()

        def line(name: str, ms: list[float], cpu: list[float]) -> str:
            ms = sorted(ms)
            p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
            return (
                f"{name:<40}{statistics.median(ms):>8.1f}{p95:>8.1f}{ms[-1]:>9.1f}{len(ms):>7}"
                f"{statistics.median(cpu):>10.1f}{max(cpu):>10.1f}"
            )

        print(
            f"{'Library.search ms':<40}{'p50':>8}{'p95':>8}{'max':>9}{'n':>7}{'CPU p50':>10}{'CPU max':>10}"
        )
        print(line("alone (reference)", alone, alone_cpu))
        print(line("while another thread tags 100 papers", during, during_cpu))
        print(
            f"100 tagged papers searchable (tag + search): p50 {statistics.median(visible):.2f} s, "
            f"max {max(visible):.2f} s over {len(visible)} rounds; {segments(folder / 'index')} segments"
            f" after; {len(set(late))} rounds took a second search"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
