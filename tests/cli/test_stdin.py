"""Lines of `newsbot ask --json` input: plain questions, or JSON objects with earlier ones."""

from __future__ import annotations

import pytest

from bot.cli.stdin import QuestionLine, read_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Who built the bridge?\n", QuestionLine("Who built the bridge?")),
        ('{"question": "and in 2021?"}', QuestionLine("and in 2021?")),
        (
            '{"question": "and in 2021?", "previous": ["Who built it?", "When?"]}\n',
            QuestionLine("and in 2021?", ("Who built it?", "When?")),
        ),
        ("{braces} are not JSON?", QuestionLine("{braces} are not JSON?")),
        (
            '{"a": 1} ["json", "but not an object"]',
            QuestionLine('{"a": 1} ["json", "but not an object"]'),
        ),
    ],
)
def test_read_line(line: str, expected: QuestionLine) -> None:
    assert read_line(line) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"previous": ["Who built it?"]}', '"question"'),
        ('{"question": 5}', '"question"'),
        ('{"question": "why?", "previous": "Who built it?"}', '"previous"'),
        ('{"question": "why?", "previous": [1, 2]}', '"previous"'),
    ],
)
def test_bad_objects_say_what_is_wrong(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_line(line)
