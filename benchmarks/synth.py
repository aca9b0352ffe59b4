"""A deterministic synthetic library: N papers in the Hugging Face Daily Papers *item* JSON shape.

Benchmarks need a big library whose text behaves like real abstracts, or their figures flatter us:
words follow a Zipf-like law over a realistic machine-learning vocabulary with a long tail of rare
terms (so the term dictionary and the posting lists have honest sizes), common multi-word phrases
recur (so phrase queries find something), and a few thousand authors publish with a skewed
productivity. The same ``(n, seed)`` always gives the same items.

Usage: ``python benchmarks/synth.py N OUT.json [--seed S]`` writes one JSON array, streaming.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path


def _words(block: str) -> list[str]:
    """The words of a text block, in order: long word lists read best as wrapped text."""
    return block.split()


# Most frequent first: the rank gives the Zipf weight. Function words lead, as in real abstracts.
FUNCTION_WORDS = _words("""
the of and to we in a for that is on with our this as by are from be can an which at or these it
such using also not have its both their more than while into through over between each when only
has however show how without across other while under most two new
""")

DOMAIN_WORDS = _words("""
models model data training learning language generation performance methods method network neural
large inference diffusion results approach tasks task text image images framework benchmark based
existing analysis propose proposed achieves dataset datasets evaluation state-of-the-art efficient
attention transformer transformers reasoning agents agent reinforcement policy reward fine-tuning
pretraining pretrained supervised unsupervised self-supervised contrastive representation
representations embedding embeddings latent token tokens vision multimodal video audio speech
generative adversarial robustness robust adversarial alignment preference human feedback instruction
instructions prompt prompting retrieval augmented knowledge graph graphs semantic segmentation
detection detector detectors classification classifier classifiers regression optimization optimizer
gradient gradients stochastic convergence theoretical empirical experiments experimental demonstrate
significantly improves improvement outperforms baseline baselines accuracy scalable scaling compute
parameters parameter memory efficiency throughput latency quantization pruning distillation sparse
sparsity mixture experts routing layer layers architecture architectures convolutional recurrent
sequence sequences decoding decoder encoder autoregressive sampling sampler denoising noise score
distribution distributions probabilistic bayesian uncertainty calibration estimation estimator
objective loss function functions linear nonlinear kernel manifold geometric equivariant symmetry
physics simulation molecular protein proteins chemistry drug materials climate weather forecasting
time-series temporal spatial 3d point cloud scene rendering radiance field fields gaussian splatting
pose tracking navigation robot robotics manipulation control planning world environment environments
simulator zero-shot few-shot in-context generalization transfer domain adaptation shift continual
federated privacy differential secure attack attacks defense watermarking watermark hallucination
factuality safety jailbreak toxicity bias fairness interpretability explainability mechanistic
circuits features probing neurons activation activations steering editing unlearning memorization
code programming software synthesis mathematical math theorem proving formal verification logic
planning search tree monte carlo exploration exploitation bandit offline online imitation
demonstrations trajectories trajectory value critic actor q-learning curriculum self-play
multilingual translation low-resource summarization question answering dialogue conversational
chat assistant evaluation judge judges leaderboard annotation annotations labels label noisy
synthetic augmentation corpus corpora web-scale curated filtering deduplication tokenizer vocabulary
context long-context window compression cache kv positional rotary normalization residual
initialization scaling-law laws emergent capabilities abilities chain-of-thought verifier reward
process outcome rollout rollouts group relative advantage ppo dpo grpo rlhf sft lora adapter
adapters parameter-efficient medical clinical radiology pathology biomedical genomics single-cell
recommendation recommender ranking search engine query queries documents document tables table
structured unstructured extraction entity relation events causal causality counterfactual
intervention confounding fairness tabular clustering anomaly outlier contrastive metric similarity
nearest neighbor neighbors index hashing compression codec bitrate streaming real-time edge
mobile hardware accelerator gpu gpus kernel kernels parallelism distributed communication
""")

_TAIL_SYLLABLES = _words("""
ar ber cal den el fer gal hen ix jor kal lum mar nor ob pel quin ros sar tel ul ven wes xan yor zel
ato bri cor dra eno fla gri hol iva jun kir lor mef nix opa pri qua ril sto tri uma vor wyn xer zu
""")

PHRASES = [p.strip() for p in """
large language models|language model|diffusion models|reinforcement learning|neural networks|
vision-language models|in-context learning|chain of thought|state of the art|text-to-image
generation|graph neural networks|mixture of experts|human feedback|reward model|zero-shot
classification|multimodal large language models|retrieval-augmented generation|knowledge
distillation|test-time compute|world model|policy optimization|preference optimization|
instruction tuning|video generation|image editing|point cloud|novel view synthesis|speech
recognition|machine translation|question answering|code generation|long context|attention
mechanism|sparse attention|low-rank adaptation|scaling laws|data contamination|open-source models|
contrastive learning|self-supervised learning|representation learning|domain adaptation|
out-of-distribution detection|adversarial examples|differential privacy|federated learning|
continual learning|meta learning|few-shot learning|active learning|semi-supervised learning|
optimal transport|stochastic gradient descent|gaussian processes|bayesian optimization|
monte carlo tree search|model predictive control|autonomous driving|medical image segmentation|
protein structure prediction|molecular generation|weather forecasting|time series forecasting|
neural radiance fields|gaussian splatting|mathematical reasoning|theorem proving|tool use|
web agents|multi-agent systems|safety alignment|red teaming|jailbreak attacks|hallucination
detection|uncertainty estimation|model merging|quantization-aware training|speculative decoding|
kv cache|flash attention|state space models|recurrent neural networks|vision transformers
""".replace("\n", " ").split("|")]

_FIRST_NAMES = _words("""
Wei Jing Li Yu Hao Xin Yang Chen Ming Lei Jun Yan Tao Bo Kai Rui Zhi Hui Fang Lin Ana Maria Jose
Luis Carlos Sofia Lucia Mateo Diego Elena Marco Giulia Luca Francesca Matteo Sara Thomas Anna
Lukas Julia Felix Laura Jonas Lea David Sarah Michael Emily James Olivia Daniel Emma Robert Grace
John Hannah Alexander Sophie Ivan Olga Dmitry Natalia Sergey Elena Hiroshi Yuki Kenji Haruka Takumi
Aiko Min-jun Ji-woo Seo-yeon Hyun Priya Arjun Rahul Ananya Vikram Neha Rohan Kavya Amir Leila Omar
Fatima Yusuf Noor Ali Zainab Samuel Grace Kwame Amara Chidi Nia Tomas Eva Jan Petra Mikkel Ingrid
Erik Astrid Noah Liam Ethan Mia Chloe Lucas Nathan Zoe Victor Camille Hugo Ines Pierre Claire
""")

_LAST_NAMES = _words("""
Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng Liang Xie
Tang Han Feng Deng Cao Peng Zeng Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez
Martinez Hernandez Lopez Gonzalez Wilson Anderson Taylor Thomas Moore Jackson Martin Lee Thompson
White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green Baker Adams Nelson Hill
Mueller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann Rossi Russo Ferrari Esposito
Bianchi Romano Colombo Ricci Dubois Moreau Laurent Simon Michel Leroy Ivanov Petrov Smirnov Kuznetsov
Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kim Park Choi Jung Kang Cho Yoon Jang
Sharma Patel Singh Kumar Gupta Reddy Iyer Nair Rao Das Khan Ahmed Hassan Hussain Rahman Nguyen Tran
Pham Le Hoang Silva Santos Oliveira Souza Pereira Costa Kowalski Nowak Novak Jensen Nielsen Hansen
Andersson Johansson Larsen Okafor Mensah Mwangi Cohen Levi Friedman Katz Sanchez Ramirez Torres
""")

_ORGS = ["google", "meta", "nvidia", "microsoft", "allenai", "stanford", "mit", "tsinghua", "ethz", "kaist"]
_START = datetime(2019, 1, 1, tzinfo=UTC)
_END = datetime(2026, 6, 30, tzinfo=UTC)


def _tail_words(rng: random.Random, count: int) -> list[str]:
    """Rare made-up terms (method names, jargon) so the vocabulary has a realistic long tail."""
    words: set[str] = set()
    while len(words) < count:
        parts = rng.choices(_TAIL_SYLLABLES, k=rng.randint(2, 4))
        words.add("".join(parts))
    return sorted(words)


def _below(rng: random.Random, n: int) -> int:
    """A uniform int in ``[0, n)``; ``randrange`` is several times slower and this is the hot path."""
    return int(rng.random() * n)


class _ZipfTape:
    """Draws from ``population`` where rank r has weight ``1 / (r + offset)**exponent``.

    ``random.choices`` costs a bisect per draw, seconds at 100k papers; instead we pre-draw one long
    tape and hand out strided slices of it, which keeps the distribution at a fraction of the cost.
    """

    _STRIDES = (1, 3, 7, 11, 13)

    def __init__(
        self, rng: random.Random, population: list[str], exponent: float, size: int, offset: int = 0
    ) -> None:
        ranks = range(offset + 1, offset + len(population) + 1)
        cum = list(itertools.accumulate(1.0 / (rank**exponent) for rank in ranks))
        self._tape = rng.choices(population, cum_weights=cum, k=size)
        self._rng = rng

    def draw(self, k: int) -> list[str]:
        stride = self._STRIDES[_below(self._rng, len(self._STRIDES))]
        start = _below(self._rng, len(self._tape) - k * stride)
        return self._tape[start : start + k * stride : stride]


class _Vocabulary:
    """Words, phrases and authors drawn with skewed frequencies, all fixed by the seed."""

    def __init__(self, rng: random.Random) -> None:
        tail = _tail_words(rng, 30_000)
        rng.shuffle(tail)
        words = list(dict.fromkeys(FUNCTION_WORDS + DOMAIN_WORDS + tail))
        self.words = _ZipfTape(rng, words, 1.05, 1 << 20)
        self.phrases = PHRASES
        self.phrase = _ZipfTape(rng, self.phrases, 0.8, 1 << 16)
        # Content words only for titles: a title of "the of and" would be unrealistic.
        self.title_words = _ZipfTape(rng, list(dict.fromkeys(DOMAIN_WORDS + tail[:5_000])), 0.9, 1 << 18)
        names = sorted({f"{f} {last}" for f in _FIRST_NAMES for last in _LAST_NAMES})
        rng.shuffle(names)
        # Productivity is skewed but flat at the top: the busiest of 4,000 authors has ~1% of papers.
        self.authors = _ZipfTape(rng, names[:4_000], 1.0, 1 << 18, offset=200)


def _with_phrases(rng: random.Random, vocab: _Vocabulary, words: list[str], most: int) -> list[str]:
    """Drop up to ``most`` recurring phrases into ``words`` so phrase queries have something to find."""
    for phrase in vocab.phrase.draw(_below(rng, most + 1)):
        words.insert(_below(rng, len(words) + 1), phrase)
    return words


def _sentence(rng: random.Random, vocab: _Vocabulary) -> str:
    text = " ".join(_with_phrases(rng, vocab, vocab.words.draw(10 + _below(rng, 17)), 2))
    return text[0].upper() + text[1:] + "."


def _title(rng: random.Random, vocab: _Vocabulary) -> str:
    words = _with_phrases(rng, vocab, vocab.title_words.draw(rng.randint(4, 10)), 1)
    title = " ".join(w[0].upper() + w[1:] for w in words)
    if rng.random() < 0.3:
        acronym = "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ", k=rng.randint(3, 6)))
        title = f"{acronym}: {title}"
    return title


def _hex_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(96):024x}"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def generate_items(n: int, seed: int = 0) -> Iterator[dict]:
    """Yield ``n`` Daily Papers items with unique arXiv ids, deterministic for ``(n, seed)``."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    vocab = _Vocabulary(rng)
    span = int((_END - _START).total_seconds())
    next_number: dict[str, int] = {}
    for _ in range(n):
        published = _START + timedelta(seconds=rng.randrange(span))
        month = published.strftime("%y%m")
        number = next_number.get(month, rng.randint(1, 500)) + rng.randint(1, 30)
        if number > 99_999:  # a crowded month: spill into the next free month-agnostic slot
            month, number = _spill(next_number)
        next_number[month] = number
        arxiv_id = f"{month}.{number:05d}"
        on_daily = published + timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 12))
        title = _title(rng, vocab)
        summary = " ".join(_sentence(rng, vocab) for _ in range(rng.randint(5, 10)))
        authors = vocab.authors.draw(rng.randint(1, 12))
        authors = list(dict.fromkeys(authors))
        upvotes = int(rng.paretovariate(1.2)) - 1
        paper: dict = {
            "id": arxiv_id,
            "authors": [{"_id": _hex_id(rng), "name": a, "hidden": False} for a in authors],
            "publishedAt": _iso(published),
            "submittedOnDailyAt": _iso(on_daily),
            "title": title,
            "summary": summary,
            "upvotes": upvotes,
            "discussionId": _hex_id(rng),
        }
        if rng.random() < 0.4:
            owner = authors[0].split()[-1].lower()
            repo = title.split(":")[0].split()[0].lower().strip(",.")
            paper["githubRepo"] = f"https://github.com/{owner}/{repo}"
            paper["githubRepoAddedBy"] = rng.choice(("auto", "user"))
            paper["githubStars"] = int(rng.paretovariate(0.8))
        if rng.random() < 0.5:
            paper["ai_keywords"] = rng.sample(vocab.phrases, k=rng.randint(2, 6))
        submitter = rng.choice(authors)
        yield {
            "paper": paper,
            "publishedAt": _iso(on_daily),
            "title": title,
            "summary": summary,
            "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{arxiv_id}.png",
            "numComments": int(rng.paretovariate(2.0)) - 1,
            "submittedBy": {
                "_id": _hex_id(rng),
                "fullname": submitter,
                "name": submitter.lower().replace(" ", "-"),
                "type": "user",
            },
            "organization": {"name": rng.choice(_ORGS)} if rng.random() < 0.2 else None,
        }


def _spill(next_number: dict[str, int]) -> tuple[str, int]:
    """A month with room left; only reached by libraries far bigger than real ones."""
    for month, used in sorted(next_number.items(), key=lambda kv: kv[1]):
        if used < 99_999:
            return month, used + 1
    raise ValueError("more papers than arXiv ids in 2019-2026")


def write_json_array(items: Iterator[dict], out: Path) -> int:
    """Stream ``items`` into ``out`` as one JSON array without holding them all; returns the count."""
    count = 0
    with out.open("w", encoding="utf-8") as fh:
        fh.write("[")
        for item in items:
            fh.write(",\n" if count else "\n")
            fh.write(json.dumps(item, ensure_ascii=False))
            count += 1
        fh.write("\n]\n")
    return count


def write_bibtex(items: Iterator[dict], out: Path) -> int:
    """The same papers as BibTeX entries in Zotero's style (authors ``Family, Given``, accents and
    protected capitals as LaTeX, an arXiv eprint, a journal for one paper in three), streaming."""
    count = 0
    with out.open("w", encoding="utf-8") as fh:
        for item in items:
            paper = item["paper"]
            authors = " and ".join(_bibtex_name(a["name"]) for a in paper["authors"])
            title = paper["title"].replace(":", ": {", 1) + "}" if ":" in paper["title"] else paper["title"]
            fh.write(
                f"@article{{k{count},\n  title = {{{title}}},\n  author = {{{authors}}},\n"
                f"  year = {{{paper['publishedAt'][:4]}}},\n  month = {{{int(paper['publishedAt'][5:7])}}},\n"
                f"  eprint = {{{paper['id']}}},\n  archivePrefix = {{arXiv}},\n"
            )
            if count % 3 == 0:
                fh.write("  journal = {Journal of Synthetic R{\\'e}sults},\n  pages = {1--12},\n")
            fh.write("}\n\n")
            count += 1
    return count


def _bibtex_name(name: str) -> str:
    given, _, family = name.rpartition(" ")
    return f"{family}, {given}" if given else family


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="how many papers")
    parser.add_argument("out", type=Path, help="output JSON file (one array)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same library)")
    args = parser.parse_args(argv)
    count = write_json_array(generate_items(args.n, args.seed), args.out)
    print(f"wrote {count} papers to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
