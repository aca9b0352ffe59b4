"""Search benchmark over the synthetic library (``synth.py``): latency by query type, rebuild speed,
time for changes to become searchable, cold open plus first query, index size and memory.

The built index is cached under ``bench-data/`` (git-ignored) and reused while the synthetic
library is the same; ``--rebuild`` measures a fresh full build.

Usage: ``python benchmarks/search_bench.py [--papers 100000] [--rebuild] [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402

from readerapp.index.document import IndexDocument  # noqa: E402
from readerapp.index.search_index import IndexUnavailable, SearchIndex  # noqa: E402

BENCH_DATA = ROOT / "bench-data"
ROUNDS = 3
PER_TYPE = 30


def item_to_document(item: dict, revision: int = 1) -> IndexDocument:
    """A synthetic Daily Papers item as the store would describe it (a fifth starred, some tagged)."""
    paper = item["paper"]
    number = int(paper["id"].split(".")[1])
    return IndexDocument(
        id=paper["id"],
        revision=revision,
        title=paper["title"],
        abstract=paper["summary"],
        authors=[a["name"] for a in paper["authors"]],
        tags=["to-read"] if number % 7 == 0 else [],
        note="",
        highlights=[],
        pdf_text="",
        categories=["cs.LG"] if number % 2 else ["cs.CL", "cs.LG"],
        state="inbox" if number % 3 else "reading",
        starred=number % 5 == 0,
        has_code="githubRepo" in paper,
        has_pdf=False,
        has_note=False,
        published=datetime.fromisoformat(paper["publishedAt"].replace("Z", "+00:00")),
        feed_day=date.fromisoformat(paper["submittedOnDailyAt"][:10]),
        upvotes=int(paper["upvotes"]),
    )


def documents(n: int) -> Iterator[IndexDocument]:
    return (item_to_document(item) for item in synth.generate_items(n))


def query_set(n: int, seed: int = 7) -> list[tuple[str, str]]:
    """``(type, query)`` pairs: the mixed set the acceptance criteria name, drawn reproducibly."""
    rng = random.Random(seed)
    words = [w for w in synth.DOMAIN_WORDS if "-" not in w]
    sample = synth.generate_items(min(n, 2_000))
    authors = sorted({a["name"] for item in sample for a in item["paper"]["authors"]})
    years = range(2019, 2027)
    out: list[tuple[str, str]] = []
    for _ in range(PER_TYPE):
        out.append(("word", rng.choice(words)))
        out.append(("two words", f"{rng.choice(words)} {rng.choice(words)}"))
        out.append(("phrase", f'"{rng.choice(synth.PHRASES)}"'))
        name = rng.choice(authors)
        out.append(("author", f'author:"{name}"' if rng.random() < 0.5 else f"author:{name.split()[-1]}"))
        out.append(("prefix", f"{rng.choice([w for w in words if len(w) > 5])[: rng.randint(4, 6)]}*"))
        out.append(("word + year", f"{rng.choice(words)} year:{rng.choice(years)}"))
        out.append(("filters", rng.choice(["is:starred has:code", "upvotes:>20", "state:reading year:2024"])))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def build(n: int, folder: Path, force: bool) -> tuple[float, float] | None:
    """Build (or reuse) the index for ``n`` papers. When built now: papers per wall-clock second,
    and papers per CPU second of the build (this process and its workers), which a shared, busy
    machine distorts far less."""
    stamp = folder.parent / f"{folder.name}.stamp"
    if not force and stamp.exists() and stamp.read_text() == str(n):
        try:
            SearchIndex.open(folder).close()
            return None
        except IndexUnavailable:
            pass
    index = SearchIndex.create(folder)
    start, cpu = time.perf_counter(), _cpu_seconds()
    count = index.rebuild(documents(n), total=n)
    rates = count / (time.perf_counter() - start), count / (_cpu_seconds() - cpu)
    index.close()
    stamp.write_text(str(n))
    return rates


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the build workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure_queries(index: SearchIndex, queries: list[tuple[str, str]]) -> dict[str, list[float]]:
    for _, query in queries:  # warm: caches, filter sets, the OS page cache
        index.search(query, limit=50)
    times: dict[str, list[float]] = defaultdict(list)
    for _ in range(ROUNDS):
        for kind, query in queries:
            start = time.perf_counter()
            index.search(query, limit=50)
            times[kind].append((time.perf_counter() - start) * 1000)
    return times


def measure_changes(index: SearchIndex) -> float:
    """Seconds for 100 changed papers (one new word each) to be written and found."""
    changed = []
    for i, item in enumerate(synth.generate_items(100, seed=99)):
        doc = item_to_document(item, revision=2)
        doc["id"] = f"bench-change-{i}"  # never one of the library's ids: the cache stays intact
        doc["abstract"] += " zyxwvutsword"
        changed.append(doc)
    start = time.perf_counter()
    index.apply(changed)
    found = index.search("zyxwvutsword", limit=200)
    elapsed = time.perf_counter() - start
    assert len(found) == 100, len(found)
    index.apply([], delete_ids=[d["id"] for d in changed])
    return elapsed


_COLD = """
import resource, sys, time
start = time.perf_counter()
from readerapp.index.search_index import SearchIndex
index = SearchIndex.open(__import__("pathlib").Path(sys.argv[1]))
index.search("diffusion models", limit=50)
first = time.perf_counter() - start
for q in ("transformer", "author:Wang", '"language model"', "diffus*", "robust year:2023"):
    index.search(q, limit=50)
print(first, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure_cold(folder: Path) -> tuple[float, float]:
    """Open plus first query in a fresh process (imports included), and that process's peak RSS."""
    out = subprocess.run(
        [sys.executable, "-c", _COLD, str(folder)], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def folder_size(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached index and time it")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    BENCH_DATA.mkdir(exist_ok=True)
    folder = BENCH_DATA / f"search-index-{args.papers}"
    rates = build(args.papers, folder, args.rebuild)
    cold_s, cold_rss = measure_cold(folder)
    index = SearchIndex.open(folder)
    papers = index.doc_count()
    times = measure_queries(index, query_set(args.papers))
    change_s = measure_changes(index)
    overall = [t for values in times.values() for t in values]
    report = {
        "papers": papers,
        "p50_ms": round(statistics.median(overall), 2),
        "p95_ms": round(percentile(overall, 0.95), 2),
        "by_type": {
            kind: {"p50_ms": round(statistics.median(v), 2), "p95_ms": round(percentile(v, 0.95), 2)}
            for kind, v in times.items()
        },
        "rebuild_papers_per_s": round(rates[0]) if rates else None,
        "rebuild_papers_per_cpu_s": round(rates[1]) if rates else None,
        "load_average": round(os.getloadavg()[0], 1),
        "100_changes_searchable_s": round(change_s, 3),
        "open_and_first_query_s": round(cold_s, 3),
        "open_process_rss_mb": round(cold_rss, 1),
        "bench_process_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "index_mb": round(folder_size(folder), 1),
    }
    index.close()
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{report['papers']} papers; index {report['index_mb']} MB")
    print(f"all queries: p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms (top 50 with snippets, warm)")
    for kind, figures in report["by_type"].items():
        print(f"  {kind:12} p50 {figures['p50_ms']:7.2f} ms  p95 {figures['p95_ms']:7.2f} ms")
    if rates:
        per_cpu = report["rebuild_papers_per_cpu_s"]
        print(f"rebuild: {report['rebuild_papers_per_s']} papers/s ({per_cpu} per CPU-second)")
    else:
        print("rebuild: cached (use --rebuild to time it)")
    print(f"100 changed papers searchable in {report['100_changes_searchable_s']} s")
    print(f"open + first query (fresh process): {report['open_and_first_query_s']} s, RSS {cold_rss:.0f} MB")
    print(f"machine load average while measuring: {report['load_average']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
