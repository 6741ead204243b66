"""Result records: each ``benchmarks/results/*.json`` parsed once into frozen dataclasses.

The report reads these, never the JSON. A file that lacks a field the report shows, or has a
value of the wrong type, raises :class:`ResultFormatError` naming the file and the field.
Sections a partial run may leave out are ``None``. The records of each area live beside this
module (``records_retrieval``, ``records_speed``, ``records_scale``, ``records_web``,
``records_answers``); the shared pieces and the typed field access in ``result_format``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from benchmarks.records_answers import (
    ANSWER_FILES,
    AnswersResult,
    KeySentencesResult,
    answers_result,
    key_sentences_result,
)
from benchmarks.records_retrieval import NewsResult, SciFactResult, news_result, scifact_result
from benchmarks.records_scale import BotResult, ScaleResult, bot_result, scale_result
from benchmarks.records_speed import SpeedResult, speed_result
from benchmarks.records_web import (
    FeedsQualityResult,
    FeedsSpeedResult,
    PageExtractionResult,
    feeds_quality_result,
    feeds_speed_result,
    page_extraction_result,
)
from benchmarks.result_format import Fields, Provenance, ResultFormatError, read_provenance

__all__ = ["Record", "ResultFormatError", "Results", "load_results", "read_result"]

T = TypeVar("T")

Record = (
    SciFactResult
    | NewsResult
    | SpeedResult
    | ScaleResult
    | BotResult
    | PageExtractionResult
    | FeedsQualityResult
    | FeedsSpeedResult
    | AnswersResult
    | KeySentencesResult
)


@dataclass(frozen=True, slots=True)
class Results:
    """Every result the report shows; a full run wins over a quick one of the same name."""

    by_name: Mapping[str, Record]

    def _get(self, name: str, kind: type[T]) -> T | None:
        record = self.by_name.get(name)
        return record if isinstance(record, kind) else None

    @property
    def scifact(self) -> SciFactResult | None:
        return self._get("scifact", SciFactResult)

    @property
    def news(self) -> NewsResult | None:
        return self._get("news", NewsResult)

    @property
    def speed(self) -> SpeedResult | None:
        return self._get("speed", SpeedResult)

    @property
    def bot(self) -> BotResult | None:
        return self._get("bot_load", BotResult)

    @property
    def page_extraction(self) -> PageExtractionResult | None:
        return self._get("page_extraction", PageExtractionResult)

    @property
    def feeds_quality(self) -> FeedsQualityResult | None:
        return self._get("feeds_quality", FeedsQualityResult)

    @property
    def feeds_speed(self) -> FeedsSpeedResult | None:
        return self._get("feeds_speed", FeedsSpeedResult)

    @property
    def answers(self) -> AnswersResult | None:
        """Answer quality of the current code."""
        return self._get("answers", AnswersResult)

    @property
    def answers_before(self) -> AnswersResult | None:
        """Answer quality of the code before the answer-quality work."""
        return self._get("answers-before", AnswersResult)

    @property
    def key_sentences(self) -> KeySentencesResult | None:
        return self._get("key_sentences", KeySentencesResult)

    def scale(self, name: str | None = None) -> list[ScaleResult]:
        """Scale results (the one named ``name``), smallest first."""
        found = [
            r
            for n, r in self.by_name.items()
            if isinstance(r, ScaleResult) and (name is None or n == name)
        ]
        return sorted(found, key=lambda r: r.passages)


_READERS: dict[str, Callable[[Fields, Provenance], Record]] = {
    "scifact": scifact_result,
    "news": news_result,
    "speed": speed_result,
    "bot_load": bot_result,
    "page_extraction": page_extraction_result,
    "feeds_quality": feeds_quality_result,
    "feeds_speed": feeds_speed_result,
    "answers": answers_result,
    "answers-before": answers_result,
    "key_sentences": key_sentences_result,
}


def read_result(path: Path) -> Record | None:
    """The record of one result file, or None for a benchmark the report does not show.

    Raises:
        ResultFormatError: The file is not valid JSON or lacks a field of its record.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ResultFormatError(f"{path.name}: not readable as JSON ({error})") from error
    fields = Fields(data, path.name)
    name = fields.text("benchmark") if fields.has("benchmark") else path.stem
    if path.stem in ANSWER_FILES:
        name = path.stem  # its benchmark field is the run's --name; the file says before or after
    read = scale_result if name.startswith("scale-") else _READERS.get(name)
    if read is None:
        return None
    return read(fields, read_provenance(fields, name))


def load_results(directory: Path) -> Results:
    """Every result in ``directory``; a full run wins over a quick one.

    Raises:
        ResultFormatError: A file cannot be read; the message names it and what is wrong.
    """
    found: dict[str, Record] = {}
    for path in sorted(directory.glob("*.json")):
        record = read_result(path)
        if record is None:
            continue
        name = record.provenance.name
        if name in found and not found[name].provenance.quick and record.provenance.quick:
            continue
        found[name] = record
    return Results(found)
