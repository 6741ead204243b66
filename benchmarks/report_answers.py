"""BENCHMARKS.md section for answer quality, before and after, and the key-sentence weights.

Renders ``answers-before.json`` and ``answers.json`` side by side and, when it exists,
``key_sentences.json``; :data:`ANSWER_TARGETS` are the section's rows of the targets table,
judged on ``answers.json`` set by set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.records import Results
from benchmarks.records_answers import (
    ANSWER_SETS,
    AnswerSet,
    AnswersResult,
    AnswerSummary,
    KeySentencesResult,
)
from benchmarks.report_markdown import cell, provenance, table
from benchmarks.report_targets import AtLeast, AtLeastFigure, Check, Figure, Target, Within

_COLUMNS: tuple[tuple[str, Callable[[AnswerSummary], Figure]], ...] = (
    ("article @1", lambda s: s.top1_article),
    ("article @3", lambda s: s.top3_article),
    ("phrase @1", lambda s: s.phrase_top1_excerpt),
    ("phrase @3", lambda s: s.phrase_top3_excerpts),
    ("key sentence", lambda s: s.phrase_key_sentence_1),
    ("peer @3", lambda s: s.whole_passage_phrase_top3),
    ("false refusals", lambda s: s.false_refusals),
    ("refusal recall", lambda s: s.refusal_recall),
    ("refusal precision", lambda s: s.refusal_precision),
    ("follow-ups: article @3", lambda s: s.followup_top3_article),
    ("follow-ups: phrase @3", lambda s: s.followup_phrase_top3),
)
_PARTS: tuple[tuple[str, Callable[[AnswerSet], AnswerSummary | None]], ...] = (
    ("", lambda s: s.all),
    (", dev", lambda s: s.dev),
    (", held-out", lambda s: s.heldout),
)


def _change(before: Figure, after: Figure) -> str:
    if before is None and after is None:
        return "–"
    return " → ".join("–" if v is None else cell(v) for v in (before, after))


def _row(label: str, before: AnswerSummary | None, after: AnswerSummary | None) -> list[str]:
    counted = after or before
    if counted is None:
        raise ValueError("a row needs the figures of one run at least")
    questions = f"{counted.answerable} + {counted.must_refuse} to refuse"
    if counted.followup_turns:
        questions += f" ({counted.followup_turns} follow-up turns)"
    if before and after:
        was = f"{before.answerable} + {before.must_refuse}"
        if was != f"{after.answerable} + {after.must_refuse}":
            questions += f"; before: {was}"
    return [
        label,
        questions,
        *(
            _change(read(before) if before else None, read(after) if after else None)
            for _, read in _COLUMNS
        ),
    ]


def _summaries(
    before: AnswersResult | None, after: AnswersResult | None, name: str
) -> tuple[AnswerSet | None, AnswerSet | None]:
    return (
        before.sets.get(name) if before else None,
        after.sets.get(name) if after else None,
    )


def answers_section(results: Results) -> list[str]:
    """Every set, its dev and held-out parts and the answer set's groups, before → after."""
    before, after = results.answers_before, results.answers
    if before is None and after is None and results.key_sentences is None:
        return []
    lines = ["## Answer quality: does the excerpt quote the answer?", ""]
    for label, run in (("Before", before), ("After", after)):
        if run is not None:
            lines += [f"{label}:", "", *provenance(run.provenance)]
    lines += [
        "`python -m benchmarks.answers` asks every question of the seed, BBC, answer and "
        "real-news sets through the real `Engine.answer` over its own corpus. Before: the same "
        "benchmark on the code before the answer-quality work (index format 2); after: the "
        "current code. Each cell is before → after. article @1 / @3: a right article is cited "
        "first / among the first three; phrase @1 / @3: the answering phrase is in citation "
        "1's excerpt / in a right article's excerpt among the first three; key sentence: it is "
        "in citation 1's bold key sentence; peer @3: the whole-passage peer (dense + BM25 "
        "fused, one passage per article, the whole ~100-word passage shown) has it among its "
        "first three; false refusals: answerable questions refused; refusal recall and "
        "precision: over the questions that must be refused; follow-ups: the second and later "
        "turns of conversations. Dev questions are what tuning may look at; held-out ones are "
        "never tuned on.",
        "",
    ]
    header = ["set", "questions", *(name for name, _ in _COLUMNS)]
    rows = []
    for name in ANSWER_SETS:
        was, now = _summaries(before, after, name)
        for suffix, part in _PARTS:
            old = part(was) if was else None
            new = part(now) if now else None
            if old or new:
                rows.append(_row(f"{name}{suffix}", old, new))
    if rows:
        lines += table(header, rows)
    was, now = _summaries(before, after, "answer")
    groups = sorted({*(was.groups if was else {}), *(now.groups if now else {})})
    if groups:
        lines += ["Groups of the answer set (dev and held-out together):", ""]
        lines += table(
            ["group", *header[1:]],
            [
                _row(g, was.groups.get(g) if was else None, now.groups.get(g) if now else None)
                for g in groups
            ],
        )
    return lines + key_sentences_lines(results.key_sentences)


def key_sentences_lines(r: KeySentencesResult | None) -> list[str]:
    """The key-sentence weights, shipped and fitted, and how often each picks the answer."""
    if r is None:
        return [
            "No key-sentence fit yet: `python -m benchmarks.fit_key_sentences` writes "
            "`key_sentences.json` (it needs the BBC index).",
            "",
        ]
    features = [*r.shipped.weights, *(f for f in r.fitted.weights if f not in r.shipped.weights)]
    rows: list[list[Any]] = [
        [f"`{f}`", r.shipped.weights.get(f), r.fitted.weights.get(f)] for f in features
    ]
    return [
        "### Key-sentence weights",
        "",
        *provenance(r.provenance),
        "The weights of `retrieval/query/key_sentence.py`, fitted on the dev questions' "
        "answering sentences (the sentence of the right article that holds the answering "
        f"phrase; conditional logit, L2 {r.l2}); held-out questions are only scored. "
        "Accuracy: the share of questions whose best-scored sentence is the answering one.",
        "",
        *table(["feature", "shipped", "fitted"], rows),
        *table(
            ["weights", f"dev ({r.dev_examples} questions)", f"held-out ({r.heldout_examples})"],
            [
                ["shipped", r.shipped.dev, r.shipped.heldout],
                ["fitted", r.fitted.dev, r.fitted.heldout],
            ],
        ),
    ]


def _of_set(name: str, read: Callable[[AnswerSummary], Figure]) -> Callable[[Results], Figure]:
    def value(results: Results) -> Figure:
        found = results.answers.sets.get(name) if results.answers else None
        return None if found is None else read(found.all)

    return value


def _scaled(
    factor: float, read: Callable[[AnswerSummary], Figure]
) -> Callable[[AnswerSummary], Figure]:
    def value(summary: AnswerSummary) -> Figure:
        figure = read(summary)
        return None if figure is None else factor * figure

    return value


# Per set: (figure, the set's value, what it must reach). The answer set alone has follow-ups.
_PER_SET: tuple[tuple[str, Callable[[AnswerSummary], Figure], Callable[[str], Check]], ...] = (
    (
        "phrase in top-3 excerpts vs article in top 3",
        lambda s: s.phrase_top3_excerpts,
        lambda name: AtLeastFigure(
            "≥ 0.95 × article @3", _of_set(name, _scaled(0.95, lambda s: s.top3_article))
        ),
    ),
    (
        "phrase in top-3 excerpts vs whole-passage peer",
        lambda s: s.phrase_top3_excerpts,
        lambda name: AtLeastFigure(
            "≥ peer @3", _of_set(name, lambda s: s.whole_passage_phrase_top3)
        ),
    ),
    (
        "phrase in top-1 excerpt",
        lambda s: s.phrase_top1_excerpt,
        lambda _: AtLeast(0.85, "≥ 0.85"),
    ),
    (
        "phrase in citation 1's bold key sentence",
        lambda s: s.phrase_key_sentence_1,
        lambda _: AtLeast(0.8, "≥ 0.8"),
    ),
    ("false refusals", lambda s: s.false_refusals, lambda _: Within(0, 0, "0")),
    ("refusal recall", lambda s: s.refusal_recall, lambda _: AtLeast(0.95, "≥ 0.95")),
    ("refusal precision", lambda s: s.refusal_precision, lambda _: Within(1.0, 0, "1.0")),
)

ANSWER_TARGETS: tuple[Target, ...] = (
    *(
        Target(f"answers ({name}): {figure}", "answers", _of_set(name, read), check(name))
        for name in ANSWER_SETS
        for figure, read, check in _PER_SET
    ),
    Target(
        "answers (answer): follow-up turns, article in top 3",
        "answers",
        _of_set("answer", lambda s: s.followup_top3_article),
        AtLeast(0.9, "≥ 0.9"),
    ),
)
