"""`newsbot add`, `feeds` and `refresh` run as a user runs them, against the loopback news site."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.runner import newsbot_in_loop
from tests.support.news_fixtures import site
from tests.support.news_site import NewsSite

__all__ = ["site"]  # fixture, imported by name

FERRY_CANONICAL = "https://www.harbourherald.example/news/2024/03/14/storm-surge-shuts-port-alder-ferry-terminal/"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


async def newsbot(*args: str, index: Path, private: bool = True, stdin: str = "") -> Run:
    """Run ``python -m bot ARGS`` in a child process while the test's event loop serves."""
    env = {"NEWSBOT_INDEX_DIR": str(index)}
    if private:
        env["NEWSBOT_ALLOW_PRIVATE_URLS"] = "1"
    async with asyncio.timeout(300):
        done = await newsbot_in_loop(*args, stdin=stdin, env=env)
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.mark.slow
async def test_follow_a_feed_refresh_and_ask_gets_a_cited_answer(
    site: NewsSite, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    rss = site.url("/feeds/rss.xml")
    followed = await newsbot("feeds", "add", rss, "--every", "2h", index=index)
    assert followed.code == 0, followed.err
    assert rss in followed.out and "every 2h" in followed.out

    first = await newsbot("refresh", index=index)
    assert first.code == 0, first.err
    assert first.out.splitlines()[0].startswith(f"{rss}: 3 items, 3 added")
    assert "3 added, 0 replaced" in first.out

    asked = await newsbot(
        "ask", "--json", index=index, stdin="How long is the Port Alder ferry terminal shut?\n"
    )
    assert asked.code == 0, asked.err
    top = json.loads(asked.out)["citations"][0]
    assert (top["url"], top["title"], top["published"], top["publisher"]) == (
        FERRY_CANONICAL,
        "Storm surge shuts Port Alder ferry terminal for three days",
        "2024-03-14",
        "The Harbour Herald",
    )

    site.clear_log()
    again = await newsbot("refresh", "--all", index=index)
    assert again.code == 0, again.err
    assert again.out.splitlines() == [
        f"{rss}: not modified",
        "No new or changed stories: the index is as it was, 0 passages embedded.",
    ]
    assert site.requests and all(r.conditional for r in site.requests)
    not_due = await newsbot("refresh", index=index)
    assert not_due.out.strip() == "No feed is due."

    listed = await newsbot("feeds", "list", index=index)
    (line,) = listed.out.splitlines()
    assert line.startswith(f'{rss} | "The Harbour Herald - News" | every 2h | last check 20')
    assert "| 3 items seen | last error: none" in line

    removed = await newsbot("feeds", "remove", rss, index=index)
    assert removed.code == 0 and f"stopped following {rss}" in removed.out
    missing = await newsbot("feeds", "remove", rss, index=index)
    assert missing.code == 1 and "feeds list" in missing.err


@pytest.mark.slow
async def test_add_prints_one_line_per_url_and_refuses_private_addresses_unless_allowed(
    site: NewsSite, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    ferry, museum = site.url("/news/ferry-storm"), site.url("/news/museum-reopens")
    added = await newsbot("add", "--quiet", ferry, museum, site.url("/image.png"), index=index)
    lines = added.out.splitlines()
    assert added.code == 1, added.err  # one URL was skipped
    assert lines[0].startswith(f"added {ferry} as {FERRY_CANONICAL} (")
    assert '"Storm surge shuts Port Alder ferry terminal for three days", 14 Mar 2024' in lines[0]
    assert lines[1].startswith(f"added {museum} ")
    assert lines[2].startswith(f"skipped {site.url('/image.png')}: ")
    assert lines[3].startswith("2 added, 0 replaced, 0 unchanged, 0 removed, 1 skipped")

    again = await newsbot("add", ferry, index=index)
    assert again.code == 0, again.err
    assert again.out.splitlines()[0].startswith(f"unchanged {ferry} ")

    refused = await newsbot("add", ferry, index=index, private=False)
    assert refused.code == 1
    assert refused.out.splitlines()[0] == (
        f"skipped {ferry}: 127.0.0.1 is a loopback address "
        "(set NEWSBOT_ALLOW_PRIVATE_URLS=1 to allow private addresses)"
    )


@pytest.mark.parametrize(
    "command",
    [("add",), ("feeds",), ("feeds", "add"), ("feeds", "list"), ("feeds", "remove"), ("refresh",)],
)
async def test_help_works_on_each_command(command: tuple[str, ...], tmp_path: Path) -> None:
    shown = await newsbot(*command, "--help", index=tmp_path / "index")
    assert shown.code == 0, shown.err
    assert shown.out.startswith(f"usage: newsbot {' '.join(command)}")


async def test_a_bad_interval_or_address_is_explained(tmp_path: Path) -> None:
    index = tmp_path / "index"
    fast = await newsbot("feeds", "add", "https://example.com/rss", "--every", "10s", index=index)
    assert fast.code == 2 and "at most every 1m" in fast.err
    bad = await newsbot("feeds", "add", "example.com/rss", index=index)
    assert bad.code == 2 and "http:// or https://" in bad.err


@pytest.mark.slow
async def test_refresh_with_a_broken_index_exits_2_and_marks_nothing_seen(
    site: NewsSite, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    await newsbot("add", "--quiet", site.url("/news/ferry-storm"), index=index)
    await newsbot("feeds", "add", site.url("/feeds/rss.xml"), index=index)
    (index / "CURRENT").write_text("not-a-generation\n")
    broken = await newsbot("refresh", index=index)
    assert broken.code == 2, broken.out
    assert "newsbot repair" in broken.err and "Traceback" not in broken.err
    listed = await newsbot("feeds", "list", index=index)
    assert "| last check never | next check now (due) | 0 items seen |" in listed.out
