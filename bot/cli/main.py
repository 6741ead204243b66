"""The `newsbot` command line: ingest, add, feeds, refresh, ask, chat, stats, remove, repair,
backup, migrate, serve.

Settings come from ``bot.settings`` (the environment over a ``.env`` file, read once); the
chat front ends are imported by ``serve`` alone, so the retrieval commands start without them.
Exit codes: 0 success, 1 nothing matched (``remove``) or a repair that lost articles, 2 a
problem with the index, the model, the settings or the command line (the message says what to
do), 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.cli import index_commands, questions
from bot.cli.engines import new_engine
from bot.cli.follow import add_follow_commands, run_follow_command
from bot.environment import load_environment
from bot.logs import TEXT_FORMAT, quiet_libraries
from bot.settings import ConfigError, Settings

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Answer questions about news articles with cited excerpts and links.",
    )
    _add_global_options(parser, default=None)
    # The same options after the subcommand (`newsbot ask --index-dir X "q"`); SUPPRESS keeps
    # a subcommand from resetting what was given before it.
    common = argparse.ArgumentParser(add_help=False)
    _add_global_options(common, default=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, parents=[common])

    ingest = command("ingest", "add new and changed articles, drop deleted ones")
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (default: seeds/)")
    ingest.add_argument(
        "--rebuild",
        action="store_true",
        help="start over: from PATHS only, or without PATHS from every recorded source",
    )
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.add_argument(
        "--lock-timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="how long to wait for another ingest to finish (default 600; 0: refuse at once)",
    )

    add_follow_commands(commands, parents=[common])

    ask = command("ask", "answer one question (or one per stdin line)")
    ask.add_argument("question", nargs="?", help="the question; omit with --json to read stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    ask.add_argument("--top-k", type=_positive, default=3, help="citations to show (default 3)")

    chat = command("chat", "interactive questions in the terminal")
    chat.add_argument("--top-k", type=_positive, default=3, help="citations to show (default 3)")

    command("stats", "size, dates and articles of the index (also of a damaged one)")

    remove = command("remove", "delete articles from the index")
    remove.add_argument(
        "source", help="a source as `newsbot stats` lists it, a .jsonl file, a folder or a URL"
    )

    command("repair", "recover a damaged index without losing articles")

    backup = command("backup", "copy the index (and its SQLite files) while it serves")
    backup.add_argument("destination", type=Path, help="a new or empty folder")

    command(
        "migrate",
        "copy the embedded index (--index-dir) into NEWSBOT_DATABASE_URL, without re-embedding",
    )

    command(
        "serve",
        "run the Telegram and/or Discord bot (needs TELEGRAM_BOT_TOKEN or DISCORD_BOT_TOKEN)",
    )
    return parser


def _add_global_options(parser: argparse.ArgumentParser, *, default: object) -> None:
    parser.add_argument(
        "--index-dir",
        default=default,
        help="index location (default: $NEWSBOT_INDEX_DIR or var/index)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=default, help="log progress details"
    )


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
        level=logging.INFO if args.verbose else logging.WARNING, format=TEXT_FORMAT
    )
    quiet_libraries()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    environ = load_environment(os.environ)
    if args.command == "serve":
        from bot.serve import run_from_environment  # noqa: PLC0415 - the bots only here

        return run_from_environment(environ)
    try:
        settings = Settings.from_env(environ, serving=False)
    except ConfigError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.index_dir:
        settings = settings.with_index_dir(Path(args.index_dir))
    from retrieval import RetrievalError  # noqa: PLC0415 - keeps `--help` instant

    try:
        followed = run_follow_command(args, settings, lambda: new_engine(settings))
        if followed is not None:
            return followed
        if args.command in ("ask", "chat"):
            return questions.run(args, settings)
        return index_commands.run(args, settings)
    except RetrievalError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `newsbot stats | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
