"""Questions about "today", "yesterday", "this week": answered only from articles of that period.

The articles are built in the test with dates relative to the real today, indexed through
``Engine.add_articles`` (the path web pages and feed items take).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from retrieval import Article, Embedder, Engine

TODAY = date.today()


def ferry_story(key: str, days_ago: int, text: str) -> Article:
    return Article(
        source=f"https://herald.example/{key}",
        title=f"Port Alder ferry update ({key})",
        text=text
        + " Harbour master Jonas Ekberg said passengers should check the timetable before "
        "travelling, and that the port authority would publish updates on its website.",
        url=f"https://herald.example/{key}",
        published=TODAY - timedelta(days=days_ago),
        publisher="The Harbour Herald",
        content_hash=key,
    )


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Engine:
    opened = Engine(tmp_path_factory.mktemp("relative") / "index", embedder=embedder)
    report = opened.add_articles(
        [
            ferry_story("today", 0, "The Port Alder ferry resumed sailings to the islands."),
            ferry_story("yesterday", 1, "The Port Alder ferry was cancelled because of a storm."),
            ferry_story("old", 40, "The Port Alder ferry got a new captain after a long search."),
        ]
    )
    assert len(report.added) == 3
    return opened


AGES = {"today": 0, "yesterday": 1, "old": 40}


def published_since(start: date) -> set[str]:
    return {key for key, days in AGES.items() if TODAY - timedelta(days=days) >= start}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What happened to the Port Alder ferry today?", {"today"}),
        ("What was reported yesterday about the Port Alder ferry?", {"yesterday"}),
        ("Port Alder ferry news in the last 24 hours", {"today", "yesterday"}),
        ("Port Alder ferry news this month", published_since(TODAY.replace(day=1))),
    ],
)
def test_a_relative_period_restricts_the_citations(
    engine: Engine, question: str, expected: set[str]
) -> None:
    answer = engine.answer(question, top_k=5)
    cited = {c.url.rsplit("/", 1)[-1] for c in answer.citations if c.url}
    assert answer.period is not None and answer.period_matched
    assert cited == expected, [(c.title, c.published) for c in answer.citations]


def test_an_older_article_never_answers_for_yesterday(engine: Engine) -> None:
    answer = engine.answer("What was reported yesterday about the new captain of the ferry?")
    assert all(c.published == TODAY - timedelta(days=1) for c in answer.citations)


def test_latest_ranks_relevant_articles_by_publication_date(engine: Engine) -> None:
    answer = engine.answer("What is the latest on the Port Alder ferry?", top_k=3)
    dates = [c.published for c in answer.citations]
    assert answer.newest_first and dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert answer.citations[0].url == "https://herald.example/today"


def test_adding_the_same_articles_again_changes_nothing(engine: Engine) -> None:
    story = ferry_story("today", 0, "The Port Alder ferry resumed sailings to the islands.")
    again = engine.add_articles([story])
    assert again.unchanged == ("https://herald.example/today",)
    assert again.embedded == 0 and again.generation == ""
