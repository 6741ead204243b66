"""Shared tools of the reliability battery: fork server client, synthetic corpus, index checks.

Used by tests/test_reliability_*.py (fast cases, in `make test`) and tests/stress/ (long runs,
in `make stress`). Nothing here fakes our own code: the fork server runs the real CLI.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from retrieval import Embedder, Engine
from retrieval.index.layout import CURRENT, GENERATIONS
from retrieval.index.loader import LoadedIndex, load_index

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
FORKSERVER = ROOT / "scripts" / "forkserver.py"
STRESS_OUT = ROOT / "var" / "stress"

_WORDS = [
    "harbour",
    "council",
    "budget",
    "river",
    "festival",
    "railway",
    "school",
    "farmers",
    "drought",
    "minister",
    "court",
    "election",
    "bridge",
    "hospital",
    "museum",
    "vaccine",
    "storm",
    "market",
    "tariff",
    "pipeline",
    "airport",
    "union",
    "strike",
    "glacier",
    "orchard",
    "copper",
    "satellite",
    "lighthouse",
    "vineyard",
    "ferry",
    "library",
    "stadium",
    "reservoir",
    "quarry",
    "tunnel",
    "canal",
    "observatory",
    "refinery",
    "monastery",
    "plateau",
    "delta",
    "archive",
]


def synthetic_articles(folder: Path, batch: int, *, count: int = 8, paragraphs: int = 5) -> str:
    """Write ``count`` new articles for ``batch`` into ``folder``; return the batch's keyword.

    Every article holds the keyword ``zq<batch>x`` so a question can find the batch, and its
    text is unique, so it must be embedded (the embedding cache cannot help).
    """
    rng = random.Random(batch)
    keyword = f"zq{batch}x"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        subject = rng.choice(_WORDS)
        lines = [f"Report {keyword} number {number} on the {subject} of region {batch}"]
        for p in range(paragraphs):
            sentences = []
            for s in range(4):
                words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 14)))
                grew = rng.randint(1, 999)
                sentences.append(
                    f"In {keyword} paragraph {p} sentence {s} the {words} grew by {grew} units."
                )
            lines.append(" ".join(sentences))
        (folder / f"b{batch:04d}_{number:02d}.txt").write_text("\n\n".join(lines) + "\n")
    return keyword


def batch_sources(batch: int, *, count: int = 8, prefix: str = "") -> set[str]:
    """The article sources ``synthetic_articles`` creates for ``batch`` under ``prefix``."""
    return {f"{prefix}b{batch:04d}_{n:02d}.txt" for n in range(count)}


def live_name(index_dir: Path) -> str | None:
    """The generation name in CURRENT, or None when there is none."""
    try:
        return (index_dir / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None


def assert_index_sound(index_dir: Path) -> LoadedIndex:
    """Load the live generation with every check on, and re-check it from both directions.

    ``load_index`` verifies sizes, SHA-256 checksums and runs ``check_consistency`` (every
    FAISS id has a metadata row and back, counts agree with the manifest); this adds that the
    loaded folder is a committed generation, never a temporary one.
    """
    loaded = load_index(index_dir, checksums=True)
    assert loaded.directory.name.startswith("gen-"), loaded.directory
    assert loaded.directory.parent.name == GENERATIONS
    assert loaded.directory.name == live_name(index_dir)
    assert loaded.manifest.generation == loaded.directory.name
    assert len(loaded.chunks) == loaded.manifest.chunks == loaded.vectors.size
    assert loaded.lexical.size == loaded.manifest.chunks
    assert len(loaded.articles) == loaded.manifest.articles
    assert set(loaded.chunks.sources) <= set(loaded.articles)
    return loaded


def tree_snapshot(root: Path, *, skip: tuple[Path, ...] = ()) -> dict[str, tuple[str, int, str]]:
    """Every entry under ``root`` (symlinks not followed): kind, size and content hash."""
    out: dict[str, tuple[str, int, str]] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        if any(here == s or s in here.parents for s in skip):
            dirnames[:] = []
            continue
        for name in dirnames + filenames:
            path = here / name
            rel = path.relative_to(root).as_posix()
            if any(path == s for s in skip):
                continue
            info = path.lstat()
            if path.is_symlink():
                out[rel] = ("link", 0, str(path.readlink()))
            elif path.is_dir():
                out[rel] = ("dir", 0, "")
            elif info.st_size > 1 << 20:  # large (sparse) files: size only
                out[rel] = ("file", info.st_size, "")
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
                out[rel] = ("file", info.st_size, digest)
    return out


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def record_figures(name: str, figures: dict[str, Any]) -> Path:
    """Write stress figures to var/stress/<name>.json (docs/RELIABILITY.md quotes them)."""
    STRESS_OUT.mkdir(parents=True, exist_ok=True)
    path = STRESS_OUT / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, sort_keys=True, default=str) + "\n")
    return path


# --- the fork server -------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    """The environment of a `newsbot` child: ours without Telegram or newsbot settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "NEWSBOT_"))
    }
    env.update({"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"})
    return env


@dataclass
class Child:
    """A `newsbot` run forked by the fork server."""

    pid: int
    stdout: Path
    stderr: Path
    started: float
    code: int | None = None

    def output(self) -> tuple[str, str]:
        return (
            self.stdout.read_text(errors="replace"),
            self.stderr.read_text(errors="replace"),
        )


class Launcher(Protocol):
    """Starts `newsbot` children and reports their exit: ``ForkServer`` or ``ExecLauncher``."""

    def spawn(self, argv: list[str], env: dict[str, str] | None = None) -> Child: ...

    def poll(self, child: Child) -> int | None: ...

    def wait(self, child: Child, timeout: float) -> int: ...


@dataclass
class ForkServer:
    """Client of scripts/forkserver.py: ``spawn`` forks a child running ``newsbot ARGV``."""

    workdir: Path
    process: subprocess.Popen[str] | None = None
    _events: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    _exits: dict[int, int] = field(default_factory=dict)
    _count: int = 0

    def start(self, timeout: float = 240.0) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, str(FORKSERVER)],
            cwd=ROOT,
            env=child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        event = self._events.get(timeout=timeout)
        if not event.get("ready"):
            raise RuntimeError(f"fork server did not start: {event}")

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            message = json.loads(line)
            if "exit" in message:
                self._exits[int(message["exit"])] = int(message["code"])
            else:
                self._events.put(message)
        self._events.put({"closed": True})

    def spawn(self, argv: list[str], env: dict[str, str] | None = None) -> Child:
        assert self.process is not None and self.process.stdin is not None
        self._count += 1
        out = self.workdir / f"child-{self._count}.out"
        err = self.workdir / f"child-{self._count}.err"
        request = {"argv": argv, "stdout": str(out), "stderr": str(err), "env": env or {}}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        event = self._events.get(timeout=30)
        return Child(int(event["pid"]), out, err, time.monotonic())

    def poll(self, child: Child) -> int | None:
        if child.code is None and child.pid in self._exits:
            child.code = self._exits[child.pid]
        return child.code

    def wait(self, child: Child, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while self.poll(child) is None:
            if time.monotonic() > deadline:
                kill(child.pid)
                raise AssertionError(f"child {child.pid} still running after {timeout} s")
            time.sleep(0.01)
        assert child.code is not None
        return child.code

    def stop(self) -> None:
        if self.process is None:
            return
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def kill(pid: int) -> None:
    """SIGKILL ``pid`` if it still exists."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


# --- one crash run ---------------------------------------------------------------------------

PHASES = ("startup", "embedding", "writing", "switching")


@dataclass
class CrashRun:
    """What one kill -9 run did and found."""

    number: int
    target: str
    delay_s: float
    reached: str = ""
    killed: bool = False
    before: str | None = None
    after: str | None = None
    committed: bool = False
    child_seconds: float = 0.0
    finish_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _lock_holder(index_dir: Path) -> str:
    try:
        return (index_dir / ".lock").read_text().strip()
    except FileNotFoundError:
        return ""


def _temporaries(index_dir: Path) -> list[Path]:
    generations = index_dir / GENERATIONS
    return list(generations.glob(".tmp-*")) if generations.is_dir() else []


def _generations(index_dir: Path) -> set[str]:
    generations = index_dir / GENERATIONS
    if not generations.is_dir():
        return set()
    return {p.name for p in generations.iterdir() if p.name.startswith("gen-")}


def _wait_until(predicate: Any, child: Child, server: Launcher, timeout: float) -> bool:
    """Busy-wait (0.5 ms) for ``predicate``; False when the child ended or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if server.poll(child) is not None:
            return False
        time.sleep(0.0005)
    return False


def crash_run(
    server: Launcher,
    index_dir: Path,
    corpus: Path,
    number: int,
    rng: random.Random,
    embedder: Embedder,
    *,
    target: str | None = None,
    expected: set[str],
    articles: int = 8,
    paragraphs: int = 5,
) -> CrashRun:
    """Add batch ``number`` to ``corpus``, start `newsbot ingest`, SIGKILL it, check the index.

    ``expected`` is the set of article sources in the live generation before the run; it is
    updated in place to the set after the finishing ingest.

    Checks: the next load sees a complete, consistent, committed generation holding exactly the
    old or the old plus the new articles; then a normal ingest finishes, removes the stale
    temporary folder and holds everything.
    """
    target = target or rng.choice(PHASES)
    synthetic_articles(corpus / "synthetic", number, count=articles, paragraphs=paragraphs)
    new_sources = batch_sources(number, count=articles, prefix="synthetic/")
    run = CrashRun(number=number, target=target, delay_s=0.0, before=live_name(index_dir))
    old_generations = _generations(index_dir)
    child = server.spawn(["--index-dir", str(index_dir), "ingest", "--quiet", str(corpus)])
    pid_line = f"pid {child.pid}"
    if target == "startup":  # model loading, reading the articles
        run.delay_s = rng.uniform(0.0, 0.6)
        _wait_until(lambda: False, child, server, run.delay_s)
    elif target == "embedding":  # lock held: loading the old index, chunking, embedding
        if _wait_until(lambda: _lock_holder(index_dir) == pid_line, child, server, 120):
            run.delay_s = rng.uniform(0.0, 2.5)
            _wait_until(lambda: False, child, server, run.delay_s)
    elif target == "writing":  # the temporary generation folder is being filled
        if _wait_until(lambda: bool(_temporaries(index_dir)), child, server, 180):
            run.delay_s = rng.uniform(0.0, 0.04)
            time.sleep(run.delay_s)
    else:  # switching: the new generation folder exists; CURRENT is about to change
        if _wait_until(
            lambda: bool(_generations(index_dir) - old_generations), child, server, 180
        ):
            run.delay_s = rng.uniform(0.0, 0.01)
            time.sleep(run.delay_s)
    # What the child was doing at the moment of the kill, as seen from outside.
    if server.poll(child) is not None:
        run.reached = "finished"
    elif live_name(index_dir) != run.before:
        run.reached = "switched"
    elif _generations(index_dir) - old_generations:
        run.reached = "switching"
    elif _temporaries(index_dir):
        run.reached = "writing"
    elif _lock_holder(index_dir) == pid_line:
        run.reached = "embedding"
    else:
        run.reached = "startup"
    kill(child.pid)
    code = server.wait(child, 30)
    run.killed = code == -signal.SIGKILL
    run.child_seconds = time.monotonic() - child.started
    if not run.killed:
        stdout, stderr = child.output()
        assert code == 0, f"ingest failed with {code}: {stdout}\n{stderr}"
        run.notes.append("child finished before the kill")

    # Every following start loads the last complete generation.
    loaded = assert_index_sound(index_dir)
    run.after = loaded.directory.name
    sources = set(loaded.articles)
    run.committed = sources == expected | new_sources
    assert sources in (expected, expected | new_sources), (
        f"run {number}: the live generation holds neither the old nor the new article set "
        f"({len(sources)} articles; old {len(expected)}, new {len(expected | new_sources)})"
    )
    if run.after != run.before:
        assert run.committed, "a new generation went live without the new batch"
    engine = Engine(index_dir, embedder=embedder)
    engine.reload()
    # The next ingest finishes, cleans up and holds everything.
    started = time.monotonic()
    report = engine.ingest([corpus])
    run.finish_seconds = time.monotonic() - started
    assert not _temporaries(index_dir), "a stale temporary generation survived the next ingest"
    final = assert_index_sound(index_dir)
    assert set(final.articles) == expected | new_sources
    if run.committed:
        assert not report.changed
    answer = engine.answer(f"What grew in zq{number}x paragraph 1?", top_k=3)
    assert answer.answered and any(c.source in new_sources for c in answer.citations), (
        f"run {number}: the new batch cannot be found after the finishing ingest"
    )
    expected |= new_sources
    return run


def indexed_crash_corpus(root: Path, embedder: Embedder) -> tuple[Path, Path, set[str]]:
    """A corpus (the seeds, with room for synthetic batches) ingested into ``root/index``.

    Returns:
        The corpus folder, the index folder and the sources in its live generation.
    """
    corpus, index_dir = root / "corpus", root / "index"
    shutil.copytree(SEEDS, corpus / "seeds")
    Engine(index_dir, embedder=embedder).ingest([corpus])
    return corpus, index_dir, set(assert_index_sound(index_dir).articles)


def iter_phases(count: int) -> Iterator[str]:
    """Targets for ``count`` runs: every phase in turn, so a short series covers them all."""
    for index in range(count):
        yield PHASES[index % len(PHASES)]


@dataclass
class ExecLauncher:
    """Same interface as ``ForkServer``, but each child is a fresh `newsbot` console script."""

    workdir: Path
    _processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    _count: int = 0

    def spawn(self, argv: list[str], env: dict[str, str] | None = None) -> Child:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._count += 1
        out = self.workdir / f"exec-{self._count}.out"
        err = self.workdir / f"exec-{self._count}.err"
        executable = Path(sys.executable).parent / "newsbot"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(
                [str(executable), *argv],
                cwd=ROOT,
                env={**child_env(), **(env or {})},
                stdout=stdout,
                stderr=stderr,
            )
        self._processes[process.pid] = process
        return Child(process.pid, out, err, time.monotonic())

    def poll(self, child: Child) -> int | None:
        if child.code is None:
            child.code = self._processes[child.pid].poll()
        return child.code

    def wait(self, child: Child, timeout: float) -> int:
        child.code = self._processes[child.pid].wait(timeout=timeout)
        return child.code
