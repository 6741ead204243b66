"""`newsbot add`, `newsbot feeds add|list|remove` and `newsbot refresh`: the web in the CLI.

Each command opens the ``Follower`` of the index that ``--index-dir`` or NEWSBOT_INDEX_DIR
selects (its feed list is ``feeds.sqlite`` beside it) and runs its coroutine with
``asyncio.run``. ``refresh`` is what a cron job or a Kubernetes CronJob runs.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.follow_view import describe_every, feed_line, feed_result_line, page_line
from bot.settings import Settings
from bot.view import ingest_report_lines

if TYPE_CHECKING:
    from retrieval import Engine, Follower

__all__ = ["add_follow_commands", "run_follow_command"]

_EVERY_HELP = "how often to check it: a number and a unit, like 30m, 2h or 1d (default 30m)"


def add_follow_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    parents: Sequence[argparse.ArgumentParser] = (),
) -> None:
    """Add ``add``, ``feeds`` and ``refresh`` to the ``newsbot`` parser.

    ``parents`` carry the global options, so that they also work after the subcommand.
    """
    add = commands.add_parser(
        "add",
        parents=list(parents),
        help="fetch web pages and add their articles",
        description="Fetch each page, read its article and add it to the index. Prints one "
        "line per URL (added, replaced, unchanged or skipped), then the ingest report; exits 0 "
        "when no URL was skipped.",
    )
    add.add_argument("urls", nargs="+", metavar="URL", help="http(s) address of an article")
    add.add_argument("--quiet", action="store_true", help="no progress bar")

    feeds = commands.add_parser(
        "feeds",
        parents=list(parents),
        help="follow RSS, Atom or RDF feeds (add, list, remove)",
        description="The feeds `newsbot refresh` and `newsbot serve` poll; kept in "
        "feeds.sqlite beside the index.",
    )
    actions = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    follow = actions.add_parser(
        "add",
        parents=list(parents),
        help="follow a feed",
        description="Follow a feed; it is checked at once.",
    )
    follow.add_argument("url", metavar="URL", help="the feed's http(s) address")
    follow.add_argument("--every", default="30m", metavar="DURATION", help=_EVERY_HELP)
    actions.add_parser(
        "list",
        parents=list(parents),
        help="every feed with its interval, checks, items seen and last error",
        description="One entry per feed: URL, title, interval, last and next check, items "
        "seen and last error.",
    )
    unfollow = actions.add_parser(
        "remove",
        parents=list(parents),
        help="stop following a feed",
        description="Stop following a feed (its articles stay in the index).",
    )
    unfollow.add_argument("url", metavar="URL", help="the feed's address, as `feeds list` shows")

    refresh = commands.add_parser(
        "refresh",
        parents=list(parents),
        help="check every due feed once and add new and changed stories",
        description="Poll every due feed once (a new feed is due at once, then every "
        "interval), add new and changed stories, print one line per feed, exit. Exit 0 when it "
        "ran, even if some feeds failed; 2 for a problem with the index. Run it from cron.",
    )
    refresh.add_argument("--all", action="store_true", help="check every feed, due or not")
    refresh.add_argument("--progress", action="store_true", help="show a progress bar")


def run_follow_command(
    args: argparse.Namespace, settings: Settings, engine: Callable[[], Engine]
) -> int | None:
    """Run ``add``, ``feeds`` or ``refresh``; None for any other command."""
    if args.command not in ("add", "feeds", "refresh"):
        return None
    from retrieval import Follower  # noqa: PLC0415 - keeps `--help` instant

    follower = Follower(engine(), allow_private=settings.allow_private_urls)
    try:
        if args.command == "add":
            return _add(follower, args.urls, progress=not args.quiet)
        if args.command == "refresh":
            return _refresh(follower, force=args.all, progress=args.progress)
        return _feeds(follower, args)
    finally:
        follower.close()


def _add(follower: Follower, urls: list[str], *, progress: bool) -> int:
    report = asyncio.run(follower.add(urls, progress=progress))
    for page in report.pages:
        print(page_line(page))
    lines = ingest_report_lines(report.ingest)
    print(lines[0])  # the skipped pages are listed above, once each
    for line in lines[1:]:
        if not line.startswith("skipped "):
            print(line)
    return 0 if all(page.status != "skipped" for page in report.pages) else 1


def _refresh(follower: Follower, *, force: bool, progress: bool) -> int:
    report = asyncio.run(follower.refresh(force=force, progress=progress))
    if not report.feeds:
        count = len(follower.feeds())
        print(
            "No feed is due."
            if count
            else "No feeds are followed; add one with `newsbot feeds add URL`."
        )
        return 0
    for result in report.feeds:
        print(feed_result_line(result))
    if report.ingest.changed or report.ingest.unchanged:
        print(ingest_report_lines(report.ingest)[0])
    else:
        print("No new or changed stories: the index is as it was, 0 passages embedded.")
    return 0


def _feeds(follower: Follower, args: argparse.Namespace) -> int:
    if args.feeds_command == "add":
        try:
            feed, created = follower.follow(args.url, every=args.every)
        except ValueError as exc:
            print(f"newsbot: {exc}", file=sys.stderr)
            return 2
        verb = "following" if created else "already following; updated"
        every = describe_every(feed.every)
        print(f"{verb} {feed.url} every {every}; the next `newsbot refresh` checks it.")
        return 0
    if args.feeds_command == "remove":
        if follower.unfollow(args.url):
            print(f"stopped following {args.url.strip()}")
            return 0
        print(
            f"newsbot: not following {args.url.strip()!r}; `newsbot feeds list` shows the feeds.",
            file=sys.stderr,
        )
        return 1
    feeds = follower.feeds()
    if not feeds:
        print("No feeds are followed; add one with `newsbot feeds add URL [--every 30m]`.")
    for feed in feeds:
        print(feed_line(feed))
    return 0
