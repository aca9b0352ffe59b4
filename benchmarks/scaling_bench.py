"""Search latency against library size: p50/p95 of the mixed query set of ``search_bench.py`` (same
queries, same warm timing) at 1k to 300k synthetic papers, with the index build time per size.

Built indexes are cached under ``bench-data/`` beside search_bench's (the same folders), with their
build time; ``--rebuild`` times fresh builds. Writes ``bench-data/scaling.json`` and the plot
``docs/plots/search-latency.png`` (needs the ``bench`` extras: matplotlib).

Usage: ``python benchmarks/scaling_bench.py [--sizes 1000,3000,...] [--rebuild] [--plot-only]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from search_bench import BENCH_DATA, build, measure_queries, percentile, query_set  # noqa: E402

from readerapp.index.search_index import SearchIndex  # noqa: E402

SIZES = (1_000, 3_000, 10_000, 30_000, 100_000, 300_000)
RESULTS = BENCH_DATA / "scaling.json"
PLOT = ROOT / "docs" / "plots" / "search-latency.png"
GOALS_MS = (10, 50)  # the goals: p50 <= 10 ms, p95 <= 50 ms (docs/benchmarks.md, Search)


def build_seconds(n: int, force: bool) -> float:
    """Seconds to build the index of ``n`` papers, from this run or from when the cache was built
    (a cached index without a recorded time is rebuilt, so every size has one)."""
    folder = BENCH_DATA / f"search-index-{n}"
    record = BENCH_DATA / f"search-index-{n}.build-seconds"
    rates = build(n, folder, force or not record.exists())
    if rates is not None:
        record.write_text(f"{n / rates[0]:.1f}")
    return float(record.read_text())


def measure(n: int, force: bool) -> dict[str, float]:
    """One size's figures; the load average is read before and after the timed queries."""
    built_s = build_seconds(n, force)
    load_before = os.getloadavg()[0]
    index = SearchIndex.open(BENCH_DATA / f"search-index-{n}")
    try:
        times = measure_queries(index, query_set(n))
        papers = index.doc_count()
    finally:
        index.close()
    overall = [t for values in times.values() for t in values]
    return {
        "papers": papers,
        "p50_ms": round(statistics.median(overall), 2),
        "p95_ms": round(percentile(overall, 0.95), 2),
        "build_s": built_s,
        "load_average": round(max(load_before, os.getloadavg()[0]), 1),
    }


def plot(rows: list[dict[str, float]], out: Path) -> None:
    """Latency against size on a log x axis, with the goals drawn as reference lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    sizes = [r["papers"] for r in rows]
    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=120)
    ax.plot(sizes, [r["p95_ms"] for r in rows], "o-", color="tab:red", label="p95")
    ax.plot(sizes, [r["p50_ms"] for r in rows], "o-", color="tab:blue", label="p50 (median)")
    for goal, label, style in zip(GOALS_MS, ("p50", "p95"), (":", "--"), strict=True):
        ax.axhline(goal, color="grey", linestyle=style, linewidth=1)
        ax.annotate(f"{label} goal: {goal} ms", (sizes[0], goal), textcoords="offset points", xytext=(0, 4),
                    color="dimgrey", fontsize=9)
    ax.set_xscale("log")
    ax.set_xticks(sizes)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x / 1000:g}k"))
    ax.minorticks_off()
    ax.set_ylim(0, max(GOALS_MS[-1], max(r["p95_ms"] for r in rows)) * 1.12)
    ax.set_xlabel("papers in the library (log scale)")
    ax.set_ylabel("search latency, ms (top 50, warm)")
    loads = sorted(r["load_average"] for r in rows)
    ax.set_title(f"Search latency by library size (load average {loads[0]:g}-{loads[-1]:g} on 2 cores)",
                 fontsize=11)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(0, 0.85))
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)


def markdown_table(rows: list[dict[str, float]]) -> str:
    """The figures as the table docs/benchmarks.md carries."""
    lines = ["| papers | p50 ms | p95 ms | index build s | load average |", "|---:|---:|---:|---:|---:|"]
    lines += [
        f"| {r['papers']:,} | {r['p50_ms']} | {r['p95_ms']} | {r['build_s']:,.1f} | {r['load_average']} |"
        for r in rows
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated paper counts")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached indexes and time them")
    parser.add_argument("--plot-only", action="store_true", help=f"redraw the plot from {RESULTS.name}")
    args = parser.parse_args()
    BENCH_DATA.mkdir(exist_ok=True)
    if args.plot_only:
        rows = json.loads(RESULTS.read_text())
    else:
        rows = []
        for n in (int(s) for s in args.sizes.split(",")):
            start = time.perf_counter()
            rows.append(measure(n, args.rebuild))
            print(f"{n:>7} papers: {rows[-1]} ({time.perf_counter() - start:.0f} s)", flush=True)
            RESULTS.write_text(json.dumps(rows, indent=2))
    plot(rows, PLOT)
    print(markdown_table(rows))
    print(f"plot: {PLOT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
