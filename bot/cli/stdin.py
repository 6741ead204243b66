"""Questions read from standard input by ``newsbot ask --json``: one per line, plain or JSON.

A plain line is a question. A line holding a JSON object, ``{"question": "...", "previous":
["earlier question", ...]}``, is a question asked after the earlier ones, oldest first, so
that a follow-up ("and in 2023?") is answered in their context.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

__all__ = ["QuestionLine", "read_line"]


@dataclass(frozen=True, slots=True)
class QuestionLine:
    """One input line.

    Attributes:
        question: The question to answer.
        previous: Earlier questions of its conversation, oldest first.
    """

    question: str
    previous: tuple[str, ...] = ()


def read_line(line: str) -> QuestionLine:
    """Read one non-empty input line.

    Raises:
        ValueError: For a JSON object without a "question" string, or whose "previous" is
            not a list of strings; the message says what is wrong.
    """
    text = line.rstrip("\r\n")
    if not text.lstrip().startswith("{"):
        return QuestionLine(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return QuestionLine(text)  # a question that happens to start with "{"
    if not isinstance(data, dict):
        return QuestionLine(text)
    question = data.get("question")
    if not isinstance(question, str):
        raise ValueError('a JSON line needs "question": a string')
    previous = data.get("previous", [])
    if not isinstance(previous, list) or not all(isinstance(p, str) for p in previous):
        raise ValueError('"previous" must be a list of strings (earlier questions, oldest first)')
    return QuestionLine(question, tuple(previous))
