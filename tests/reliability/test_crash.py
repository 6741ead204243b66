"""Crash safety: `newsbot ingest` killed with SIGKILL, and two ingests into one index directory.

The children run the real CLI (``bot.cli.main.main``) forked from scripts/forkserver.py, so each
start costs the model load only; the long series (50+ kills) is in tests/stress/.
"""

from __future__ import annotations

import os
import random
import re
import time
from pathlib import Path

from retrieval import Embedder
from retrieval.index.lock import write_lock
from tests.stress.harness import (
    CrashRun,
    ForkServer,
    assert_index_sound,
    batch_sources,
    crash_run,
    indexed_crash_corpus,
    iter_phases,
    synthetic_articles,
)


def test_kill_9_at_every_phase_of_an_ingest_leaves_the_last_complete_generation(
    forkserver: ForkServer, tmp_path: Path, embedder: Embedder
) -> None:
    corpus, index_dir, expected = indexed_crash_corpus(tmp_path, embedder)
    rng = random.Random(20240601)
    runs: list[CrashRun] = []
    for target in iter_phases(5):
        # On a fast, idle machine a short phase can end before the kill lands: try a phase
        # again (every run, killed or not, must leave a sound index) until a kill hits it.
        for _ in range(3):
            run_ = crash_run(
                forkserver,
                index_dir,
                corpus,
                len(runs),
                rng,
                embedder,
                target=target,
                expected=expected,
                articles=3,
                paragraphs=3,
            )
            runs.append(run_)
            if run_.killed:
                break
    killed = [run for run in runs if run.killed]
    assert len(killed) >= 4, [vars(run) for run in runs]
    # The series really did hit the old-generation and the new-generation outcomes.
    assert any(not run.committed for run in killed), [vars(run) for run in runs]
    assert len(assert_index_sound(index_dir).articles) == 5 + 3 * len(runs)


def _ingest_argv(index_dir: Path, corpus: Path, *extra: str) -> list[str]:
    return ["--index-dir", str(index_dir), "ingest", "--quiet", *extra, str(corpus)]


def test_a_second_ingest_refuses_clearly_when_told_not_to_wait(
    forkserver: ForkServer, tmp_path: Path
) -> None:
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    synthetic_articles(corpus, 9000, count=1)
    with write_lock(index_dir):
        child = forkserver.spawn(_ingest_argv(index_dir, corpus, "--lock-timeout", "0"))
        code = forkserver.wait(child, 120)
    stdout, stderr = child.output()
    assert code == 2, (stdout, stderr)
    assert stderr.strip().splitlines()[-1] == (
        f"newsbot: The index at {index_dir} is being written by pid {os.getpid()}. "
        "Wait for that ingest to finish, then try again."
    )
    assert "Traceback" not in stderr
    assert not (index_dir / "CURRENT").exists()


def test_two_ingests_into_one_directory_wait_for_each_other_and_both_finish(
    forkserver: ForkServer, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    first, second = tmp_path / "first", tmp_path / "second"
    synthetic_articles(first, 9101, count=2)
    synthetic_articles(second, 9102, count=2)
    with write_lock(index_dir):  # both start while a third writer holds the lock
        children = [
            forkserver.spawn(_ingest_argv(index_dir, first)),
            forkserver.spawn(_ingest_argv(index_dir, second)),
        ]
        time.sleep(2.0)
    codes = [forkserver.wait(child, 240) for child in children]
    outputs = [child.output() for child in children]
    assert codes == [0, 0], outputs
    for _, stderr in outputs:
        assert re.search(r"is being written by pid \d+; waiting up to 600 s", stderr), stderr
        assert "Traceback" not in stderr
    loaded = assert_index_sound(index_dir)
    assert set(loaded.articles) == batch_sources(9101, count=2) | batch_sources(9102, count=2)
