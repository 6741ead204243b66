"""Result files: machine facts, timing summaries and ``benchmarks/results/<name>.json``."""

from __future__ import annotations

import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import sysconfig
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "results"
CACHE_DIR = ROOT / "benchmarks" / "cache"


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, load, library versions and the git commit of this run."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = 0.0
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "ram_gib": ram_gib,
        "load_average_1m": round(os.getloadavg()[0], 2),
        # 1, 5 and 15 minutes: other work on a shared 2-core machine distorts timings.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": _versions(),
        "git_commit": _git_commit(),
    }


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    names = ["torch", "sentence-transformers", "faiss-cpu", "bm25s", "onnxruntime", "numpy"]
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


def _git_commit() -> str:
    try:
        head = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}{'+dirty' if dirty else ''}"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
    ).stdout.strip()


def command_line() -> str:
    """The command that is running, as a user would type it."""
    argv = list(sys.argv)
    if argv and argv[0].endswith(".py"):
        module = Path(argv[0]).resolve()
        try:
            dotted = ".".join(module.relative_to(ROOT).with_suffix("").parts)
            argv[0:1] = ["python", "-m", dotted]
        except ValueError:
            argv[0:1] = ["python", argv[0]]
    elif argv and argv[0] == "-m":
        argv[0:1] = ["python", "-m"]
    return shlex.join(argv)


def without_machine_paths(text: str) -> str:
    """``text`` with this machine's folders cut from the paths in it.

    Paths under site-packages or the standard library become relative to those, then paths
    under the repository relative to it (a virtual environment inside the repository counts as
    site-packages).
    """
    paths = sysconfig.get_paths()
    prefixes = {paths[key] for key in ("purelib", "platlib", "stdlib", "platstdlib")}
    for prefix in sorted(prefixes, key=len, reverse=True):
        text = text.replace(prefix.rstrip(os.sep) + os.sep, "")
    return text.replace(str(ROOT) + os.sep, "")


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB.

    Reads ``VmHWM``, which belongs to the current program: ``getrusage``'s ``ru_maxrss``
    survives ``exec`` on Linux, so a child forked from a large parent would report the
    parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def summarize_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/mean/min of durations given in seconds, reported in milliseconds."""
    values = np.asarray(seconds, dtype=np.float64) * 1000
    if not len(values):
        return {"n": 0}
    return {
        "n": len(values),
        "p50_ms": round(float(np.percentile(values, 50)), 3),
        "p95_ms": round(float(np.percentile(values, 95)), 3),
        "mean_ms": round(float(values.mean()), 3),
        "min_ms": round(float(values.min()), 3),
    }


def write_result(
    name: str,
    payload: dict[str, Any],
    *,
    quick: bool,
    started: float,
    directory: Path = RESULTS_DIR,
) -> Path:
    """Write ``<directory>/<name>.json`` (``<name>-quick.json`` for ``--quick``)."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-quick" if quick else name
    document = {
        "benchmark": name,
        "quick": quick,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command_line(),
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mib": peak_rss_mib(),
        "machine": machine(),
        **payload,
    }
    path = directory / f"{stem}.json"
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    temporary.replace(path)
    return path
