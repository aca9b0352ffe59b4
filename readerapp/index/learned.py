"""For you that learns: a linear model of what the user keeps against what they discard.

arxiv-sanity's way: each paper is its tf-idf vector (``similar.Vectors``); the papers the user kept
(starred, tagged, reading, done) are positives, those archived without a star, tag, note or highlight
negatives, and an L2-regularised logistic regression, the classes weighted equally, learns one weight
per term. Unlike the centroid of the kept papers, it learns what to avoid too: a user who keeps
diffusion papers on proteins and archives those on images gets "image" as a term that ranks low.

The vectors are sparse and the training set small (at most a thousand decisions), so plain numpy does
it: the data as CSR arrays, full-batch gradient descent, a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from readerapp.index.similar import REASONS, TOP_TERMS, Profile

Vector = dict[str, float]
STEPS = 300
RATE = 2.0
L2 = 1e-3
CANDIDATES_PER_HIT = 4  # the model scores this many of the papers its terms find per paper shown
MIN_CANDIDATES = 400
MIN_EACH = 3  # fewer kept or discarded papers than this: nothing to learn from, rank by likeness


@dataclass(frozen=True, slots=True)
class Model:
    """A weight per term and a bias; a paper's score is its vector's dot product with the weights."""

    weights: dict[str, float]
    bias: float

    def score(self, vector: Vector) -> float:
        return self.bias + sum(value * self.weights.get(term, 0.0) for term, value in vector.items())

    def reasons(self, vector: Vector, surface: dict[str, str]) -> tuple[str, ...]:
        """The terms that raise this paper most, as words (never a term that lowers it)."""
        lifts = sorted(((value * self.weights.get(term, 0.0), term) for term, value in vector.items()),
                       reverse=True)  # fmt: skip
        return tuple(surface.get(term, term) for lift, term in lifts[:REASONS] if lift > 0)

    def wanted(self, surface: dict[str, str]) -> Profile:
        """The terms with the largest positive weights, as the query that finds candidates to score."""
        top = sorted(((w, t) for t, w in self.weights.items() if w > 0), reverse=True)[:TOP_TERMS]
        return Profile({t: w for w, t in top}, {t: surface.get(t, t) for _w, t in top})


def can_learn(kept: Sequence[object], discarded: Sequence[object]) -> bool:
    return len(kept) >= MIN_EACH and len(discarded) >= MIN_EACH


def train(kept: Sequence[Vector], discarded: Sequence[Vector]) -> Model:
    """Fit the logistic regression: kept papers are 1, discarded 0, each class weighing half."""
    vectors = [*kept, *discarded]
    vocabulary = {term: n for n, term in enumerate(dict.fromkeys(t for v in vectors for t in v))}
    lengths = np.array([len(v) for v in vectors], dtype=np.int64)
    entries = int(lengths.sum())
    rows = np.repeat(np.arange(len(vectors)), lengths)  # the data as CSR: row, column, value per entry
    columns = np.fromiter((vocabulary[t] for v in vectors for t in v), dtype=np.int64, count=entries)
    values = np.fromiter((x for v in vectors for x in v.values()), dtype=np.float64, count=entries)
    labels = np.concatenate([np.ones(len(kept)), np.zeros(len(discarded))])
    sample = np.where(labels == 1, 0.5 / max(1, len(kept)), 0.5 / max(1, len(discarded)))
    weights, bias = np.zeros(len(vocabulary)), 0.0
    for _ in range(STEPS):
        margins = np.bincount(rows, weights=values * weights[columns], minlength=len(vectors)) + bias
        error = sample * (1.0 / (1.0 + np.exp(-margins)) - labels)
        gradient = np.bincount(columns, weights=values * error[rows], minlength=len(vocabulary))
        weights -= RATE * (gradient + L2 * weights)
        bias -= RATE * float(error.sum())
    return Model({term: float(weights[n]) for term, n in vocabulary.items()}, bias)
