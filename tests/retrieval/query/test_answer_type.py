"""Tests of retrieval.query.answer_type: what a question asks for, and which sentences say it."""

from __future__ import annotations

import pytest

from retrieval.query.answer_type import Asks, asks, carries, carries_new


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many people were hurt in the blast?", Asks.NUMBER),
        ("how much did the new stadium cost", Asks.NUMBER),
        ("What age was the singer when she died?", Asks.NUMBER),
        ("How old is the new coach?", Asks.NUMBER),
        ("When did the strike end?", Asks.TIME),
        ("In what year was the bridge opened?", Asks.TIME),
        ("Why was the concert cancelled?", Asks.REASON),
        ("What caused the power cut?", Asks.REASON),
        ("Where will the final be played?", Asks.PLACE),
        ("Which city hosts the summit?", Asks.PLACE),
        ("Who replaced the chairman?", Asks.PERSON),
        ("Which company bought the brewery?", Asks.PERSON),
        ("What did the minister say about taxes?", Asks.OTHER),
        ("flood barrier", Asks.OTHER),
    ],
)
def test_asks(question: str, kind: Asks) -> None:
    assert asks(question) is kind


@pytest.mark.parametrize(
    ("sentence", "kind", "expected"),
    [
        ("Officials said 42 people were hurt.", Asks.NUMBER, True),
        ("Three hundred fans waited outside.", Asks.NUMBER, True),
        ("Fans waited outside the ground.", Asks.NUMBER, False),
        ("The strike ended on 4 March after talks.", Asks.TIME, True),
        ("The strike ended after talks.", Asks.TIME, False),
        ("It was called off because of the storm.", Asks.REASON, True),
        ("The final will be played at Wembley Stadium.", Asks.PLACE, True),
        ("The club appointed Maria Lopez as chairwoman.", Asks.PERSON, True),
    ],
)
def test_carries(sentence: str, kind: Asks, expected: bool) -> None:
    assert carries(sentence, kind) is expected


def test_a_number_the_question_already_names_is_not_the_answer() -> None:
    question = "How many homes lost power in 2021?"
    assert not carries_new("In 2021 many homes lost power.", question, Asks.NUMBER)
    assert carries_new("In 2021, 12,000 homes lost power.", question, Asks.NUMBER)
