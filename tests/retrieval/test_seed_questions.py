"""The seed question set: right article in the top 3, answer phrase quoted, off-topic refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from retrieval import Answer, Engine, Refusal
from tests.support import paths

QUESTIONS = paths.SEED_QUESTIONS
MIN_HIT_AT_3 = 0.9
MIN_PHRASE_RATE = 0.7
MIN_REFUSAL_ACCURACY = 0.9


def _load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]


@dataclass(frozen=True)
class _Outcome:
    question: str
    hit_at_3: bool
    phrase_found: bool


def _judge(item: dict[str, Any], answer: Answer) -> _Outcome:
    wanted = {item["source"], *item.get("also_ok", [])}
    top3 = answer.citations[:3]
    cited = {c.source for c in top3} | {r.source for c in top3 for r in c.also_reported_by}
    phrase = item["must_contain"].lower()
    return _Outcome(
        question=item["question"],
        hit_at_3=bool(wanted & cited),
        phrase_found=any(phrase in " ".join(c.excerpt.split()).lower() for c in top3),
    )


def test_question_set_is_well_formed() -> None:
    items = _load()
    answerable = [i for i in items if i.get("answerable", True)]
    assert len(answerable) >= 25
    assert len(items) - len(answerable) >= 10
    seeds = {p.name for p in (QUESTIONS.parents[2] / "seeds").iterdir()}
    assert all(i["source"] in seeds for i in answerable)


def test_answerable_questions_cite_the_right_article(
    seed_engine: Engine, report_metric: Callable[[str], None]
) -> None:
    items = [i for i in _load() if i.get("answerable", True)]
    outcomes = [_judge(i, seed_engine.answer(i["question"], top_k=3)) for i in items]
    hit_rate = sum(o.hit_at_3 for o in outcomes) / len(outcomes)
    phrase_rate = sum(o.phrase_found for o in outcomes) / len(outcomes)
    report_metric(
        f"seed questions: hit@3 = {hit_rate:.3f}, phrase in excerpt = {phrase_rate:.3f} "
        f"over {len(outcomes)} answerable questions"
    )
    for outcome in outcomes:
        if not (outcome.hit_at_3 and outcome.phrase_found):
            print(
                f"  miss (hit@3={outcome.hit_at_3}, phrase={outcome.phrase_found}): "
                f"{outcome.question}"
            )
    assert hit_rate >= MIN_HIT_AT_3
    assert phrase_rate >= MIN_PHRASE_RATE


def test_refusals_are_calibrated(
    seed_engine: Engine, report_metric: Callable[[str], None]
) -> None:
    items = _load()
    correct = 0
    wrong = []
    for item in items:
        answerable = item.get("answerable", True)
        answered = seed_engine.answer(item["question"]).answered
        if answered == answerable:
            correct += 1
        else:
            wrong.append(("answered" if answered else "refused", item["question"]))
    accuracy = correct / len(items)
    report_metric(f"seed questions: refusal accuracy = {accuracy:.3f} over {len(items)} questions")
    for verdict, question in wrong:
        print(f"  wrongly {verdict}: {question}")
    assert accuracy >= MIN_REFUSAL_ACCURACY


@pytest.mark.parametrize(
    "question",
    [item["question"] for item in _load() if not item.get("answerable", True)][:6],
)
def test_off_topic_question_gets_not_found(seed_engine: Engine, question: str) -> None:
    answer = seed_engine.answer(question)
    assert not answer.answered
    assert answer.citations == ()
    assert answer.refusal is Refusal.NOT_COVERED
