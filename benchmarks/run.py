"""Run benchmarks by name, then regenerate BENCHMARKS.md.

``python -m benchmarks.run all`` runs everything (``--quick``: the subsampled variants, a few
minutes in all); ``python -m benchmarks.run scifact news`` runs just those. Each benchmark is
also its own module (``python -m benchmarks.scifact --help``) with more options.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence

from benchmarks import report
from benchmarks.results import ROOT

# Each benchmark runs in its own process so that its peak RSS is its own.
FULL: dict[str, list[list[str]]] = {
    "scifact": [["benchmarks.scifact"]],
    "news": [["benchmarks.news"]],
    "speed": [["benchmarks.speed"]],
    "scale": [
        ["benchmarks.scale", "--passages", "100000"],
        ["benchmarks.scale", "--passages", "1000000"],
    ],
    "bot": [["benchmarks.bot_load"]],
    "pages": [["benchmarks.page_extraction"]],
    "feeds": [["benchmarks.feeds_quality"], ["benchmarks.feeds_speed"]],
}
QUICK: dict[str, list[list[str]]] = {
    "scifact": [["benchmarks.scifact", "--quick"]],
    "news": [["benchmarks.news", "--quick"]],
    "speed": [["benchmarks.speed", "--quick"]],
    "scale": [["benchmarks.scale", "--quick"]],
    "bot": [["benchmarks.bot_load", "--quick"]],
    "pages": [["benchmarks.page_extraction"]],
    "feeds": [["benchmarks.feeds_quality"], ["benchmarks.feeds_speed", "--quick"]],
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the named benchmarks in order; returns the number that failed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="+", choices=[*FULL, "all", "report"])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    names = list(plan) if "all" in args.names else [n for n in args.names if n != "report"]
    failed = 0
    for name in names:
        for command in plan[name]:
            started = time.perf_counter()
            print(f"== {' '.join(command)}", flush=True)
            completed = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, check=False)
            print(
                f"== {name}: exit {completed.returncode} in {time.perf_counter() - started:.0f} s"
            )
            failed += completed.returncode != 0
    report.main([])
    return failed


if __name__ == "__main__":
    sys.exit(main())
