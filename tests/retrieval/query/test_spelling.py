"""Spelling: misspelt words corrected to corpus words; known, English, short words left alone."""

from __future__ import annotations

import pytest

from retrieval.query.spelling import correct_spelling
from retrieval.records import Article
from retrieval.text.vocabulary import count_words

CORPUS = [
    Article(
        source="harbour.txt",
        title="Harbour ferries return",
        text=(
            "The harbour authority published new ferry timetables on Tuesday. Captain Ingrid "
            "Solberg said the ferries would sail hourly. Solberg thanked the Tymoshenko "
            "Foundation. Kiev and Kiev again: the crews trained in Kiev. OpenAI gave a talk. "
            "Which ferry sails first is not clear, with crews still training. The crews flew "
            "to Las Vegas, using new ferries."
        ),
    )
]
VOCABULARY = dict(count_words(CORPUS))
ENGLISH = frozenset(
    [
        "the",
        "which",
        "ferry",
        "new",
        "banana",
        "kyiv",
        "paris",
        "open",
        "ai",
        "sail",
        "with",
        "sue",
    ]
)


def _correct(text: str, **options: object) -> str | None:
    return correct_spelling(text, VOCABULARY, english=ENGLISH, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "corrected"),
    [
        ("harbuor ferry timetabels", "harbour ferry timetables"),
        ("When did the harbur authority publish?", "When did the harbour authority publish?"),
        ("Captain Solbreg", "Captain Solberg"),
        ("What did Solbergs crew say?", None),  # an inflection of a corpus word is known
        ("Timoshenko Foundation", "Tymoshenko Foundation"),
        ("HARBUR", None),  # capitals: an acronym, never touched
        ("the Harbuor's ferries", "the Harbour's ferries"),
    ],
)
def test_misspelt_words_become_corpus_words(question: str, corrected: str | None) -> None:
    assert _correct(question) == corrected


@pytest.mark.parametrize(
    "question",
    [
        "harbour ferries",  # corpus words
        "banana ferry",  # an English word the corpus lacks stays: the question is about it
        "Are the crews suing?",  # an inflection of an English word ("sue")
        "vegan ferry food",  # a lower-case word is no typo of a name ("Vegas")
        "Did the ferry sal in 2023?",  # a short word is never corrected
        "ferry 42 timetable 2023",  # numbers and years
        "",
        "   ",
    ],
)
def test_nothing_to_correct_gives_none(question: str) -> None:
    assert _correct(question) is None


def test_an_english_name_is_folded_only_when_the_model_agrees() -> None:
    question = "Who trained in Kyiv?"
    assert _correct(question) is None  # no way to ask the model
    assert _correct(question, similarity=lambda a, b: 0.74) == "Who trained in Kiev?"
    assert _correct(question, similarity=lambda a, b: 0.3) is None
    assert _correct("Who trained in Paris?", similarity=lambda a, b: 0.9) is None  # no such name


def test_two_words_the_corpus_writes_as_one_name_are_joined() -> None:
    assert _correct("What did Open AI say?") == "What did OpenAI say?"
    assert _correct("an open door") is None


def test_case_is_kept() -> None:
    assert _correct("Harbuor") == "Harbour"
    assert _correct("harbuor") == "harbour"


def test_the_default_english_words_come_from_the_model() -> None:
    # "banana" is a WordPiece word of all-MiniLM-L6-v2: not corrected though unknown here.
    assert correct_spelling("banana", VOCABULARY) is None
    assert correct_spelling("harbuor", VOCABULARY) == "harbour"
