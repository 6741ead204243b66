"""Fit the key-sentence weights of ``retrieval/query/key_sentence.py`` on development questions.

For every answerable development question (the seed and BBC sets, the ``dev`` part of the
answer set, the real-news questions), the right article's sentences are scored with the
product's own features, and the sentence that holds the answering phrase is the one to
prefer. The weights maximise its softmax probability among the article's quotable sentences
(a conditional logit, fitted by gradient ascent with an L2 penalty). Held-out questions are
only scored, never fitted on.

``python -m benchmarks.fit_key_sentences`` prints the weights and the top-1 sentence accuracy
with the shipped weights and with the fitted ones, on dev and held-out questions, and writes them
to ``benchmarks/results/key_sentences.json`` (``--results-dir`` for another folder).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize  # type: ignore[import-untyped]

from benchmarks.answers import Item, corpus_engine, load_items, normal
from benchmarks.results import RESULTS_DIR, write_result
from retrieval import Embedder, Engine, load_embedder
from retrieval.query.answer_type import asks
from retrieval.query.key_sentence import (
    FEATURES,
    WEIGHTS,
    QuestionTerms,
    passage_scores_of,
    score_sentences,
    sentence_features,
)
from retrieval.query.search import hybrid_search

SETS = ("seed", "bbc", "answer", "realworld")
DEFAULT_L2 = 0.001
"""The penalty on the mean log-likelihood; chosen by cross-validation on dev questions."""


@dataclass(frozen=True, slots=True)
class Example:
    """The quotable sentences of the right article for one question, and which one answers."""

    id: str
    split: str
    features: npt.NDArray[np.float32]
    positive: npt.NDArray[np.bool_]


def _normalised_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normal(text)`` character by character, with each character's offset in ``text``."""
    out: list[str] = []
    offsets: list[int] = []
    previous_space = True
    for position, char in enumerate(text):
        folded = normal(char) if not char.isspace() else " "
        if folded == " " or not folded:
            if not previous_space:
                out.append(" ")
                offsets.append(position)
            previous_space = True
            continue
        for piece in folded:
            out.append(piece)
            offsets.append(position)
        previous_space = False
    return "".join(out), offsets


def _example(engine: Engine, item: Item, embedder: Embedder) -> Example | None:
    turn = item.turns[0]
    if turn.sources is None or turn.phrase is None:
        return None
    index = engine.index
    vector = embedder.embed_queries([turn.question])[0]
    hits = hybrid_search(index, vector, turn.question, k=50)
    if not hits:
        return None
    found = [(h.row, h.source, h.score) for h in hits]
    best = max(h.score for h in hits)
    terms = QuestionTerms.of(index, turn.question, vector, asks(turn.question))
    for source in sorted(turn.sources):
        if source not in index.articles:
            continue
        text = index.articles[source].text
        folded, offsets = _normalised_with_offsets(text)
        at = folded.find(normal(turn.phrase))
        if at < 0:
            continue
        start = offsets[at]
        spans, features, quotable = sentence_features(
            index, source, terms, passage_scores_of(source, found, best)
        )
        positive = np.array([s <= start < e for s, e in spans], dtype=np.bool_)
        if not positive[quotable].any():
            continue
        return Example(item.id, item.split, features[quotable], positive[quotable])
    return None


def collect(embedder: Embedder, *, corpora: Sequence[str] | None = None) -> list[Example]:
    """One example per answerable first turn whose answering sentence could be located."""
    items = [i for name in SETS for i in load_items(name)]
    if corpora is not None:
        items = [i for i in items if i.corpus in corpora]
    engines = {c: corpus_engine(c, embedder) for c in sorted({i.corpus for i in items})}
    examples = []
    for item in items:
        example = _example(engines[item.corpus], item, embedder)
        if example is not None:
            examples.append(example)
    return examples


def accuracy(examples: Sequence[Example], weights: dict[str, float]) -> float:
    """Share of examples whose best-scored sentence is the answering one."""
    if not examples:
        return 0.0
    right = sum(
        bool(e.positive[int(np.argmax(score_sentences(e.features, weights)))]) for e in examples
    )
    return round(right / len(examples), 4)


def _objective(
    w: npt.NDArray[np.float64], examples: Sequence[Example], l2: float
) -> tuple[float, npt.NDArray[np.float64]]:
    """Mean negative log-likelihood of the answering sentences plus the L2 penalty; gradient."""
    value = 0.5 * l2 * float(w @ w)
    gradient = l2 * w
    for example in examples:
        x = example.features.astype(np.float64)
        scores = x @ w
        top = scores.max()
        p = np.exp(scores - top)
        total = p.sum()
        p /= total
        target = example.positive / example.positive.sum()
        value -= (float(target @ scores) - top - float(np.log(total))) / len(examples)
        gradient = gradient - ((target - p) @ x) / len(examples)
    return value, gradient


def fit(examples: Sequence[Example], *, l2: float = DEFAULT_L2) -> dict[str, float]:
    """Weights maximising the answering sentence's softmax probability (conditional logit)."""
    start = np.zeros(len(FEATURES), dtype=np.float64)
    solution = minimize(_objective, start, args=(examples, l2), jac=True, method="L-BFGS-B")
    return {name: round(float(v), 3) for name, v in zip(FEATURES, solution.x, strict=True)}


def cross_validated(examples: Sequence[Example], *, l2: float, folds: int = 5) -> float:
    """Top-1 accuracy of weights fitted on the other folds, over ``folds`` folds of ``examples``.

    The honest figure for choosing features and ``l2`` on development questions alone.
    """
    if len(examples) < folds:
        return 0.0
    order = np.random.default_rng(0).permutation(len(examples))
    right = 0
    for part in np.array_split(order, folds):
        held = set(part.tolist())
        weights = fit([e for i, e in enumerate(examples) if i not in held], l2=l2)
        right += sum(
            bool(e.positive[int(np.argmax(score_sentences(e.features, weights)))])
            for e in (examples[i] for i in part)
        )
    return round(right / len(examples), 4)


def summarize(
    examples: Sequence[Example], *, l2: float, corpora: Sequence[str] | None
) -> dict[str, Any]:
    """Fit on the dev examples; the weights and accuracies, shipped and fitted (the result)."""
    dev = [e for e in examples if e.split == "dev"]
    heldout = [e for e in examples if e.split == "heldout"]
    fitted = fit(dev, l2=l2)
    cross = cross_validated(dev, l2=l2)
    shipped = dict(WEIGHTS)
    return {
        "l2": l2,
        "corpora": list(corpora) if corpora else "all",
        "examples": {"dev": len(dev), "heldout": len(heldout)},
        "shipped": {
            "weights": shipped,
            "dev": accuracy(dev, shipped),
            "heldout": accuracy(heldout, shipped),
        },
        "fitted": {
            "weights": fitted,
            "dev": accuracy(dev, fitted),
            "dev_cross_validated": cross,
            "heldout": accuracy(heldout, fitted),
        },
    }


def main(argv: Sequence[str] | None = None) -> Path:
    """Fit on dev, report dev and held-out accuracy with the shipped and fitted weights.

    Prints the figures and writes them to ``<results-dir>/key_sentences.json``; returns its path.
    """
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--l2", type=float, default=DEFAULT_L2)
    parser.add_argument("--corpora", help="comma-separated: seeds, bbc, realworld (default all)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpora = args.corpora.split(",") if args.corpora else None
    examples = collect(load_embedder(), corpora=corpora)
    payload = summarize(examples, l2=args.l2, corpora=corpora)
    print(json.dumps(payload, indent=1))
    path = write_result(
        "key_sentences", payload, quick=False, started=started, directory=args.results_dir
    )
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main()
