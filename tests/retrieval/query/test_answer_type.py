"""Tests of retrieval.query.answer_type: what a question asks for, and which sentences say it."""

from __future__ import annotations

import pytest

from retrieval.query.answer_type import (
    Asks,
    Detail,
    asked_detail,
    asks,
    asks_overview,
    carries,
    carries_detail,
    carries_new,
)


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


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("How old was the singer when she sued?", Detail.AGE),
        ("At what age did he retire?", Detail.AGE),
        ("How much did the memoirs cost?", Detail.MONEY),
        ("What price did the shares fetch?", Detail.MONEY),
        ("By how much did profits grow?", Detail.SHARE),
        ("What percentage of voters backed the plan?", Detail.SHARE),
        ("How long is the striker's new contract?", Detail.DURATION),
        ("How many people were hurt?", None),
        ("Who won the cup?", None),
    ],
)
def test_asked_detail(question: str, detail: Detail | None) -> None:
    assert asked_detail(question) is detail


@pytest.mark.parametrize(
    ("sentence", "detail", "expected"),
    [
        ("The 22-year-old star missed the show.", Detail.AGE, True),
        ("She celebrated her 25th birthday on Wednesday.", Detail.AGE, True),
        ("She missed eight shows in 2004.", Detail.AGE, False),
        ("The book was priced at $19.95.", Detail.MONEY, True),
        ("Repairs cost 240,000 pounds.", Detail.MONEY, True),
        ("Profit rose 17.6 percent.", Detail.MONEY, False),
        ("Profit rose 17.6 percent.", Detail.SHARE, True),
        ("Turnout was 12%.", Detail.SHARE, True),
        ("He signed a five-month contract.", Detail.DURATION, True),
        ("The talks lasted 3 hours.", Detail.DURATION, True),
        ("He signed for the club on Monday.", Detail.DURATION, False),
    ],
)
def test_carries_detail(sentence: str, detail: Detail, expected: bool) -> None:
    assert carries_detail(sentence, detail) is expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What happened at the summit?", True),
        ("What is the latest news about the CIS?", True),
        ("Any recent news on the ferry?", True),
        ("Why did the engineers work through the night?", False),
        ("Who won the cup?", False),
    ],
)
def test_asks_overview(question: str, expected: bool) -> None:
    assert asks_overview(question) is expected
