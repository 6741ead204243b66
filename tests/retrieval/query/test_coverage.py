"""Term coverage: a passage mentions a question's terms whatever their inflection or name form."""

from __future__ import annotations

from dataclasses import replace

import pytest

from retrieval import Engine
from retrieval.index.loader import LoadedIndex
from retrieval.query.coverage import (
    is_keyword_query,
    question_terms,
    spells_out,
    term_coverage,
)
from retrieval.text.tokens import token_set

PASSAGE = (
    "The International Criminal Court indicted Mr Putin in March. Officials did not reply to "
    "the e-mails, and the gold-coloured ring stayed on Lukashenko's finger."
)


@pytest.fixture(scope="module")
def index(seed_engine: Engine) -> LoadedIndex:
    return replace(seed_engine.index, aliases=(("International Criminal Court", "ICC"),))


@pytest.mark.parametrize(
    ("plain", "other"),
    [
        ("Which leader wore a ring?", "Which leaders wore rings?"),
        ("Lukashenko finger", "Lukashenko's fingers"),
        ("Who answered the emails?", "Who answered the e-mail?"),
    ],
)
def test_inflections_and_hyphens_cover_alike(index: LoadedIndex, plain: str, other: str) -> None:
    assert term_coverage(index, plain, PASSAGE) == pytest.approx(
        term_coverage(index, other, PASSAGE)
    )


def test_an_acronym_is_covered_by_its_full_name(index: LoadedIndex) -> None:
    question = "When did the ICC indict Putin?"
    assert term_coverage(index, question, PASSAGE) == pytest.approx(1.0)
    assert "icc" not in token_set(PASSAGE)  # a plain term count would miss it
    full = "When did the International Criminal Court indict Putin?"
    assert term_coverage(index, full, "The ICC indicted Mr Putin.") == pytest.approx(1.0)


def test_missing_terms_weigh_by_rarity(index: LoadedIndex) -> None:
    assert term_coverage(index, "Brazil rainforest", PASSAGE) == 0.0
    partly = term_coverage(index, "Putin ring Brazil", PASSAGE)
    assert 0.0 < partly < 1.0
    assert term_coverage(index, "the of and", PASSAGE) == 0.0


def test_years_count_only_as_the_publication_year(index: LoadedIndex) -> None:
    assert term_coverage(index, "Putin indicted 2023", PASSAGE) == pytest.approx(1.0)
    assert not any("2023" in term.tokens for term in question_terms("Putin indicted 2023"))
    with_year = term_coverage(index, "Putin indicted 2023", PASSAGE, published_year=2023)
    assert with_year == pytest.approx(1.0)
    assert question_terms("Putin 2023", published_year=2023)[-1].tokens == ("2023",)


def test_the_measure_of_a_how_question_is_not_a_term() -> None:
    terms = question_terms("How long was the crossing closed?")
    tokens = [t for term in terms for t in term.tokens]
    assert "long" not in tokens
    assert "cross" in tokens or "crossing" in tokens
    kept = [t for term in question_terms("Was the long crossing closed?") for t in term.tokens]
    assert "long" in kept


@pytest.mark.parametrize(
    ("question", "keywords"),
    [
        ("Hermitage", True),
        ("Redonda goats", True),
        ("Nagorno-Karabakh ceasefire", True),
        ("Who got rings?", False),
        ("Putin rings summit Bishkek Tolkien", False),
        ("the", False),
    ],
)
def test_is_keyword_query(question: str, keywords: bool) -> None:
    assert is_keyword_query(question) is keywords


@pytest.mark.parametrize(
    ("acronym", "text", "expected"),
    [
        ("ICC", "it recognised the International Criminal Court in March", True),
        ("OECD", "the Organisation for Economic Co-operation and Development said", True),
        ("NATO", "the North Atlantic Treaty Organization met", True),
        ("ICC", "an international court ruled", False),
        ("ICC", "the International Chess Federation", False),
    ],
)
def test_an_acronym_is_found_spelled_out(acronym: str, text: str, expected: bool) -> None:
    assert spells_out(acronym, text) is expected


def test_a_passage_that_spells_out_the_acronym_covers_it(index: LoadedIndex) -> None:
    spelled = "Armenia recognised the International Criminal Court after it indicted Putin."
    assert term_coverage(index, "ICC indicted Putin", spelled) == pytest.approx(1.0)
    assert term_coverage(index, "ICC indicted Putin", "Armenia indicted Putin.") < 1.0
