"""How a question is worded: misspellings, transliterated names, other languages (seed index)."""

from __future__ import annotations

import pytest

from retrieval import Engine, Refusal

ALIYEV_SOURCE = "003_db38b9538e43ca07.txt"
RING_SOURCES = {"000_b30ef85aa944bbd8.txt", "002_a25b924e6705389f.txt"}


def test_misspelt_words_are_corrected_and_answered(seed_engine: Engine) -> None:
    answer = seed_engine.answer("Why did Aliyev not atend the informal summt?")
    assert answer.corrected == "Why did Aliyev not attend the informal summit?"
    assert answer.answered
    assert answer.citations[0].source == ALIYEV_SOURCE
    assert "heavy work schedule" in answer.citations[0].key_sentence


def test_a_transliterated_name_finds_the_corpus_spelling(seed_engine: Engine) -> None:
    answer = seed_engine.answer("Where did Lukashenka wear Putin's gift?")
    assert answer.corrected == "Where did Lukashenko wear Putin's gift?"
    assert answer.answered
    assert answer.citations[0].source in RING_SOURCES
    assert any("Lukashenko" in c.excerpt and "finger" in c.excerpt for c in answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        "Where was the summit held?",  # every word known
        "Did the summit discuss bananas?",  # an English word the articles lack
        "Who is Mirziyoyev?",  # a name the articles never mention, nothing close
    ],
)
def test_correct_questions_are_left_alone(seed_engine: Engine, question: str) -> None:
    assert seed_engine.answer(question).corrected is None


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Где прошла встреча лидеров СНГ в Санкт-Петербурге?", "ru"),
        ("Чи приїхав Алієв на зустріч у Петербурзі?", "uk"),
        ("Welche Geschenke hat Putin den Staatschefs gemacht?", "de"),
    ],
)
def test_other_languages_are_refused_as_such(
    seed_engine: Engine, question: str, language: str
) -> None:
    answer = seed_engine.answer(question)
    assert not answer.answered
    assert answer.refusal is Refusal.OTHER_LANGUAGE
    assert answer.language == language


def test_short_english_questions_with_names_stay_english(seed_engine: Engine) -> None:
    for question in ("Lukashenko", "Tokayev Bishkek", "Pashinyan CSTO communique"):
        answer = seed_engine.answer(question)
        assert answer.language is None
        assert answer.refusal is not Refusal.OTHER_LANGUAGE


@pytest.mark.parametrize(
    ("singular", "plural"),
    [("Who got a ring?", "Who got rings?"), ("Who received a ring?", "Who received rings?")],
)
def test_singular_or_plural_does_not_decide_the_answer(
    seed_engine: Engine, singular: str, plural: str
) -> None:
    one, many = seed_engine.answer(singular), seed_engine.answer(plural)
    assert one.answered and many.answered
    assert {c.source for c in many.citations[:2]} & RING_SOURCES
