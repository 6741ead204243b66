"""`make stress`: 50 SIGKILLs of `newsbot ingest` at random moments, plus 5 of the real script.

Figures go to var/stress/crash.json; docs/RELIABILITY.md quotes them.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from retrieval import Embedder
from tests.stress.harness import (
    PHASES,
    CrashRun,
    ExecLauncher,
    ForkServer,
    assert_index_sound,
    crash_run,
    indexed_crash_corpus,
    record_figures,
)

pytestmark = pytest.mark.stress

RUNS = 50
EXEC_RUNS = 5


def _figures(runs: list[CrashRun]) -> dict[str, object]:
    return {
        "runs": len(runs),
        "killed": sum(r.killed for r in runs),
        "targeted": dict(Counter(r.target for r in runs)),
        "reached_at_kill": dict(Counter(r.reached for r in runs)),
        "old_generation_live_after_kill": sum(not r.committed for r in runs),
        "new_generation_live_after_kill": sum(r.committed for r in runs),
        "load_failures": 0,
        "finishing_ingest_failures": 0,
        "mean_child_seconds": round(sum(r.child_seconds for r in runs) / len(runs), 2),
    }


def test_fifty_random_kills_never_leave_an_unloadable_index(
    forkserver: ForkServer, tmp_path: Path, embedder: Embedder
) -> None:
    corpus, index_dir, expected = indexed_crash_corpus(tmp_path, embedder)
    rng = random.Random(1_234_567)
    runs = [
        crash_run(forkserver, index_dir, corpus, n, rng, embedder, expected=expected)
        for n in range(RUNS)
    ]
    record_figures("crash", _figures(runs))
    assert sum(r.killed for r in runs) >= RUNS - 3
    reached = Counter(r.reached for r in runs)
    assert {"embedding", "writing"} <= set(reached), reached
    assert len(assert_index_sound(index_dir).articles) == 5 + 8 * RUNS


def test_kills_of_the_real_console_script(tmp_path: Path, embedder: Embedder) -> None:
    corpus, index_dir, expected = indexed_crash_corpus(tmp_path, embedder)
    rng = random.Random(7_654_321)
    launcher = ExecLauncher(tmp_path / "exec")
    runs = [
        crash_run(
            launcher,
            index_dir,
            corpus,
            n,
            rng,
            embedder,
            target=PHASES[1 + n % 3],
            expected=expected,
        )
        for n in range(EXEC_RUNS)
    ]
    record_figures("crash-exec", _figures(runs))
    assert sum(r.killed for r in runs) >= EXEC_RUNS - 1
