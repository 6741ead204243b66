"""Names: a name in the question brings its other forms learned from the corpus, both ways."""

from __future__ import annotations

from retrieval.query.names import expand_names, name_partners, name_spans

ALIASES = (
    ("European Free Trade Association", "EFTA"),
    ("Mahmoud Abbas", "Abu Mazen"),
    ("World Health Organization", "WHO"),
    ("Trade", "Commerce"),
)


def test_an_acronym_brings_its_full_name() -> None:
    expanded = expand_names("When did EFTA meet?", ALIASES)
    assert expanded == "When did EFTA meet? European Free Trade Association"


def test_a_full_name_brings_its_acronym_whatever_its_case() -> None:
    assert name_partners("who runs the european free trade association?", ALIASES) == ["EFTA"]


def test_a_nickname_works_both_ways() -> None:
    assert name_partners("What did Abu Mazen say?", ALIASES) == ["Mahmoud Abbas"]
    assert name_partners("Mahmoud Abbas's speech", ALIASES) == ["Abu Mazen"]


def test_an_acronym_counts_only_in_capitals() -> None:
    assert name_partners("Who said it?", ALIASES) == []
    assert name_partners("Who leads the WHO?", ALIASES) == ["World Health Organization"]


def test_the_longest_name_wins() -> None:
    spans = name_spans("European Free Trade Association rules", ALIASES)
    assert spans == [(0, 31, ("EFTA",))]


def test_forms_already_in_the_question_are_not_repeated() -> None:
    assert name_partners("EFTA, the European Free Trade Association", ALIASES) == []


def test_no_aliases_no_change() -> None:
    assert expand_names("When did EFTA meet?", ()) == "When did EFTA meet?"
