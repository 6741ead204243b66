"""Elliptical questions are told from questions that stand on their own."""

from __future__ import annotations

import pytest

from retrieval.query.ellipsis import is_fragment, read_question


@pytest.mark.parametrize(
    "question",
    [
        "and in 2019?",
        "But what did the minister say?",
        "what about Finland?",
        "How about the second vote?",
        "who else signed it?",
        "Why did she resign?",
        "what did their lawyers argue?",
        "the bison?",
        "why?",
        "when exactly?",
        "How much did it cost?",
        "Where is that?",
        "Who paid for the repairs?",
        "who resigned?",
    ],
)
def test_elliptical(question: str) -> None:
    assert read_question(question).elliptical


@pytest.mark.parametrize(
    "question",
    [
        "What did the Finnish parliament vote on?",
        "Who won the 2019 election in Peru?",
        "How many wolves live in Yellowstone?",
        "What is inflation doing to bread prices?",
        "Is Oslo building a new harbour bridge?",
        "",
    ],
)
def test_stands_alone(question: str) -> None:
    assert not read_question(question).elliptical


def test_an_opening_is_split_off_and_a_switch_keeps_its_words() -> None:
    reading = read_question("and what about the ferry fares?")
    assert (reading.body, reading.shown, reading.switch) == (
        "the ferry fares",
        "what about the ferry fares",
        True,
    )
    assert read_question("And who paid?").body == "who paid"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("in 2019", True),
        ("Finland", True),
        ("the bison", True),
        ("why there", True),
        ("why was it closed", False),
        ("did it close", False),
        ("the long history of the bridge", False),
    ],
)
def test_is_fragment(body: str, fragment: bool) -> None:
    assert is_fragment(body) is fragment
