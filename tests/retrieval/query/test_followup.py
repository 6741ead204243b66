"""Follow-ups are rewritten from the previous question and answer; other questions are not."""

from __future__ import annotations

import pytest

from retrieval.query.followup import MAX_TURNS, Turn, continue_conversation, rewrite_followup
from retrieval.records import Answer, Citation, Refusal


def _answer(question: str, key_sentence: str = "", title: str = "A story") -> Answer:
    if not key_sentence:
        return Answer(question, refusal=Refusal.NOT_COVERED)
    excerpt = f"Before. {key_sentence} After."
    start = excerpt.index(key_sentence)
    citation = Citation(
        rank=1,
        excerpt=excerpt,
        highlight=(start, start + len(key_sentence)),
        score=1.0,
        title=title,
        publisher=None,
        published=None,
        url=None,
        source="a.txt",
    )
    return Answer(question, citations=(citation,))


def _after(question: str, key_sentence: str = "", title: str = "A story") -> list[Turn]:
    return [Turn(question, _answer(question, key_sentence, title))]


HARBOUR = _after(
    "When did Norway open the Lysaker harbour bridge?",
    "Mayor Ingrid Dahl opened the bridge in March.",
    "Oslo gets a new bridge",
)
SINGER = _after(
    "Why did Maria Lopez cancel her tour?",
    "The singer said her doctors told her to rest.",
    "Lopez cancels world tour",
)


@pytest.mark.parametrize(
    "question",
    [
        "What did the Danish government decide about wind farms?",
        "Who won the 2019 Tour de France?",
        "How many people live in Reykjavik?",
        "What is inflation doing to bread prices in Kenya?",
    ],
)
def test_a_question_that_names_its_subject_stands_alone(question: str) -> None:
    assert rewrite_followup(question, HARBOUR) is None


def test_nothing_is_a_followup_without_a_conversation() -> None:
    assert rewrite_followup("and in 2023?", []) is None


@pytest.mark.parametrize(
    ("question", "understood"),
    [
        ("and in 2021?", "When did Norway open the Lysaker harbour bridge in 2021?"),
        ("what about 2019?", "When did Norway open the Lysaker harbour bridge in 2019?"),
        ("In 2018?", "When did Norway open the Lysaker harbour bridge in 2018?"),
    ],
)
def test_a_new_year_replaces_the_old_one(question: str, understood: str) -> None:
    assert rewrite_followup(question, HARBOUR) == understood


def test_a_year_in_the_previous_question_is_swapped_not_added() -> None:
    previous = _after("Who chaired the water summit in 2016?")
    assert rewrite_followup("and in 2020?", previous) == "Who chaired the water summit in 2020?"


def test_a_new_name_takes_the_place_of_the_old_one() -> None:
    previous = _after("How much does Spotify Premium cost?", "It costs $10 a month.")
    assert rewrite_followup("what about Deezer?", previous) == "How much does Deezer cost?"
    assert rewrite_followup("and Tidal?", previous) == "How much does Tidal cost?"


def test_a_new_thing_takes_the_place_of_what_was_counted() -> None:
    previous = _after("How many wolves were released in Yellowstone?", "Officials released 14.")
    assert rewrite_followup("and the bison?", previous) == (
        "How many bison were released in Yellowstone?"
    )


@pytest.mark.parametrize("question", ["and?", "what about it?", "tell me more", "so?"])
def test_a_fragment_with_nothing_to_swap_in_keeps_the_question_whole(question: str) -> None:
    previous = _after("How many wolves were released in Yellowstone?", "Officials released 14.")
    understood = rewrite_followup(question, previous)
    assert understood is not None
    assert "How many" not in understood
    assert "(Yellowstone" in understood


def test_a_pronoun_becomes_the_person_the_question_named() -> None:
    understood = rewrite_followup("How did she injure her back?", SINGER)
    assert understood is not None
    assert understood.startswith("How did Maria Lopez injure her back?")


def test_a_possessive_pronoun_becomes_a_possessive() -> None:
    previous = _after("What did Omar Haddad promise voters?", "Haddad promised lower rents.")
    understood = rewrite_followup("what was his majority?", previous)
    assert understood is not None
    assert understood.startswith("What was Omar Haddad's majority?")


def test_a_pronoun_with_several_candidates_keeps_the_context_instead() -> None:
    previous = _after(
        "What did Macron tell Scholz about tariffs?", "Macron warned Scholz about tariffs."
    )
    understood = rewrite_followup("what did he say next?", previous)
    assert understood is not None
    assert understood.startswith("What did he say next? (")
    assert "Macron" in understood
    assert "Scholz" in understood


@pytest.mark.parametrize(
    "question",
    ["who else was there?", "why?", "and what happened next?", "How long did the work take?"],
)
def test_an_elliptical_question_carries_the_names_of_the_conversation(question: str) -> None:
    understood = rewrite_followup(question, HARBOUR)
    assert understood is not None
    assert "Lysaker" in understood
    assert understood.lower().startswith(question.lower().removeprefix("and ").rstrip("?"))


def test_a_fragment_without_a_slot_carries_the_previous_topic() -> None:
    previous = _after("How loud may festivals play music at night in Wales?")
    understood = rewrite_followup("what about fireworks?", previous)
    assert understood is not None
    assert understood.startswith("What about fireworks? (")
    for word in ("Wales", "festivals", "music"):
        assert word in understood


def test_the_answer_names_who_else_was_involved() -> None:
    understood = rewrite_followup("who else was there?", HARBOUR)
    assert understood is not None
    assert "Ingrid Dahl" in understood


def test_context_carries_over_several_turns() -> None:
    first = HARBOUR[0]
    second_question = rewrite_followup("who paid for it?", [first])
    assert second_question is not None
    second = Turn(second_question, _answer(second_question))
    third = rewrite_followup("why?", [first, second])
    assert third is not None
    assert "Lysaker" in third


def test_the_context_in_brackets_stays_short() -> None:
    previous = _after(
        "What did Anna Berg, Lars Holm, Eva Lind and Nils Ek sign in Uppsala Castle in Sweden?"
    )
    understood = rewrite_followup("why?", previous)
    assert understood is not None
    assert len(understood.split("(", 1)[1].split()) <= 8


def test_continue_conversation_extends_followups_and_restarts_on_new_questions() -> None:
    first = _answer("Who built the bridge?")
    turns = continue_conversation((), first)
    assert [t.question for t in turns] == ["Who built the bridge?"]
    followup = Answer("and in 2021?", understood_as="Who built the bridge in 2021?")
    turns = continue_conversation(turns, followup)
    assert [t.question for t in turns] == [
        "Who built the bridge?",
        "Who built the bridge in 2021?",
    ]
    fresh = _answer("What is the weather in Lima?")
    assert [t.question for t in continue_conversation(turns, fresh)] == [
        "What is the weather in Lima?"
    ]
    for _ in range(MAX_TURNS + 2):
        turns = continue_conversation(turns, followup)
    assert len(turns) == MAX_TURNS


def test_after_a_who_question_a_pronoun_is_the_person_the_answer_named() -> None:
    previous = _after(
        "Who vetoed the harbour budget?",
        "In May, Bergen's mayor Astrid Holm vetoed the budget.",
    )
    understood = rewrite_followup("why did she do it?", previous)
    assert understood is not None
    assert understood.startswith("Why did Astrid Holm do it?")


def test_the_year_of_the_conversation_carries_over() -> None:
    previous = _after("Who chaired the water summit in 2016?", "Ana Ruiz chaired it.")
    understood = rewrite_followup("who attended?", previous)
    assert understood is not None
    assert "2016" in understood
    own_time = rewrite_followup("who attended the latest one?", previous)
    assert own_time is not None
    assert "2016" not in own_time
