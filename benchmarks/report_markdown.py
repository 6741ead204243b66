"""Markdown pieces every BENCHMARKS.md section uses: a figure, a table, a provenance line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from benchmarks.result_format import Latency, Provenance


def cell(value: Any, digits: int = 3) -> str:
    """A figure as a table shows it: floats to ``digits`` places, None as n/a."""
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A Markdown table (strings as given, other cells through :func:`cell`), then a blank line."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += [
        "| " + " | ".join(cell(c) if not isinstance(c, str) else c for c in row) + " |"
        for row in rows
    ]
    return [*lines, ""]


def provenance(p: Provenance) -> list[str]:
    """The italic line that says when, where, how and by which command a result was made."""
    machine = p.machine
    quick = " **(quick run: subsampled, indicative only)**" if p.quick else ""
    where = f"{machine.cpu}, {machine.cores} cores, {machine.ram_gib} GiB RAM"
    load = machine.load_average
    shown_load = "?" if load is None else (str(list(load)) if isinstance(load, tuple) else load)
    took = "run time not recorded" if p.seconds is None else f"{p.seconds} s"
    return [
        f"*{p.date} · `{p.command}` · {where} · load average "
        f"(1/5/15 min) {shown_load} at the end · commit "
        f"{machine.git_commit} · {took}, peak RSS {p.peak_rss_mib} MiB*{quick}",
        "",
    ]


def latency_cell(m: Latency | None) -> str:
    """p50 / p95 milliseconds."""
    if m is None:
        return "n/a"
    return f"{cell(m.p50_ms, 1)} / {cell(m.p95_ms, 1)}"
