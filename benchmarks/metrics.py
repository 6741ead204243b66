"""Ranking metrics as BEIR/pytrec_eval compute them: nDCG@k, Recall@k, MRR@k, hit@k."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Qrels = Mapping[str, Mapping[str, int]]
Run = Mapping[str, Sequence[str]]


def ndcg_at_k(relevant: Mapping[str, int], ranking: Sequence[str], k: int) -> float:
    """nDCG@k with graded gains ``rel`` and a ``log2(rank + 1)`` discount (trec_eval's ndcg_cut).

    The ideal ranking sorts every judged document by grade; documents judged 0 add nothing.
    """
    dcg = sum(relevant.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranking[:k]))
    ideal_gains = sorted((g for g in relevant.values() if g > 0), reverse=True)[:k]
    ideal = sum(g / math.log2(rank + 2) for rank, g in enumerate(ideal_gains))
    return dcg / ideal if ideal > 0 else 0.0


def recall_at_k(relevant: Mapping[str, int], ranking: Sequence[str], k: int) -> float:
    """Share of the relevant (grade > 0) documents found in the top ``k``."""
    wanted = {doc for doc, grade in relevant.items() if grade > 0}
    if not wanted:
        return 0.0
    return len(wanted.intersection(ranking[:k])) / len(wanted)


def mrr_at_k(relevant: Mapping[str, int], ranking: Sequence[str], k: int) -> float:
    """Reciprocal rank of the first relevant document in the top ``k`` (0 when none)."""
    for rank, doc in enumerate(ranking[:k]):
        if relevant.get(doc, 0) > 0:
            return 1.0 / (rank + 1)
    return 0.0


def mean_metrics(qrels: Qrels, run: Run, *, ndcg: int = 10, recall: int = 100) -> dict[str, float]:
    """Mean nDCG@``ndcg``, Recall@``recall`` and MRR@10 over the judged queries of ``run``.

    Queries in ``qrels`` without a ranking count as zeros, as in BEIR.
    """
    queries = [q for q in qrels if any(g > 0 for g in qrels[q].values())]
    if not queries:
        return {f"ndcg@{ndcg}": 0.0, f"recall@{recall}": 0.0, "mrr@10": 0.0, "queries": 0}
    totals = {"ndcg": 0.0, "recall": 0.0, "mrr": 0.0}
    for query in queries:
        ranking = run.get(query, [])
        totals["ndcg"] += ndcg_at_k(qrels[query], ranking, ndcg)
        totals["recall"] += recall_at_k(qrels[query], ranking, recall)
        totals["mrr"] += mrr_at_k(qrels[query], ranking, 10)
    n = len(queries)
    return {
        f"ndcg@{ndcg}": round(totals["ndcg"] / n, 5),
        f"recall@{recall}": round(totals["recall"] / n, 5),
        "mrr@10": round(totals["mrr"] / n, 5),
        "queries": n,
    }
