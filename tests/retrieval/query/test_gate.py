"""Tests of retrieval.query.gate: answer on evidence, refuse what the articles cannot know."""

from __future__ import annotations

import pytest

from retrieval import Engine, Refusal
from retrieval.query.gate import unknown_names


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("What was agreed at the CIS summit in Astana?", ["Astana"]),
        ("Where was the summit held in October?", []),  # a month, not a name
        ("Why is Moscow annoyed about the ICC?", []),  # an acronym the articles may spell out
        ("What is the population of Brazil?", []),  # a name the model knows: other evidence
        ("Did Lukashenko wear Putin's ring?", []),  # names the articles use
    ],
)
def test_unknown_names(seed_engine: Engine, question: str, names: list[str]) -> None:
    assert unknown_names(seed_engine.index, question) == names


@pytest.mark.parametrize("question", ["Hermitage", "Lukashenko ring", "Meduza"])
def test_keywords_the_articles_use_are_answered(seed_engine: Engine, question: str) -> None:
    answer = seed_engine.answer(question)
    assert answer.answered, question


@pytest.mark.parametrize(
    "question",
    [
        "What was agreed at the CIS summit in Astana in October 2022?",
        "What is the GDP of Kazakhstan?",
        "What's the weather forecast for Moscow tomorrow?",
    ],
)
def test_close_but_uncovered_questions_are_refused(seed_engine: Engine, question: str) -> None:
    answer = seed_engine.answer(question)
    assert not answer.answered
    assert answer.refusal is Refusal.NOT_COVERED


@pytest.mark.parametrize(
    ("question", "year"),
    [("Did Putin attend the 2018 Olympics?", 2018), ("Who won the World Cup in 2018?", 2018)],
)
def test_a_year_the_articles_cannot_know_is_refused(
    seed_engine: Engine, question: str, year: int
) -> None:
    answer = seed_engine.answer(question)
    assert not answer.answered
    assert answer.refusal in (Refusal.PERIOD_NOT_COVERED, Refusal.NOT_COVERED)
    if answer.refusal is Refusal.PERIOD_NOT_COVERED:
        assert answer.unknown_year == year
