"""Both backends answer alike: the same citations, scores, refusals, key sentences and notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval import Embedder, Engine, PostgresEngine, Turn, continue_conversation
from retrieval.query.names import name_variants
from tests.support.paths import SEED_QUESTIONS

QUESTIONS = [json.loads(line)["question"] for line in SEED_QUESTIONS.read_text().splitlines()]
FOLLOW_UPS = [
    ("and in 2022?", ["Where was the 2023 summit held?"]),
    ("who else was there?", ["Who put Putin's ring on his finger?"]),
]
RELATIVE = ["What happened today?", "What was reported this week about Putin?"]
NAMED = [
    "Which countries are full members of the Commonwealth of Independent States?",
    "Why did Pashinyan refuse to sign the Collective Security Treaty Organization communique?",
    "What gift did Putin hand out to the CIS leaders?",
]
"""Questions naming something the seeds also call otherwise: BM25 scores each wording."""


def test_every_seed_question_gets_the_same_answer_from_both_backends(
    seed_engine: Engine, pg_seed_engine: PostgresEngine
) -> None:
    for question in [*QUESTIONS, *RELATIVE]:
        embedded = seed_engine.answer(question, top_k=5).to_dict()
        postgres = pg_seed_engine.answer(question, top_k=5).to_dict()
        assert postgres == embedded, question


def test_names_written_two_ways_are_scored_alike_by_both_backends(
    seed_engine: Engine, pg_seed_engine: PostgresEngine
) -> None:
    for question in NAMED:
        assert len(name_variants(question, seed_engine.index.aliases)) > 1, question
        embedded = seed_engine.answer(question, top_k=5).to_dict()
        postgres = pg_seed_engine.answer(question, top_k=5).to_dict()
        assert postgres == embedded, question
        assert embedded["citations"], question


@pytest.mark.parametrize(("question", "previous"), FOLLOW_UPS)
def test_follow_ups_are_answered_alike(
    seed_engine: Engine, pg_seed_engine: PostgresEngine, question: str, previous: list[str]
) -> None:
    answers = []
    for engine in (seed_engine, pg_seed_engine):
        turns: tuple[Turn, ...] = ()
        for earlier in previous:
            turns = continue_conversation(turns, engine.answer(earlier))
        answers.append(engine.answer(question, previous=turns).to_dict())
    embedded, postgres = answers
    assert postgres == embedded
    assert postgres["understood_as"]


def test_hnsw_search_finds_what_the_exact_scan_finds(
    seed_database_url: str, embedder: Embedder, pg_seed_engine: PostgresEngine
) -> None:
    approximate = PostgresEngine(
        Path("unused"), database_url=seed_database_url, embedder=embedder, ann_threshold=0
    )
    try:
        for question in QUESTIONS[:20]:
            exact = pg_seed_engine.answer(question).to_dict()
            assert approximate.answer(question).to_dict() == exact, question
    finally:
        approximate.close()


def test_stats_and_article_list_match_the_embedded_index(
    seed_engine: Engine, pg_seed_engine: PostgresEngine
) -> None:
    assert pg_seed_engine.articles() == seed_engine.articles()
    embedded, postgres = seed_engine.stats(), pg_seed_engine.stats()
    assert (postgres.articles, postgres.passages, postgres.newest, postgres.oldest) == (
        embedded.articles,
        embedded.passages,
        embedded.newest,
        embedded.oldest,
    )
    assert postgres.backend == "postgres"
    assert postgres.location.startswith("postgresql://")
