"""The `newsbot` command line: ingest, add, feeds, refresh, ask, chat, stats, remove, serve.

Settings come from ``bot.settings`` (read once); the chat front ends are imported by ``serve``
alone, so the retrieval commands start without them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.follow import add_follow_commands, run_follow_command
from bot.cli.render import answer_json, print_answer
from bot.settings import ConfigError, Settings
from bot.view import describe_ingest, ingest_report_lines

if TYPE_CHECKING:
    from retrieval import Engine


def _notify(line: str) -> None:
    """Say on stderr what slow first-time work is happening."""
    print(f"newsbot: {line}", file=sys.stderr, flush=True)


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

    add_follow_commands(commands)

    ask = commands.add_parser("ask", help="answer one question (or one per stdin line)")
    ask.add_argument("question", nargs="?", help="the question; omit with --json to read stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    ask.add_argument("--top-k", type=_positive, default=3, help="citations to show (default 3)")

    chat = commands.add_parser("chat", help="interactive questions in the terminal")
    chat.add_argument("--top-k", type=_positive, default=3, help="citations to show (default 3)")

    commands.add_parser("stats", help="size, dates and provenance of the index")

    remove = commands.add_parser("remove", help="delete an article from the index")
    remove.add_argument("source", help="the article's source name, as `newsbot stats` lists it")

    commands.add_parser(
        "serve",
        help="run the Telegram and/or Discord bot (needs TELEGRAM_BOT_TOKEN or DISCORD_BOT_TOKEN)",
    )
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
        from bot.serve import run_from_environment  # noqa: PLC0415 - the bots only here

        return run_from_environment(os.environ)
    try:
        settings = Settings.from_env(os.environ, serving=False)
    except ConfigError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 2
    if args.index_dir:
        settings = settings.with_index_dir(Path(args.index_dir))
    from retrieval import RetrievalError  # noqa: PLC0415 - keeps `--help` instant

    try:
        return _run(args, settings)
    except RetrievalError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _engine(settings: Settings, *, lock_timeout: float | None = None) -> Engine:
    from retrieval import Engine  # noqa: PLC0415

    return Engine(
        settings.index_dir,
        cache_dir=settings.cache_dir,
        device=settings.device,
        notify=_notify,
        lock_timeout=lock_timeout,
    )


def _open(settings: Settings, *, build: bool = False) -> Engine:
    from retrieval import Engine  # noqa: PLC0415

    return Engine.open(
        settings.index_dir,
        seeds=settings.seeds_dir if build else None,
        cache_dir=settings.cache_dir,
        device=settings.device,
        notify=_notify,
        progress=build,
    )


def _run(args: argparse.Namespace, settings: Settings) -> int:
    followed = run_follow_command(args, settings, lambda: _engine(settings))
    if followed is not None:
        return followed
    if args.command == "ingest":
        paths = args.paths or [settings.seeds_dir]
        engine = _engine(settings, lock_timeout=args.lock_timeout)
        report = engine.ingest(paths, progress=not args.quiet, rebuild=args.rebuild)
        for line in ingest_report_lines(report):
            print(line)
        return 0
    if args.command == "stats":
        return _stats(_open(settings))
    if args.command == "remove":
        engine = _open(settings)
        try:
            report = engine.remove(args.source)
        except KeyError:
            print(
                f"newsbot: no article named {args.source!r}; `newsbot stats` lists them.",
                file=sys.stderr,
            )
            return 1
        print(f"Removed {args.source}. {describe_ingest(report)}")
        return 0
    engine = _open(settings, build=True)
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
                print(json.dumps(answer_json(answer), ensure_ascii=False), flush=True)
        return 0
    answer = engine.answer(args.question, top_k=args.top_k)
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False))
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


if __name__ == "__main__":
    sys.exit(main())
