"""The targets table: each target, which result holds its figure, and whether it is met.

Targets are data: :data:`TARGETS` here for retrieval and speed, and the tables beside the web
and answer-quality sections; :func:`targets_section` renders any sequence of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from benchmarks.records import Results
from benchmarks.records_speed import SpeedResult
from benchmarks.report_markdown import cell, table

Figure = float | int | None


class Check(Protocol):
    """What a figure must reach, as the table states it."""

    def describe(self, results: Results) -> str:
        """The target column."""
        ...

    def met(self, value: float, results: Results) -> bool | None:
        """Whether ``value`` meets the target; None when the results cannot tell."""
        ...


@dataclass(frozen=True)
class AtLeast:
    """The figure is at least ``limit``."""

    limit: float
    text: str

    def describe(self, results: Results) -> str:
        return self.text

    def met(self, value: float, results: Results) -> bool | None:
        return value >= self.limit


@dataclass(frozen=True)
class AtMost:
    """The figure is at most ``limit``."""

    limit: float
    text: str

    def describe(self, results: Results) -> str:
        return self.text

    def met(self, value: float, results: Results) -> bool | None:
        return value <= self.limit


@dataclass(frozen=True)
class Below:
    """The figure is under ``limit``."""

    limit: float
    text: str

    def describe(self, results: Results) -> str:
        return self.text

    def met(self, value: float, results: Results) -> bool | None:
        return value < self.limit


@dataclass(frozen=True)
class Within:
    """The figure is within ``tolerance`` of ``center``."""

    center: float
    tolerance: float
    text: str

    def describe(self, results: Results) -> str:
        return self.text

    def met(self, value: float, results: Results) -> bool | None:
        return abs(value - self.center) <= self.tolerance


@dataclass(frozen=True)
class AtLeastFigure:
    """The figure is at least another figure of the same run (``bound``), shown beside it."""

    text: str
    bound: Callable[[Results], Figure]

    def describe(self, results: Results) -> str:
        bound = self.bound(results)
        return self.text if bound is None else f"{self.text} ({cell(float(bound))})"

    def met(self, value: float, results: Results) -> bool | None:
        bound = self.bound(results)
        return None if bound is None else value >= bound


@dataclass(frozen=True)
class Target:
    """One row of the targets table: which result holds its figure and what meets it."""

    figure: str
    source: str  # the result's benchmark name
    value: Callable[[Results], Figure]
    check: Check


def _scifact_default(results: Results) -> Figure:
    r = results.scifact
    if r is None:
        return None
    product = r.product.ndcg_at_10 if r.product is not None else None
    return product if product is not None else r.shipped.convex.ndcg_at_10


def _scale_answer(name: str, first_pass: bool) -> Callable[[Results], Figure]:
    def value(results: Results) -> Figure:
        found = results.scale(name)
        if not found:
            return None
        passes = found[0].answer
        return (passes.first_pass if first_pass else passes.repeat).p50_ms

    return value


def _bot_rate(shipped: bool) -> Callable[[Results], Figure]:
    def value(results: Results) -> Figure:
        r = results.bot
        if r is None:
            return None
        return (r.shipped if shipped else r.no_flood_limit).questions_per_s

    return value


def _speed(read: Callable[[SpeedResult], Figure]) -> Callable[[Results], Figure]:
    def value(results: Results) -> Figure:
        return None if results.speed is None else read(results.speed)

    return value


def _onnx_p50(r: SpeedResult) -> Figure:
    onnx = r.query_embedding.latency.get("onnx")
    return None if onnx is None else onnx.p50_ms


def _hnsw_128(r: SpeedResult) -> Figure:
    return None if r.hnsw_recall_real is None else r.hnsw_recall_real.recall_at_10.get("128")


TARGETS: tuple[Target, ...] = (
    Target(
        "SciFact nDCG@10, product default", "scifact", _scifact_default, AtLeast(0.72, "≥ 0.72")
    ),
    Target(
        "SciFact nDCG@10, tuned on train",
        "scifact",
        lambda results: (
            None if results.scifact is None else results.scifact.tuned.convex.ndcg_at_10
        ),
        AtLeast(0.72, "≥ 0.72"),
    ),
    Target(
        "SciFact dense reproduces MTEB 0.645",
        "scifact",
        lambda results: (
            None if results.scifact is None else results.scifact.shipped.dense.ndcg_at_10
        ),
        Within(0.64508, 0.005, "±0.005"),
    ),
    Target("query embedding p50 (ONNX, shipped)", "speed", _speed(_onnx_p50), AtMost(8, "≤ 8 ms")),
    *(
        Target(
            f"answer() p50, {label} ({pass_label})",
            source,
            _scale_answer(source, first_pass),
            AtMost(limit, f"≤ {limit} ms"),
        )
        for source, label, first_pass, pass_label, limit in (
            ("scale-100k", "100k passages", False, "repeat", 30),
            # The answer-quality work's budget: sentence vectors come from the index.
            ("scale-100k", "100k passages", True, "first pass", 25),
            ("scale-1m", "1M passages", False, "repeat", 50),
            ("scale-1m", "1M passages", True, "first pass", 50),
        )
    ),
    Target(
        "HNSW recall@10 vs exact, real vectors",
        "speed",
        _speed(_hnsw_128),
        AtLeast(0.99, "≥ 0.99"),
    ),
    Target(
        "ingest vs plain encode",
        "speed",
        _speed(lambda r: None if r.ingest is None else r.ingest.ingest_vs_plain),
        AtLeast(0.9, "≥ 0.9×"),
    ),
    Target(
        "re-ingest unchanged corpus embeds",
        "speed",
        _speed(lambda r: None if r.ingest is None else r.ingest.reingest_embedded),
        Within(0, 0, "0"),
    ),
)

BOT_TARGETS: tuple[Target, ...] = tuple(
    Target(
        f"bot questions/s, 50 users ({label})", "bot_load", _bot_rate(shipped), AtLeast(30, "≥ 30")
    )
    for shipped, label in ((True, "shipped"), (False, "flood limit off"))
)


def targets_section(results: Results, targets: Sequence[Target]) -> list[str]:
    """The targets table: figure, target, measured value, met or not, and its result file."""
    rows: list[list[Any]] = []
    for target in targets:
        value = target.value(results)
        met = None if value is None else target.check.met(value, results)
        status = "n/a" if met is None else ("met" if met else "**not met**")
        record = results.by_name.get(target.source)
        if met is not None and record is not None and record.provenance.quick:
            status += " (quick run only)"
        rows.append(
            [target.figure, target.check.describe(results), cell(value), status, target.source]
        )
    return [
        "## Targets",
        "",
        *table(["figure", "target", "measured", "status", "result file"], rows),
    ]
