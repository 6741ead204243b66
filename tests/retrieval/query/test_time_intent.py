"""Time words in questions become a date intent; unknown publication dates never match."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from retrieval.query.time_intent import parse_time_intent

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("question", "recent", "start", "end"),
    [
        ("What is the latest news about the CIS?", True, None, None),
        ("most recent summit", True, None, None),
        ("What happened at the CIS summit in 2023?", False, date(2023, 1, 1), date(2023, 12, 31)),
        ("news this year", False, date(2026, 1, 1), date(2026, 12, 31)),
        ("what happened last year", False, date(2025, 1, 1), date(2025, 12, 31)),
        ("summits since 2023", False, date(2023, 1, 1), None),
        ("summits before 2023", False, None, date(2022, 12, 31)),
        ("Putin 2022", False, date(2022, 1, 1), date(2022, 12, 31)),
        ("Who gave rings to CIS leaders?", False, None, None),
        ("a $2023.50 bill", False, None, None),
    ],
)
def test_parse_time_intent(
    question: str, recent: bool, start: date | None, end: date | None
) -> None:
    intent = parse_time_intent(question, today=TODAY)
    assert (intent.prefer_recent, intent.start, intent.end) == (recent, start, end)


def test_admits_only_known_dates_in_range() -> None:
    intent = parse_time_intent("in 2023", today=TODAY)
    assert intent.admits(date(2023, 10, 13))
    assert not intent.admits(date(2022, 12, 27))
    assert not intent.admits(None)
    assert parse_time_intent("no dates here", today=TODAY).admits(None)


# TODAY (23 Nov 2026) is a Monday.
@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("What happened today in Bishkek?", TODAY, TODAY),
        ("what was reported yesterday", date(2026, 11, 22), date(2026, 11, 22)),
        ("ferry news this week", date(2026, 11, 23), TODAY),
        ("strikes in the last 24 hours", date(2026, 11, 22), TODAY),
        ("strikes in the past 48 hours", date(2026, 11, 21), TODAY),
        ("floods over the last 3 days", date(2026, 11, 20), TODAY),
        ("council budget this month", date(2026, 11, 1), TODAY),
        ("what did the council decide last week", date(2026, 11, 16), date(2026, 11, 22)),
        ("the budget last month", date(2026, 10, 1), date(2026, 10, 31)),
    ],
)
def test_relative_periods_resolve_against_today_and_restrict(
    question: str, start: date, end: date
) -> None:
    intent = parse_time_intent(question, today=TODAY)
    assert (intent.start, intent.end, intent.relative) == (start, end, True)
    assert intent.admits(start) and intent.admits(end)
    assert not intent.admits(start - timedelta(days=1)) and not intent.admits(None)


def test_last_month_in_january_is_december_and_years_are_not_relative() -> None:
    intent = parse_time_intent("news last month", today=date(2027, 1, 15))
    assert (intent.start, intent.end) == (date(2026, 12, 1), date(2026, 12, 31))
    assert not parse_time_intent("What happened in 2023?", today=TODAY).relative
    assert not parse_time_intent("What is the latest on the CIS?", today=TODAY).relative


@pytest.mark.parametrize(
    "question",
    [
        "How long was Johnny Carson the host of the Tonight Show?",
        "Who presents the Today programme on Radio 4?",
        "What did This Week say about the budget?",
    ],
)
def test_a_time_word_in_a_name_is_not_a_period(question: str) -> None:
    intent = parse_time_intent(question, today=TODAY)
    assert intent.period is None and not intent.relative


def test_a_time_word_starting_the_question_still_counts() -> None:
    assert parse_time_intent("Today: what did the council decide?", today=TODAY).relative
    assert parse_time_intent("Tonight's ferry news", today=TODAY).relative


def test_both_years_of_a_range_are_named() -> None:
    intent = parse_time_intent(
        "When did the hotel reopen after its 2007-2010 restoration?", today=TODAY
    )
    assert intent.years == (2007, 2010)
    assert not intent.restrict
