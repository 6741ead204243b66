"""Sentence splitting keeps offsets and does not split at abbreviations."""

from __future__ import annotations

import pytest

from retrieval.text.sentences import split_sentences


def _texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ("Mr. Putin met Dr. Smith. Then left.", ["Mr. Putin met Dr. Smith.", "Then left."]),
        ("J.R.R. Tolkien wrote it. Yes.", ["J.R.R. Tolkien wrote it.", "Yes."]),
        (
            "The U.S. said no. Cost was $1.5 billion.",
            ["The U.S. said no.", "Cost was $1.5 billion."],
        ),
        (
            "“We agree,” he said. “Fine.” She left.",
            ["“We agree,” he said.", "“Fine.”", "She left."],
        ),
        ("Heading\nBody text here. More.", ["Heading", "Body text here.", "More."]),
        ("lower case. continues here", ["lower case. continues here"]),
        ("", []),
        ("   \n\n  ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_offsets_point_into_the_text() -> None:
    text = "  First one.  Second one.\n\nThird."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one.", "Third."]
    assert all(text[s] != " " and text[e - 1] != " " for s, e in spans)


def test_range_limits_the_split() -> None:
    text = "Alpha one. Beta two. Gamma three."
    start = text.index("Beta")
    assert [text[s:e] for s, e in split_sentences(text, start, len(text))] == [
        "Beta two.",
        "Gamma three.",
    ]
