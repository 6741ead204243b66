"""Answer quality: does the cited excerpt quote the sentence that answers the question?

Runs every hand-written question set through the real ``Engine.answer`` over its own corpus
index, and reports, per set, per group and per split (``dev`` is what tuning may look at;
``heldout`` is never tuned on):

- the right article first, and in the top 3 citations;
- the answering phrase in the first excerpt, in any of the top 3, and in citation 1's bold
  key sentence;
- false refusals (answerable questions refused), refusal recall and precision;
- for follow-up conversations, the same on the second and third turns;
- the whole-passage peer: dense + BM25 fused (``hybrid_search``), one passage per article,
  the whole ~100-word passage shown (no sentence choice, no refusals).

Sets: ``seed`` (tests/data/seed_questions.jsonl, over seeds/), ``bbc``
(benchmarks/data/bbc_questions.jsonl, over the BBC corpus), ``answer``
(benchmarks/data/answer_questions.jsonl, over the seeds, BBC and the real news pages) and
``realworld`` (the question of each page in the real-news development set).

``python -m benchmarks.answers`` (``--sets``, ``--split``, ``--failures`` to print misses).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import data_dir
from benchmarks.bbc import bbc_index
from benchmarks.results import CACHE_DIR, RESULTS_DIR, ROOT, summarize_ms, write_result
from retrieval import Answer, Embedder, Engine, RetrievalError, load_embedder
from retrieval.query.followup import Turn as ConversationTurn
from retrieval.query.search import hybrid_search

SEEDS = ROOT / "seeds"
SEED_QUESTIONS = ROOT / "tests" / "data" / "seed_questions.jsonl"
BBC_QUESTIONS = ROOT / "benchmarks" / "data" / "bbc_questions.jsonl"
ANSWER_QUESTIONS = ROOT / "benchmarks" / "data" / "answer_questions.jsonl"
REALWORLD = data_dir.dataset_dir(data_dir.REALWORLD)
TOP_K = 9


@dataclass(frozen=True, slots=True)
class Turn:
    """One question to ask, and what answers it (None when it must be refused)."""

    question: str
    sources: frozenset[str] | None
    phrase: str | None


@dataclass(frozen=True, slots=True)
class Item:
    """A question (or a conversation of several turns) from a set."""

    id: str
    corpus: str
    group: str
    split: str
    turns: tuple[Turn, ...]


@dataclass(slots=True)
class Judged:
    """How one turn went."""

    item: Item
    turn: int
    answerable: bool
    answered: bool
    top1: bool = False
    top3: bool = False
    phrase1: bool = False
    phrase3: bool = False
    key1: bool = False
    baseline3: bool = False
    cited: list[str] = field(default_factory=list)
    key_sentence: str = ""
    understood_as: str | None = None


def normal(text: str) -> str:
    """Case-folded, quotes straightened, whitespace collapsed: how phrases are matched."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().casefold()


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _turn(record: dict[str, Any]) -> Turn:
    if record.get("answerable", True) is False:
        return Turn(record["question"], None, None)
    sources = frozenset([record["source"], *(record.get("also_ok") or [])])
    return Turn(record["question"], sources, record["must_contain"])


def load_items(name: str) -> list[Item]:
    """The items of one question set."""
    if name in ("seed", "bbc"):
        path = SEED_QUESTIONS if name == "seed" else BBC_QUESTIONS
        corpus = "seeds" if name == "seed" else "bbc"
        return [
            Item(f"{name}-{n:03d}", corpus, name, "dev", (_turn(r),))
            for n, r in enumerate(_lines(path), start=1)
        ]
    if name == "answer":
        items = []
        for record in _lines(ANSWER_QUESTIONS):
            turns = record.get("turns") or [record]
            items.append(
                Item(
                    record["id"],
                    record["corpus"],
                    record["group"],
                    record.get("split", "dev"),
                    tuple(_turn(t) for t in turns),
                )
            )
        return items
    if name == "realworld":
        return [
            Item(
                f"realworld-{n:03d}",
                "realworld",
                "realworld",
                "dev",
                (Turn(r["question"], frozenset([r["file"]]), r["question_key"]),),
            )
            for n, r in enumerate(_lines(REALWORLD / "truth.jsonl"), start=1)
        ]
    raise ValueError(f"unknown question set {name!r}")


# -- indexes -----------------------------------------------------------------------------------


def _realworld_folder(cache_dir: Path) -> Path:
    folder = cache_dir / "realworld-pages"
    if folder.is_dir():
        return folder
    temporary = cache_dir / "realworld-pages.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    for page in sorted((REALWORLD / "pages").glob("*.gz")):
        (temporary / page.name.removesuffix(".gz")).write_bytes(gzip.decompress(page.read_bytes()))
    temporary.replace(folder)
    return folder


def corpus_engine(corpus: str, embedder: Embedder, *, cache_dir: Path = CACHE_DIR) -> Engine:
    """An engine over the corpus's cached index, built (or rebuilt for a new format) once."""
    if corpus == "bbc":
        index_dir, _ = bbc_index(embedder, cache_dir=cache_dir)
        return Engine.open(index_dir, embedder=embedder)
    source = SEEDS if corpus == "seeds" else _realworld_folder(cache_dir)
    index_dir = cache_dir / f"answers-{corpus}-{embedder.model_hash[:12]}"
    engine = Engine(index_dir, embedder=embedder)
    try:
        engine.reload()
    except RetrievalError:
        engine.ingest([source], rebuild=True)
    return engine


# -- judging -----------------------------------------------------------------------------------


def _baseline_has_phrase(engine: Engine, turn: Turn, question: str) -> bool:
    """The whole-passage peer: the fused top passage of each of the first three articles."""
    if turn.phrase is None or turn.sources is None:
        return False
    snapshot = engine.index
    vector = engine.embedder.embed_queries([question])[0]
    seen: list[int] = []
    sources: set[str] = set()
    for hit in hybrid_search(snapshot, vector, question, k=50):
        if hit.source not in sources:
            sources.add(hit.source)
            seen.append(hit.row)
        if len(seen) == 3:
            break
    phrase = normal(turn.phrase)
    return any(
        snapshot.chunks.sources[row] in turn.sources and phrase in normal(snapshot.chunk_text(row))
        for row in seen
    )


def judge(item: Item, index: int, answer: Answer, *, baseline: bool) -> Judged:
    """Compare one answer with what the turn expects."""
    turn = item.turns[index]
    cited = [c.source for c in answer.citations] if answer.answered else []
    judged = Judged(
        item=item,
        turn=index + 1,
        answerable=turn.sources is not None,
        answered=answer.answered,
        cited=cited[:3],
        key_sentence=answer.citations[0].key_sentence if cited else "",
        understood_as=answer.understood_as,
    )
    if turn.sources is None or turn.phrase is None:
        return judged
    phrase = normal(turn.phrase)
    good = [c for c in answer.citations[:3] if c.source in turn.sources] if cited else []
    judged.top1 = bool(cited) and cited[0] in turn.sources
    judged.top3 = bool(good)
    judged.phrase1 = judged.top1 and phrase in normal(answer.citations[0].excerpt)
    judged.phrase3 = any(phrase in normal(c.excerpt) for c in good)
    judged.key1 = judged.top1 and phrase in normal(answer.citations[0].key_sentence)
    judged.baseline3 = baseline
    return judged


Ask = Callable[[Engine, str, Sequence[ConversationTurn]], Answer]


def ask_in_conversation(
    engine: Engine, question: str, history: Sequence[ConversationTurn]
) -> Answer:
    """Ask ``question`` as the next turn of a conversation (a follow-up when it is one)."""
    return engine.answer(question, top_k=TOP_K, previous=history)


def run_items(
    items: Sequence[Item], engines: dict[str, Engine], *, ask: Ask = ask_in_conversation
) -> tuple[list[Judged], list[float]]:
    """Ask every turn of every item; return the judgements and the answer latencies."""
    judged: list[Judged] = []
    latencies: list[float] = []
    for item in items:
        engine = engines[item.corpus]
        history: list[ConversationTurn] = []
        for index, turn in enumerate(item.turns):
            started = time.perf_counter()
            answer = ask(engine, turn.question, history)
            latencies.append(time.perf_counter() - started)
            asked = answer.understood_as or turn.question
            baseline = _baseline_has_phrase(engine, turn, asked)
            judged.append(judge(item, index, answer, baseline=baseline))
            history.append(ConversationTurn(asked, answer))
    return judged, latencies


def _rate(values: Sequence[bool]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def summarize(rows: Sequence[Judged]) -> dict[str, Any]:
    """The figures of a group of judged turns."""
    first = [r for r in rows if r.turn == 1]
    later = [r for r in rows if r.turn > 1]
    answerable = [r for r in first if r.answerable]
    refusals = [r for r in first if not r.answerable]
    refused = [r for r in first if not r.answered]
    summary: dict[str, Any] = {
        "questions": len(first),
        "answerable": len(answerable),
        "must_refuse": len(refusals),
        "top1_article": _rate([r.top1 for r in answerable]),
        "top3_article": _rate([r.top3 for r in answerable]),
        "phrase_top1_excerpt": _rate([r.phrase1 for r in answerable]),
        "phrase_top3_excerpts": _rate([r.phrase3 for r in answerable]),
        "phrase_key_sentence_1": _rate([r.key1 for r in answerable]),
        "whole_passage_phrase_top3": _rate([r.baseline3 for r in answerable]),
        "false_refusals": sum(1 for r in answerable if not r.answered),
        "refusal_recall": _rate([not r.answered for r in refusals]),
        "refusal_precision": (
            round(sum(1 for r in refused if not r.answerable) / len(refused), 4)
            if refused
            else None
        ),
    }
    if later:
        summary["followup_turns"] = len(later)
        summary["followup_top3_article"] = _rate([r.top3 for r in later if r.answerable])
        summary["followup_phrase_top3"] = _rate([r.phrase3 for r in later if r.answerable])
    return summary


def _failure(row: Judged) -> dict[str, Any]:
    """One miss as the result file keeps it: which item, and what went wrong.

    No article text: the key sentence quotes the page, and the evaluation pages are not
    published (``--failures`` prints it on the console).
    """
    return {
        "id": row.item.id,
        "turn": row.turn,
        "group": row.item.group,
        "split": row.item.split,
        "answered": row.answered,
        "cited": row.cited,
        "right_article": row.top1,
        "phrase_in_excerpt": row.phrase1,
        "phrase_in_key_sentence": row.key1,
    }


def _printed_failure(row: Judged) -> dict[str, Any]:
    turn = row.item.turns[row.turn - 1]
    return {
        **_failure(row),
        "question": turn.question,
        "understood_as": row.understood_as,
        "expected": sorted(turn.sources) if turn.sources else None,
        "phrase": turn.phrase,
        "key_sentence": row.key_sentence,
    }


def _is_miss(row: Judged) -> bool:
    if not row.answerable:
        return row.answered
    return not (row.top1 and row.phrase1 and row.key1)


def evaluate(
    sets: Sequence[str],
    embedder: Embedder,
    *,
    split: str = "all",
    corpora: Sequence[str] | None = None,
    misses: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Run the named sets; figures per set, per split and (for ``answer``) per group.

    ``misses``, when given, receives every miss with its question, phrase and key sentence.
    """
    items = {
        name: [i for i in load_items(name) if corpora is None or i.corpus in corpora]
        for name in sets
    }
    items = {name: group for name, group in items.items() if group}
    used = sorted({i.corpus for group in items.values() for i in group})
    engines = {corpus: corpus_engine(corpus, embedder) for corpus in used}
    for engine in engines.values():
        engine.answer("warm up the model and caches")
    payload: dict[str, Any] = {}
    for name, group in items.items():
        chosen = [i for i in group if split in ("all", i.split)]
        rows, latencies = run_items(chosen, engines)
        result: dict[str, Any] = {"all": summarize(rows), "latency": summarize_ms(latencies)}
        for part in ("dev", "heldout"):
            part_rows = [r for r in rows if r.item.split == part]
            if part_rows and len(part_rows) != len(rows):
                result[part] = summarize(part_rows)
        if name == "answer":
            result["groups"] = {
                g: summarize([r for r in rows if r.item.group == g])
                for g in sorted({r.item.group for r in rows})
            }
        result["failures"] = [_failure(r) for r in rows if _is_miss(r)]
        payload[name] = result
        if misses is not None:
            misses[name] = [_printed_failure(r) for r in rows if _is_miss(r)]
    return payload


def _print(payload: dict[str, Any], misses: dict[str, list[dict[str, Any]]]) -> None:
    columns = (
        ("top1_article", "art@1"),
        ("top3_article", "art@3"),
        ("phrase_top1_excerpt", "ph@1"),
        ("phrase_top3_excerpts", "ph@3"),
        ("phrase_key_sentence_1", "key1"),
        ("whole_passage_phrase_top3", "base3"),
        ("false_refusals", "falseref"),
        ("refusal_recall", "refrec"),
        ("refusal_precision", "refprec"),
        ("followup_top3_article", "fu@3"),
    )
    print(f"{'set/part':28}" + "".join(f"{short:>9}" for _, short in columns))
    for name, result in payload.items():
        parts = [("all", result["all"])]
        parts += [(p, result[p]) for p in ("dev", "heldout") if p in result]
        parts += [(f"  {g}", s) for g, s in result.get("groups", {}).items()]
        for part, summary in parts:
            cells = []
            for key, _ in columns:
                value = summary.get(key)
                cells.append(
                    "-"
                    if value is None
                    else f"{value:.3f}"
                    if isinstance(value, float)
                    else str(value)
                )
            print(f"{(name + '/' + part):28}" + "".join(f"{c:>9}" for c in cells))
    for name, printed in misses.items():
        for miss in printed:
            print(json.dumps({"set": name, **miss}, ensure_ascii=False))


def main(argv: Sequence[str] | None = None) -> Path:
    """Command-line entry point; returns the result file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sets", default="seed,bbc,answer,realworld", help="comma-separated set names"
    )
    parser.add_argument("--split", choices=("all", "dev", "heldout"), default="all")
    parser.add_argument("--failures", action="store_true", help="print every miss")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--name", default="answers", help="result file name")
    parser.add_argument("--corpora", help="only these corpora: seeds, bbc, realworld")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpora = args.corpora.split(",") if args.corpora else None
    misses: dict[str, list[dict[str, Any]]] = {}
    payload = evaluate(
        args.sets.split(","),
        load_embedder(),
        split=args.split,
        corpora=corpora,
        misses=misses if args.failures else None,
    )
    _print(payload, misses)
    path = write_result(
        args.name, payload, quick=False, started=started, directory=args.results_dir
    )
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main()
