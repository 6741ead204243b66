"""Answers for the terminal: plain text with the key sentence marked, and the JSON lines shape."""

from __future__ import annotations

from typing import Any, TextIO

from bot.view import NOT_FOUND, AnswerView, answer_view
from retrieval import Answer

__all__ = ["BOLD", "RESET", "answer_json", "answer_text", "print_answer"]

BOLD, RESET = "\033[1m", "\033[0m"


def _note(view: AnswerView) -> str | None:
    """The remark printed after the citations, or the refusal's explanation."""
    if not view.answered:
        return " ".join([f"{view.headline or NOT_FOUND} {view.refusal}".strip(), *view.notices])
    return " ".join(view.notices) or None


def answer_text(answer: Answer) -> str:
    """A plain-text rendering: the key sentences with their citation numbers, then the note."""
    view = answer_view(answer)
    note = _note(view)
    if not view.answered:
        return note or NOT_FOUND
    lines = [f"[{c.rank}] {c.key}" for c in view.citations]
    if note:
        lines.append(note)
    return "\n".join(lines)


def answer_json(answer: Answer) -> dict[str, Any]:
    """The object ``newsbot ask --json`` prints: the engine's facts plus the words shown."""
    data = answer.to_dict()
    note = _note(answer_view(answer))
    return {
        "question": data.pop("question"),
        "answered": data.pop("answered"),
        "answer": answer_text(answer),
        "note": note,
        **data,
    }


def print_answer(answer: Answer, out: TextIO) -> None:
    """Print an answer for a terminal: key sentences in bold when ``out`` is a TTY."""
    bold = out.isatty()
    view = answer_view(answer)
    if not view.answered:
        out.write(f"{_note(view)}\n")
        return
    for c in view.citations:
        marked = f"{BOLD}{c.key}{RESET}" if bold else f"«{c.key}»"
        out.write(f"\n[{c.rank}] {c.before}{marked}{c.after}\n")
        date_text = c.byline.published.isoformat() if c.byline.published else None
        meta = " · ".join(part for part in (c.byline.title, c.byline.publisher, date_text) if part)
        out.write(f"    {meta}\n    {c.byline.url or c.byline.source}\n")
        for ref in c.also:
            out.write(f"    also reported by: {ref.title} {ref.url or ref.source}\n")
    note = _note(view)
    if note:
        out.write(f"\n{note}\n")
