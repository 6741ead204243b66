"""Reading a message longer than the engine reads: keep its question, which comes last.

People paste an article or a long story and end with what they want to know. Cutting such a
message to its first characters keeps the story and drops the question, so this keeps the
last sentences that look like a question (end with "?"), else the message's last sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval import MAX_QUESTION_CHARS, clean_question

__all__ = ["Focused", "focus_question"]

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+")


@dataclass(frozen=True, slots=True)
class Focused:
    """The part of a message to answer.

    Attributes:
        text: The question to hand to the engine (cleaned; at most the engine's limit).
        cut: True when the message was longer and only ``text`` is answered.
    """

    text: str
    cut: bool = False


def focus_question(raw: str, *, limit: int = MAX_QUESTION_CHARS) -> Focused:
    """Return the part of ``raw`` to answer: all of it when short, else its last question.

    Args:
        raw: What the user sent.
        limit: The longest question the engine reads.
    """
    text = clean_question(raw, max_chars=max(limit, len(raw) + 1)).text
    if len(text) <= limit:
        return Focused(text)
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    questions = [i for i, s in enumerate(sentences) if s.rstrip("\"'”’»)] ").endswith("?")]
    end = questions[-1] + 1 if questions else len(sentences)
    kept: list[str] = []
    for sentence in reversed(sentences[:end]):
        asks = sentence.rstrip("\"'”’»)] ").endswith("?")
        if kept and (len(" ".join([sentence, *kept])) > limit or (questions and not asks)):
            break
        kept.insert(0, sentence)
    chosen = " ".join(kept)
    if len(chosen) > limit:  # one sentence longer than the limit: keep its end
        chosen = chosen[-limit:]
        space = chosen.find(" ")
        if 0 <= space < limit // 4:
            chosen = chosen[space + 1 :]
    return Focused(chosen.strip(), cut=True)
