"""Names: a question is also searched with its names in the other forms the corpus uses."""

from __future__ import annotations

from retrieval.query.names import name_spans, name_variants

ALIASES = (
    ("European Free Trade Association", "EFTA"),
    ("Mahmoud Abbas", "Abu Mazen"),
    ("Mahmoud Abbas", "Abbas"),
    ("World Health Organization", "WHO"),
)


def test_an_acronym_is_also_searched_as_its_full_name() -> None:
    assert name_variants("When did EFTA meet?", ALIASES) == [
        "When did EFTA meet?",
        "When did European Free Trade Association meet?",
    ]


def test_a_full_name_is_also_searched_as_its_acronym_whatever_its_case() -> None:
    assert name_variants("who runs the european free trade association?", ALIASES)[1:] == [
        "who runs the EFTA?"
    ]


def test_every_other_form_gets_a_wording() -> None:
    assert name_variants("What did Mahmoud Abbas's team say?", ALIASES)[1:] == [
        "What did Abbas's team say?",
        "What did Abu Mazen's team say?",
    ]


def test_two_names_change_together() -> None:
    variants = name_variants("EFTA and WHO talks", ALIASES)
    assert variants == [
        "EFTA and WHO talks",
        "European Free Trade Association and World Health Organization talks",
    ]


def test_an_acronym_counts_only_in_capitals() -> None:
    assert name_variants("Who said it?", ALIASES) == ["Who said it?"]
    assert (
        name_variants("Who leads the WHO?", ALIASES)[1]
        == "Who leads the World Health Organization?"
    )


def test_the_longest_name_wins() -> None:
    assert name_spans("European Free Trade Association rules", ALIASES) == [(0, 31, ("EFTA",))]


def test_no_aliases_no_variants() -> None:
    assert name_variants("When did EFTA meet?", ()) == ["When did EFTA meet?"]
