"""For you: precision at 20 on a held-out split of the user's own decisions, learned model against
today's centroid ranking.

A synthetic library where each paper joins a method to an application (diffusion models for protein
design, transformers for weather...), written in the synthetic library's vocabulary (``synth.py``) with
the topic words mixed in. A simulated user keeps the papers of some method/application pairs and
archives the rest unread, with a share of decisions flipped (people are not consistent). The decisions
are split in two: one half goes into the library (kept: starred or done; discarded: archived), the other
half is held out, tagged ``heldout`` and left in the inbox. Both rankings order exactly the held-out
papers; precision at 20 is the share of kept papers among their first 20. The base rate is the share of
kept papers among all held-out ones (what a random order gets).

Two users: ``overlap`` keeps diffusion and transformer papers on proteins but archives the same methods
on images and language (kept and discarded share words: what a centroid cannot tell apart), ``topic``
keeps everything on one application (no overlap: the centroid's best case).

Usage: ``python benchmarks/for_you_bench.py [--papers 2000] [--decisions 600] [--runs 5] [--json]``
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402

from readerapp import Library  # noqa: E402

METHODS = {
    "diffusion": "diffusion denoising score sampler noise generative",
    "transformer": "transformer attention tokens decoder pretrained autoregressive",
    "graph": "graph message-passing nodes edges neighborhood relational",
    "reinforcement": "reinforcement policy reward agent rollouts exploration",
}
APPLICATIONS = {
    "protein": "protein proteins folding backbone residues binding",
    "image": "image images pixels photorealistic resolution segmentation",
    "language": "language text sentences translation dialogue multilingual",
    "weather": "weather climate forecasting precipitation atmospheric temperature",
    "robot": "robot manipulation grasping locomotion navigation control",
}
USERS = {
    "overlap": {("diffusion", "protein"), ("transformer", "protein"), ("graph", "weather")},
    "topic": {(m, "protein") for m in METHODS},
}
FLIP = 0.1  # the share of decisions that go against the user's own taste
TOP = 20


def with_topic(rng: random.Random, base: dict, n: int, method: str, application: str) -> dict:
    """A synthetic Daily Papers item given the method's and the application's words."""
    topic = METHODS[method].split() + APPLICATIONS[application].split()
    words = base["paper"]["summary"].split()
    for _ in range(12):
        words.insert(rng.randrange(len(words) + 1), rng.choice(topic))
    words_of = (METHODS[method].split(), APPLICATIONS[application].split())
    title = f"{rng.choice(words_of[0]).title()} {rng.choice(words_of[1])} {n}"
    base["paper"].update(id=f"2601.{n:05d}", title=title, summary=" ".join(words))
    base["title"] = title
    return base


def one_run(user: str, papers: int, decisions: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    kinds = [(rng.choice(list(METHODS)), rng.choice(list(APPLICATIONS))) for _ in range(papers)]
    bases = synth.generate_items(papers, seed=seed)
    items = [with_topic(rng, base, n, *kind) for n, (base, kind) in enumerate(zip(bases, kinds, strict=True))]
    decided = rng.sample(range(papers), decisions)
    kept = {n for n in decided if (kinds[n] in USERS[user]) != (rng.random() < FLIP)}
    train, held = decided[: decisions // 2], decided[decisions // 2 :]
    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "feed.json"
        feed.write_text(json.dumps(items))
        with Library.open(Path(folder) / "lib", sync_on_start="never") as library:
            library.import_file(feed)
            ids = [str(item["paper"]["id"]) for item in items]  # type: ignore[index]
            seeds = [ids[n] for n in train if n in kept]
            dropped = [ids[n] for n in train if n not in kept]
            library.star(seeds[::2])
            library.set_state(seeds[1::2], "done")
            library.set_state(dropped, "archived")
            library.tag([ids[n] for n in held], add=["heldout"])
            ranked = {}
            for name, discarded in (("centroid", []), ("learned", dropped)):
                hits = library.keeper.for_you(seeds, "tag:heldout", len(held), discarded_ids=discarded)
                ranked[name] = [hit.id for hit in hits]
    kept_ids = {ids[n] for n in kept}
    result = {name: sum(i in kept_ids for i in order[:TOP]) / TOP for name, order in ranked.items()}
    result["base rate"] = sum(ids[n] in kept_ids for n in held) / len(held)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--decisions", type=int, default=600)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report: dict[str, dict[str, list[float]]] = {}
    for user in USERS:
        for run in range(args.runs):
            for name, value in one_run(user, args.papers, args.decisions, seed=run).items():
                report.setdefault(user, {}).setdefault(name, []).append(value)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"precision at {TOP}, {args.papers} papers, {args.decisions} decisions (half held out), "
          f"{args.runs} runs, {FLIP:.0%} of decisions flipped")
    print(f"{'user':<10}{'centroid':>18}{'learned':>18}{'base rate':>18}")
    for user, figures in report.items():
        cells = [f"{statistics.mean(figures[k]):.2f} ± {statistics.pstdev(figures[k]):.2f}"
                 for k in ("centroid", "learned", "base rate")]
        print(f"{user:<10}" + "".join(f"{c:>18}" for c in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
