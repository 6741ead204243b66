"""Questions in the terminal: `newsbot ask` (one, or one JSON line per stdin line) and `chat`.

Both keep conversations as the bots do: a JSON line may name the questions before it, and a
chat continues its last question when the next one is a follow-up ("and in 2023?").
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.engines import open_engine
from bot.cli.render import answer_json, print_answer
from bot.cli.stdin import read_line
from bot.conversation import Conversations
from bot.long_messages import focus_question
from bot.settings import Settings
from bot.view import plural

if TYPE_CHECKING:
    from retrieval import Answer, Engine, Turn

EXIT_USAGE = 2
QUIT_WORDS = frozenset({"quit", "exit", ":q", "/quit", "/exit", "q"})
"""What ends a chat (besides Ctrl-D); compared after stripping and lower-casing."""
_EMPTY = 'the question is empty: ask in words, for example `newsbot ask "What happened?"`'
_HISTORY_FILE = "chat_history"
_HISTORY_LENGTH = 1000


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``ask`` or ``chat``; return the exit code."""
    if args.command == "chat":
        return _chat(open_engine(settings, build=True), settings, top_k=args.top_k)
    if args.question is None and not args.json:
        print(
            "newsbot: give a QUESTION, or use --json to read one per line from stdin.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.question is not None and not _has_words(args.question):
        print(f"newsbot: {_EMPTY}", file=sys.stderr)
        return EXIT_USAGE
    engine = open_engine(settings, build=True)
    if args.question is None:
        for line in sys.stdin:
            data = _json_line(engine, line.rstrip("\r\n"), top_k=args.top_k)
            print(json.dumps(data, ensure_ascii=False), flush=True)
        return 0
    answer = _answer(engine, args.question, top_k=args.top_k)
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False))
    else:
        print_answer(answer, sys.stdout)
    return 0


def _has_words(text: str) -> bool:
    """Whether ``text`` holds a letter or digit to search for."""
    return any(char.isalnum() for char in text)


def _answer(engine: Engine, text: str, *, top_k: int, previous: tuple[Turn, ...] = ()) -> Answer:
    """Answer ``text``; a message too long to read whole is answered by its last question."""
    focused = focus_question(text)
    answer = engine.answer(focused.text, top_k=top_k, previous=previous)
    return replace(answer, truncated=True) if focused.cut else answer


def _json_line(engine: Engine, text: str, *, top_k: int) -> dict[str, Any]:
    """The output line for one input line: an answer, or an error object.

    A JSON-object line's earlier questions are answered first, silently, oldest first, so
    that its question is answered as their follow-up.
    """
    from retrieval import continue_conversation  # noqa: PLC0415 - keeps `--help` instant

    if not _has_words(text):
        return _error(text, "empty_question", _EMPTY)
    try:
        asked = read_line(text)
    except ValueError as exc:
        return _error(None, "bad_line", str(exc))
    if not _has_words(asked.question):
        return _error(asked.question, "empty_question", _EMPTY)
    turns: tuple[Turn, ...] = ()
    for earlier in asked.previous:
        turns = continue_conversation(turns, _answer(engine, earlier, top_k=top_k, previous=turns))
    return answer_json(_answer(engine, asked.question, top_k=top_k, previous=turns))


def _error(question: str | None, error: str, note: str) -> dict[str, Any]:
    return {
        "question": question,
        "answered": False,
        "error": error,
        "note": note,
        "understood_as": None,
        "citations": [],
    }


def _chat(engine: Engine, settings: Settings, *, top_k: int) -> int:
    from retrieval import continue_conversation  # noqa: PLC0415 - keeps `--help` instant

    stats = engine.stats()
    interactive = sys.stdin.isatty()
    history = _start_line_editing(settings.cache_dir / _HISTORY_FILE) if interactive else None
    print(
        f"newsbot: {plural(stats.articles, 'article')}, {plural(stats.passages, 'passage')}. "
        'Ask a question; follow-ups such as "and in 2023?" continue the last one, /new starts '
        "afresh; `quit`, `exit`, `:q` or Ctrl-D leaves."
    )
    # The terminal is one chat with one person: the bots' rules, without chat and user ids.
    conversations = Conversations()
    try:
        while True:
            try:
                question = input("\n? ")
            except EOFError:
                print()
                return 0
            if question.strip().lower() in QUIT_WORDS:
                return 0
            if not question.strip():
                continue
            if question.strip() == "/new":
                conversations.forget(0, 0)
                print("Starting afresh: your next question stands on its own.")
                continue
            previous = conversations.context(0, 0)
            answer = _answer(engine, question, top_k=top_k, previous=previous)
            conversations.remember(0, 0, continue_conversation(previous, answer))
            print_answer(answer, sys.stdout)
    finally:
        if history is not None:
            _save_history(history)


def _start_line_editing(history: Path) -> Path | None:
    """Turn on readline's line editing and history (kept between chats); None without it."""
    try:
        import readline  # noqa: PLC0415 - only for an interactive chat
    except ImportError:  # not on every platform; chat still works, without editing
        return None
    readline.set_history_length(_HISTORY_LENGTH)
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    return history


def _save_history(history: Path) -> None:
    import readline  # noqa: PLC0415

    with contextlib.suppress(OSError):
        history.parent.mkdir(parents=True, exist_ok=True)
        readline.write_history_file(history)
