"""The `newsbot` command line: ingest, ask, chat, stats, remove, serve.

Only this module and ``bot/config.py`` read environment variables. The Telegram parts are
imported by ``serve`` alone, so the retrieval commands start without them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from retrieval import Answer, Engine

DEFAULT_INDEX_DIR = Path("var/index")
DEFAULT_SEEDS = Path("seeds")
BOLD, RESET = "\033[1m", "\033[0m"


def index_dir_from(args: argparse.Namespace) -> Path:
    """``--index-dir``, else ``NEWSBOT_INDEX_DIR``, else ``var/index``."""
    if args.index_dir:
        return Path(args.index_dir)
    return Path(os.environ.get("NEWSBOT_INDEX_DIR") or DEFAULT_INDEX_DIR)


def seeds_dir() -> Path:
    """``NEWSBOT_SEEDS_DIR``, else ``seeds``."""
    return Path(os.environ.get("NEWSBOT_SEEDS_DIR") or DEFAULT_SEEDS)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Answer questions about news articles with cited excerpts and links.",
    )
    parser.add_argument(
        "--index-dir", help="index location (default: $NEWSBOT_INDEX_DIR or var/index)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add new and changed articles to the index")
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (default: seeds/)")
    ingest.add_argument("--rebuild", action="store_true", help="start from an empty index")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.add_argument(
        "--lock-timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="how long to wait for another ingest to finish (default 600; 0: refuse at once)",
    )

    ask = commands.add_parser("ask", help="answer one question (or one per stdin line)")
    ask.add_argument("question", nargs="?", help="the question; omit with --json to read stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    ask.add_argument("--top-k", type=_positive, default=3, help="citations to show (default 3)")

    chat = commands.add_parser("chat", help="interactive questions in the terminal")
    chat.add_argument("--top-k", type=_positive, default=3, help="citations to show (default 3)")

    commands.add_parser("stats", help="size, dates and provenance of the index")

    remove = commands.add_parser("remove", help="delete an article from the index")
    remove.add_argument("source", help="the article's source name, as `newsbot stats` lists it")

    commands.add_parser("serve", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    return parser


def _seconds(value: str) -> float:
    number = float(value)
    if not number >= 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.command == "serve":
        from bot.runner import run_from_environment  # noqa: PLC0415 - Telegram only here

        return run_from_environment(os.environ)
    from retrieval import RetrievalError  # noqa: PLC0415 - keeps `--help` instant

    try:
        return _run(args)
    except RetrievalError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    from retrieval import Engine  # noqa: PLC0415

    index_dir = index_dir_from(args)
    if args.command == "ingest":
        paths = args.paths or [seeds_dir()]
        engine = (
            Engine(index_dir)
            if args.lock_timeout is None
            else Engine(index_dir, lock_timeout=args.lock_timeout)
        )
        report = engine.ingest(paths, progress=not args.quiet, rebuild=args.rebuild)
        for line in report.lines():
            print(line)
        return 0
    if args.command == "stats":
        return _stats(Engine.open(index_dir))
    if args.command == "remove":
        engine = Engine.open(index_dir)
        try:
            report = engine.remove(args.source)
        except KeyError:
            print(
                f"newsbot: no article named {args.source!r}; `newsbot stats` lists them.",
                file=sys.stderr,
            )
            return 1
        print(f"Removed {args.source}. {report.summary()}")
        return 0
    engine = Engine.open(index_dir, seeds=seeds_dir(), progress=True)
    if args.command == "ask":
        return _ask(engine, args)
    return _chat(engine, top_k=args.top_k)


def _stats(engine: Engine) -> int:
    stats = engine.stats()
    print(f"Index:      {stats.index_dir} (generation {stats.generation})")
    print(f"Built:      {stats.built_at:%Y-%m-%d %H:%M:%S} UTC with {stats.model}")
    print(f"Articles:   {stats.articles}")
    print(f"Passages:   {stats.passages} ({stats.index_kind} vector search)")
    print(f"Dates:      {stats.oldest or 'unknown'} to {stats.newest or 'unknown'}")
    print()
    for info in engine.articles():
        date_text = info.published.isoformat() if info.published else "undated"
        outlet = info.publisher or "unknown outlet"
        print(f"{info.source}  {date_text}  {outlet}  {info.title}")
        print(f"    {info.url or 'no link'}  ({info.passages} passages)")
    return 0


def _ask(engine: Engine, args: argparse.Namespace) -> int:
    if args.question is None:
        if not args.json:
            print("newsbot: give a QUESTION, or use --json to read one per line from stdin.")
            return 2
        for line in sys.stdin:
            if line.strip():
                answer = engine.answer(line.rstrip("\n"), top_k=args.top_k)
                print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        return 0
    answer = engine.answer(args.question, top_k=args.top_k)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print_answer(answer, sys.stdout)
    return 0


def _chat(engine: Engine, *, top_k: int) -> int:
    stats = engine.stats()
    print(
        f"newsbot: {stats.articles} articles, {stats.passages} passages. Ask a question "
        "(an empty line or Ctrl-D quits)."
    )
    while True:
        try:
            question = input("\n? ")
        except EOFError:
            print()
            return 0
        if not question.strip():
            return 0
        print_answer(engine.answer(question, top_k=top_k), sys.stdout)


def print_answer(answer: Answer, out: TextIO) -> None:
    """Print an answer for a terminal: key sentences in bold when ``out`` is a TTY."""
    bold = out.isatty()
    if not answer.answered:
        out.write(f"{answer.note}\n")
        return
    for c in answer.citations:
        start, end = c.highlight
        key = c.excerpt[start:end]
        marked = f"{BOLD}{key}{RESET}" if bold else f"«{key}»"
        out.write(f"\n[{c.rank}] {c.excerpt[:start]}{marked}{c.excerpt[end:]}\n")
        meta = " · ".join(
            part
            for part in (
                c.title,
                c.publisher,
                c.published.isoformat() if c.published else None,
            )
            if part
        )
        out.write(f"    {meta}\n    {c.url or c.source}\n")
        for ref in c.also_reported_by:
            out.write(f"    also reported by: {ref.title} {ref.url or ref.source}\n")
    if answer.note:
        out.write(f"\n{answer.note}\n")


if __name__ == "__main__":
    sys.exit(main())
