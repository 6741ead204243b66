"""Tests of retrieval.text.quotable: captions, credits and headings are never the key sentence."""

from __future__ import annotations

import pytest

from retrieval.text.quotable import is_quotable


@pytest.mark.parametrize(
    "sentence",
    [
        "Ferry passengers wait on the repaired stage (Photo: Harbour Press/Getty Images)",
        "Photo: Leaders at the summit in St Petersburg.",
        "Leaders pose for a group photo. Getty Images",
        "(Via The Moscow Times & Meduza)",
        "[Reporting by Ann Kerr]",
        "Via the Harbour Press.",
        "Harbour ferry service resumes",
    ],
)
def test_captions_credits_and_headings_are_not_quotable(sentence: str) -> None:
    assert not is_quotable(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The harbour ferry service resumed on Tuesday after a storm closed the crossing.",
        '"The pier will need a new sea wall," Ann Kerr warned.',
        "Will the island's pier survive the next storm?",
        "(The council, which owns the pier, said repairs would start next week and take a month.)",
        "Via Rail said trains between Toronto and Montreal would run as normal on Monday.",
    ],
)
def test_sentences_of_the_story_are_quotable(sentence: str) -> None:
    assert is_quotable(sentence)
