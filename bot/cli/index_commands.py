"""The commands that look after the index: ingest, stats, remove, repair, backup and migrate."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.cli.engines import new_engine, open_engine
from bot.settings import Settings
from bot.view import describe_ingest, ingest_report_lines, plural

if TYPE_CHECKING:
    from retrieval import ArticleInfo, Engine, RepairReport

EXIT_NOTHING = 1
EXIT_DAMAGED = 2


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``args.command``; return the exit code."""
    if args.command == "ingest":
        return _ingest(args, settings)
    if args.command == "stats":
        return _stats(settings)
    if args.command == "remove":
        return _remove(open_engine(settings), args.source)
    if args.command == "repair":
        return _repair(new_engine(settings))
    if args.command == "migrate":
        return _migrate(settings)
    if args.command == "backup":
        backup = new_engine(settings).backup(args.destination)
        print(
            f"Backed up generation {backup.generation} of {settings.index_dir} to "
            f"{backup.destination}, with {', '.join(backup.databases) or 'no SQLite files'} "
            "copied through SQLite's backup API."
        )
        for line in backup.skipped:
            print(f"skipped {line}")
        print(f"Use it with `newsbot --index-dir {backup.destination} ...`, or copy it back.")
        return 0
    raise ValueError(f"unknown command {args.command!r}")


def _migrate(settings: Settings) -> int:
    from retrieval import PostgresEngine  # noqa: PLC0415
    from retrieval.backends.postgres.migrate import migrate_index  # noqa: PLC0415

    if not settings.database_url:
        print(
            "newsbot: migrate copies the embedded index into PostgreSQL: set "
            "NEWSBOT_DATABASE_URL=postgresql://... first (see README, Run several replicas).",
            file=sys.stderr,
        )
        return EXIT_DAMAGED
    engine = new_engine(settings)
    if not isinstance(engine, PostgresEngine):  # pragma: no cover - database_url is set
        raise TypeError("expected a PostgreSQL engine")
    try:
        done = migrate_index(settings.index_dir, engine)
    finally:
        engine.close()
    print(
        f"Copied generation {done.generation} of {settings.index_dir} into "
        f"{_redacted(settings.database_url)}: {plural(done.copied, 'article')} "
        f"({plural(done.passages, 'passage')}) copied, {done.unchanged} already there, "
        f"{plural(done.cached, 'cached embedding')}; nothing was embedded."
    )
    return 0


def _redacted(url: str) -> str:
    from retrieval import redact_url  # noqa: PLC0415

    return redact_url(url)


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    engine = new_engine(settings, lock_timeout=args.lock_timeout)
    if args.rebuild and not args.paths:
        rebuilt = engine.rebuild(progress=not args.quiet)
        if rebuilt is not None:
            sources = plural(rebuilt.recorded, "recorded source")
            print(
                f"Rebuilt {settings.index_dir} from its {sources}"
                f" ({rebuilt.embedded:,} embedded in {rebuilt.seconds:.1f} s)."
            )
            _print_recovery(rebuilt)
            return EXIT_NOTHING if rebuilt.lost else 0
    paths = args.paths or [settings.seeds_dir]
    report = engine.ingest(paths, progress=not args.quiet, rebuild=args.rebuild)
    for line in ingest_report_lines(report):
        print(line)
    return 0


def _stats(settings: Settings) -> int:
    from retrieval import IndexCorruptError, IndexMismatchError  # noqa: PLC0415

    try:
        engine = open_engine(settings)
    except (IndexCorruptError, IndexMismatchError) as exc:
        return _damaged_stats(new_engine(settings), str(exc))
    stats = engine.stats()
    if stats.backend == "postgres":
        print(f"Index:      {stats.location} (PostgreSQL, {stats.generation})")
    else:
        print(f"Index:      {stats.index_dir} (generation {stats.generation})")
    print(f"Built:      {stats.built_at:%Y-%m-%d %H:%M:%S} UTC with {stats.model}")
    print(f"Articles:   {stats.articles}")
    print(f"Passages:   {stats.passages} ({stats.index_kind} vector search)")
    print(f"Dates:      {stats.oldest or 'unknown'} to {stats.newest or 'unknown'}")
    print()
    _print_articles(engine.articles())
    return 0


def _damaged_stats(engine: Engine, problem: str) -> int:
    """List what a damaged index still records; exit 2, since it cannot answer as it is."""
    found = engine.inventory(problem)
    print(f"Index:      {engine.index_dir} (DAMAGED: it cannot be loaded)")
    if not found.generation:
        print("Articles:   unknown (no intact record of them survived)")
    else:
        where = "sources.json" if found.from_ledger else f"generation {found.generation}"
        print(f"Articles:   {len(found.articles)} (as recorded in {where})")
        print()
        _print_articles(found.articles, passages=not found.from_ledger)
    print(f"newsbot: {problem}", file=sys.stderr)
    return EXIT_DAMAGED


def _print_articles(articles: Sequence[ArticleInfo], *, passages: bool = True) -> None:
    for info in articles:
        date_text = info.published.isoformat() if info.published else "undated"
        outlet = info.publisher or "unknown outlet"
        print(f"{info.source}  {date_text}  {outlet}  {info.title}")
        count = f"  ({plural(info.passages, 'passage')})" if passages else ""
        print(f"    {info.url or 'no link'}{count}")


def _remove(engine: Engine, target: str) -> int:
    try:
        report = engine.remove(target)
    except KeyError:
        print(
            f"newsbot: nothing in {engine.location} matches {target!r}. Give a source as "
            "`newsbot stats` lists it, a .json/.jsonl file name (all its records), a file or "
            "folder path, or an article's URL.",
            file=sys.stderr,
        )
        return EXIT_NOTHING
    names = report.removed
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    print(f"Removed {plural(len(names), 'article')}: {shown}. {describe_ingest(report)}")
    return 0


def _repair(engine: Engine) -> int:
    report = engine.repair(progress=True)
    if not report.problem:
        print(
            f"The index in {engine.index_dir} is intact (generation {report.generation}, "
            f"{plural(report.articles, 'article')}): nothing to repair."
        )
        return 0
    print(f"Problem:    {report.problem}")
    if report.fallback:
        print(f"Recovered:  generation {report.fallback}, the newest that verifies.")
    if report.generation != report.fallback:
        print(
            f"Rebuilt:    generation {report.generation} from the recorded sources "
            f"({report.embedded:,} embedded; the rest came from the cache)."
        )
    recorded = (
        f"of {report.recorded} recorded" if report.recorded else "(no record of later changes)"
    )
    print(f"Articles:   {report.articles} {recorded}, in {engine.index_dir}")
    _print_recovery(report)
    for path in report.set_aside:
        print(f"set aside {path}: damaged, never loaded; the next repair deletes it")
    return EXIT_NOTHING if report.lost else 0


def _print_recovery(report: RepairReport) -> None:
    for name in report.reread:
        print(f"re-read {name}: from its file")
    for name in report.kept:
        print(f"kept {name}: its file is gone or unreadable; the index's copy is kept")
    for name in report.lost:
        print(f"LOST {name}: no file and no intact copy; ingest it again if you have it")
