"""Names, years and topic words are read from English text by its capitals and stopwords."""

from __future__ import annotations

import pytest

from retrieval.query.mentions import content_words, names, years


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Why did Maria Lopez cancel her tour?", ["Maria Lopez"]),
        ("The Bank of England raised rates.", ["Bank of England"]),
        ("Crown Prince Faisal bin Salman visited.", ["Crown Prince Faisal bin Salman"]),
        ("Is Port Elizabeth's harbour closed?", ["Port Elizabeth"]),
        ("Officials say the UN and NATO met in Geneva on Monday.", ["UN", "NATO", "Geneva"]),
        ("Viewers will vote in March. Then Oslo hosts it.", ["Oslo"]),
        ("Mr. Dahl met Dr. Ek at St. Olaf College.", ["Dahl", "Ek", "St. Olaf College"]),
        ("how much does it cost?", []),
    ],
)
def test_names(text: str, expected: list[str]) -> None:
    assert [m.text for m in names(text)] == expected


def test_a_sentence_opening_word_is_a_name_only_when_asked() -> None:
    assert [m.text for m in names("Deezer?")] == []
    assert [m.text for m in names("Deezer?", opening=True)] == ["Deezer"]
    assert [m.text for m in names("Please explain", opening=True)] == []


def test_a_name_remembers_the_word_before_it() -> None:
    (mention,) = names("Who opened the Lysaker bridge?")
    assert (mention.text, mention.after) == ("Lysaker", "the")


def test_years() -> None:
    assert years("Between 1999 and 2021, not 12021 or 2021-05") == ["1999", "2021"]


def test_content_words_leave_out_function_words_and_repeats() -> None:
    assert content_words("How loud may festivals play loud music in 2019 on Friday?") == [
        "loud",
        "festivals",
        "play",
        "music",
    ]
