"""The format every result file shares, and typed access to its fields.

``benchmarks/results/*.json`` files are read through :class:`Fields`, which names the file and
the field when one is missing or of the wrong type (:class:`ResultFormatError`); the records
here (provenance, timing summaries, ranking metrics) appear in every benchmark's record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


class ResultFormatError(ValueError):
    """Raised when a result file cannot be read as the record of its benchmark."""


class Fields:
    """One JSON object being read: typed access that names the field when it is wrong."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise ResultFormatError(f"{where}: expected an object, found {data!r:.60}")
        self._data: dict[str, object] = data
        self.where = where

    def has(self, key: str) -> bool:
        return key in self._data

    def is_object(self, key: str) -> bool:
        return isinstance(self._data.get(key), dict)

    def names(self) -> list[str]:
        return list(self._data)

    def _value(self, key: str) -> object:
        if key not in self._data:
            raise ResultFormatError(f"{self.where}.{key}: missing")
        return self._data[key]

    def _wrong(self, key: str, expected: str) -> ResultFormatError:
        return ResultFormatError(
            f"{self.where}.{key}: expected {expected}, found {self._data.get(key)!r:.60}"
        )

    def text(self, key: str) -> str:
        value = self._value(key)
        if not isinstance(value, str):
            raise self._wrong(key, "a string")
        return value

    def flag(self, key: str) -> bool:
        value = self._value(key)
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false")
        return value

    def integer(self, key: str) -> int:
        value = self._value(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._wrong(key, "an integer")
        return value

    def number(self, key: str) -> float:
        value = self._value(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(key, "a number")
        return float(value)

    def number_or_none(self, key: str) -> float | None:
        """A number, or None where the file says null; the field itself must be there."""
        return None if self._value(key) is None else self.number(key)

    def number_or_text(self, key: str) -> float | str:
        value = self._value(key)
        return value if isinstance(value, str) else self.number(key)

    def section(self, key: str) -> Fields:
        return Fields(self._value(key), f"{self.where}.{key}")

    def objects(self, key: str) -> list[Fields]:
        value = self._value(key)
        if not isinstance(value, list):
            raise self._wrong(key, "a list")
        return [Fields(item, f"{self.where}.{key}[{i}]") for i, item in enumerate(value)]

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._value(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._wrong(key, "a list of strings")
        return tuple(value)

    def numbers(self, key: str) -> tuple[float, ...]:
        value = self._value(key)
        if not isinstance(value, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        ):
            raise self._wrong(key, "a list of numbers")
        return tuple(float(v) for v in value)

    def optional(self, key: str, read: Callable[[Fields, str], T]) -> T | None:
        """``read(self, key)`` when the field is there and not null, else None."""
        return read(self, key) if self._data.get(key) is not None else None


# -- shared pieces -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Machine:
    """Where a benchmark ran."""

    cpu: str
    cores: int
    ram_gib: float
    load_average: tuple[float, ...] | float | None  # 1/5/15 min; older files: 1 min only
    git_commit: str


@dataclass(frozen=True, slots=True)
class Provenance:
    """What every result file says about its run."""

    name: str
    quick: bool
    date: str
    command: str
    seconds: float | None  # None: the run wrote something else under "seconds"
    peak_rss_mib: float
    machine: Machine


@dataclass(frozen=True, slots=True)
class Latency:
    """A timing summary from ``results.summarize_ms`` (milliseconds)."""

    n: int
    p50_ms: float | None
    p95_ms: float | None
    min_ms: float | None


@dataclass(frozen=True, slots=True)
class Ranking:
    """Mean ranking metrics over the judged queries (each benchmark reports some of them)."""

    ndcg_at_10: float | None
    recall_at_10: float | None
    recall_at_100: float | None
    mrr_at_10: float | None


def _machine(fields: Fields) -> Machine:
    load: tuple[float, ...] | float | None = None
    if fields.has("load_average"):
        load = fields.numbers("load_average")
    elif fields.has("load_average_1m"):
        load = fields.number("load_average_1m")
    return Machine(
        cpu=fields.text("cpu"),
        cores=fields.integer("cores"),
        ram_gib=fields.number("ram_gib"),
        load_average=load,
        git_commit=fields.text("git_commit"),
    )


def read_provenance(fields: Fields, name: str) -> Provenance:
    """The provenance every result file opens with."""
    return Provenance(
        name=name,
        quick=fields.flag("quick"),
        date=fields.text("date"),
        command=fields.text("command"),
        # page_extraction runs wrote per-method times here, over write_result's run time.
        seconds=None if fields.is_object("seconds") else fields.number("seconds"),
        peak_rss_mib=fields.number("peak_rss_mib"),
        machine=_machine(fields.section("machine")),
    )


def read_latency(fields: Fields, key: str) -> Latency:
    """The timing summary under ``key``."""
    stats = fields.section(key)
    return Latency(
        n=stats.integer("n"),
        p50_ms=stats.optional("p50_ms", Fields.number),
        p95_ms=stats.optional("p95_ms", Fields.number),
        min_ms=stats.optional("min_ms", Fields.number),
    )


def read_ranking(fields: Fields, key: str) -> Ranking:
    """The ranking metrics under ``key`` (those it has)."""
    metrics = fields.section(key)
    return Ranking(
        ndcg_at_10=metrics.optional("ndcg@10", Fields.number),
        recall_at_10=metrics.optional("recall@10", Fields.number),
        recall_at_100=metrics.optional("recall@100", Fields.number),
        mrr_at_10=metrics.optional("mrr@10", Fields.number),
    )


@dataclass(frozen=True, slots=True)
class Passes:
    """``Engine.answer`` latency: first pass (cold caches) and repeats."""

    first_pass: Latency
    repeat: Latency


def read_passes(fields: Fields, key: str) -> Passes:
    """First-pass and repeat latencies under ``key``."""
    p = fields.section(key)
    return Passes(read_latency(p, "first_pass"), read_latency(p, "repeat"))
