"""Aliases learned from the articles: acronyms in brackets either way, "X, known as Y"."""

from __future__ import annotations

import pytest

from retrieval.ingest.aliases import acronym_pairs, known_as_pairs, learn_aliases
from retrieval.records import Article


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        (
            "Ministers of the European Free Trade Association (EFTA) met.",
            ("European Free Trade Association", "EFTA"),
        ),
        (
            "The ICC (International Criminal Court) issued a warrant.",
            ("International Criminal Court", "ICC"),
        ),
    ],
)
def test_acronyms_in_brackets_either_way(text: str, pair: tuple[str, str]) -> None:
    assert acronym_pairs(text) == [pair]


def test_brackets_that_are_not_the_initials_teach_nothing() -> None:
    assert acronym_pairs("The Bank of England (BBC) said.") == []
    assert acronym_pairs("The ICC (which sits in The Hague) said.") == []


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("Mahmoud Abbas, also known as Abu Mazen, spoke.", ("Mahmoud Abbas", "Abu Mazen")),
        ("Jo Smith, known as Queen of the Sky, left.", ("Jo Smith", "Queen of the Sky")),
        ("MCI (formerly Worldcom) said.", ("MCI", "Worldcom")),
        ('The singer, better known as "Prince", left.', None),  # no name before the comma
        ("Al Brown, nicknamed Smudge by fans, won.", ("Al Brown", "Smudge")),
        ("Yesterday Ron Dennis called Jenson Button.", None),  # "called" as a verb
    ],
)
def test_known_as(text: str, pair: tuple[str, str] | None) -> None:
    assert known_as_pairs(text) == ([pair] if pair else [])


def test_learn_aliases_gathers_every_article_in_order() -> None:
    articles = [
        Article("b.txt", "B", "MCI (formerly Worldcom) said."),
        Article("a.txt", "A", "The Collective Security Treaty Organization (CSTO) met."),
    ]
    assert learn_aliases(articles) == [
        ("Collective Security Treaty Organization", "CSTO"),
        ("MCI", "Worldcom"),
    ]
