"""Question cleaning: what users type becomes what the engine searches for."""

from __future__ import annotations

import pytest

from retrieval.query.question import MAX_QUESTION_CHARS, clean_question


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Who  won?\n\tNow ", "Who won? Now"),
        ("Putin\x00\x07 rings\x1b[31m", "Putin rings[31m"),
        ("\u202eevil\u202c te\u200bxt", "evil text"),
        ("Что Путин подарил?", "Что Путин подарил?"),
        ("", ""),
    ],
)
def test_clean_question(raw: str, expected: str) -> None:
    assert clean_question(raw).text == expected


@pytest.mark.parametrize("raw", ["", "   ", "🤔🔥", "?!", "\u200b\u200d"])
def test_unusable_questions(raw: str) -> None:
    assert not clean_question(raw).usable


def test_long_question_is_cut_at_a_word() -> None:
    question = clean_question("word " * 1000)

    assert question.truncated
    assert len(question.text) <= MAX_QUESTION_CHARS
    assert question.text.endswith("word")
