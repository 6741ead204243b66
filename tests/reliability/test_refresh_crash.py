"""Crash safety of `newsbot refresh`: SIGKILL at every phase loses no story and no index.

The children run the real CLI forked from scripts/forkserver.py against the loopback news site
(served from a thread, since waiting for children blocks). Each run publishes two new stories,
starts `newsbot refresh --all`, kills it while it fetches, embeds, writes the generation or
just after switching to it (before the feed store is saved), and checks that the index loads.
A final refresh must then hold every story ever published, and one more must embed nothing.
"""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from retrieval.index.layout import GENERATIONS
from retrieval.web.feed_store import FeedStore
from tests.stress.harness import ForkServer, assert_index_sound, child_env, kill, live_name
from tests.support.news_site import Story
from tests.support.threaded_site import threaded_site

PHASES = ("fetching", "embedding", "writing", "switched")
_WORDS = ("harbour", "council", "ferry", "quay", "storm", "pier", "bridge", "library", "market")


def _story(number: int) -> Story:
    rng = random.Random(number)
    sentences = [
        f"Report {number} says the {rng.choice(_WORDS)} of district {number} changed "
        f"{rng.randint(2, 99)} times in {rng.choice(_WORDS)} season, officials said."
        for _ in range(12)
    ]
    return Story(
        slug=f"report-{number}",
        title=f"District {number} report on the {rng.choice(_WORDS)}",
        published=datetime(2024, 5, 1, tzinfo=UTC) + timedelta(hours=number),
        summary=sentences[0],
        paragraphs=(" ".join(sentences[:4]), " ".join(sentences[4:8]), " ".join(sentences[8:])),
    )


def _wait(predicate: object, forkserver: ForkServer, child: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        if forkserver.poll(child) is not None:  # type: ignore[arg-type]
            return False
        time.sleep(0.0005)
    return False


def _kill_during(
    phase: str, forkserver: ForkServer, index_dir: Path, rng: random.Random, env: dict[str, str]
) -> tuple[bool, bool]:
    """Start a refresh and SIGKILL it in ``phase``; return (killed before it ended, committed)."""
    before = live_name(index_dir)
    child = forkserver.spawn(["--index-dir", str(index_dir), "refresh", "--all"], env=env)
    lock = index_dir / ".lock"
    temporaries = index_dir / GENERATIONS
    if phase == "fetching":
        _wait(lambda: False, forkserver, child, rng.uniform(0.0, 0.8))
    elif phase == "embedding":
        if _wait(lambda: f"pid {child.pid}" in _read(lock), forkserver, child, 120):
            _wait(lambda: False, forkserver, child, rng.uniform(0.0, 1.0))
    elif phase == "writing":
        _wait(lambda: any(temporaries.glob(".tmp-*")), forkserver, child, 120)
    else:  # the new generation is live; the feed store is not saved yet
        _wait(lambda: live_name(index_dir) != before, forkserver, child, 120)
    killed = forkserver.poll(child) is None
    kill(child.pid)
    forkserver.wait(child, 30)
    return killed, live_name(index_dir) != before


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def test_kill_9_during_refresh_loses_nothing_and_leaves_the_index_loadable(
    forkserver: ForkServer, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    env = {**child_env(), "NEWSBOT_ALLOW_PRIVATE_URLS": "1"}
    rng = random.Random(20241127)
    with threaded_site() as site:
        with FeedStore.beside(index_dir) as store:
            store.add(site.url("/feeds/rss.xml"), every=timedelta(hours=1), now=datetime.now(UTC))
        number = 0
        runs: list[tuple[str, bool, bool]] = []
        for phase in PHASES * 2:
            for _ in range(2):
                number += 1
                site.call(lambda n=number: site.site.put_story(_story(n)))  # type: ignore[misc]
            runs.append((phase, *_kill_during(phase, forkserver, index_dir, rng, env)))
            if live_name(index_dir) is not None:
                assert_index_sound(index_dir)
            with sqlite3.connect(index_dir / "feeds.sqlite") as db:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

        killed = [run for run in runs if run[1]]
        assert len(killed) >= 5, runs
        assert any(committed for _, _, committed in killed), runs  # killed before saving
        assert any(not committed for _, _, committed in killed), runs

        finished = _refresh(forkserver, index_dir, env)
        assert finished.startswith(site.url("/feeds/rss.xml") + ": "), finished
        loaded = assert_index_sound(index_dir)
        expected = {site.url(f"/news/report-{n}") for n in range(1, number + 1)}
        assert expected <= set(loaded.articles), expected - set(loaded.articles)
        assert len(loaded.articles) == 3 + number

        quiet = _refresh(forkserver, index_dir, env)
        assert quiet.splitlines() == [
            f"{site.url('/feeds/rss.xml')}: not modified",
            "No new or changed stories: the index is as it was, 0 passages embedded.",
        ]


def _refresh(forkserver: ForkServer, index_dir: Path, env: dict[str, str]) -> str:
    child = forkserver.spawn(["--index-dir", str(index_dir), "refresh", "--all"], env=env)
    code = forkserver.wait(child, 240)
    out, err = child.output()
    assert code == 0, (out, err)
    assert "Traceback" not in err
    return out
