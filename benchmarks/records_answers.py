"""Records of answer quality (``benchmarks.answers``) and of the key-sentence weight fit.

``answers.json`` is the current code's run and ``answers-before.json`` the same benchmark on the
code before the answer-quality work; the file name, not the ``benchmark`` field (the run's
``--name``), says which is which.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.result_format import Fields, Provenance, ResultFormatError

ANSWER_SETS = ("seed", "bbc", "answer", "realworld")  # in benchmarks.answers' order
ANSWER_FILES = ("answers", "answers-before")


@dataclass(frozen=True, slots=True)
class AnswerSummary:
    """The figures of some judged questions (a set, a split or a group).

    Shares are None where no question counts (no answerable question, nothing to refuse).
    """

    questions: int
    answerable: int
    must_refuse: int
    top1_article: float | None
    top3_article: float | None
    phrase_top1_excerpt: float | None
    phrase_top3_excerpts: float | None
    phrase_key_sentence_1: float | None
    whole_passage_phrase_top3: float | None
    false_refusals: int
    refusal_recall: float | None
    refusal_precision: float | None
    followup_turns: int  # second and later turns of conversations; 0 without any
    followup_top3_article: float | None
    followup_phrase_top3: float | None


@dataclass(frozen=True, slots=True)
class AnswerSet:
    """One question set: all of it, its dev and held-out parts, its groups."""

    all: AnswerSummary
    dev: AnswerSummary | None  # None: the set is not split
    heldout: AnswerSummary | None
    groups: dict[str, AnswerSummary]  # only the answer set has groups


@dataclass(frozen=True, slots=True)
class AnswersResult:
    """``answers.json`` or ``answers-before.json``."""

    provenance: Provenance
    sets: dict[str, AnswerSet]  # by set name, in ANSWER_SETS order; only the sets run


def _summary(fields: Fields, key: str) -> AnswerSummary:
    s = fields.section(key)
    later = s.has("followup_turns")
    return AnswerSummary(
        questions=s.integer("questions"),
        answerable=s.integer("answerable"),
        must_refuse=s.integer("must_refuse"),
        top1_article=s.number_or_none("top1_article"),
        top3_article=s.number_or_none("top3_article"),
        phrase_top1_excerpt=s.number_or_none("phrase_top1_excerpt"),
        phrase_top3_excerpts=s.number_or_none("phrase_top3_excerpts"),
        phrase_key_sentence_1=s.number_or_none("phrase_key_sentence_1"),
        whole_passage_phrase_top3=s.number_or_none("whole_passage_phrase_top3"),
        false_refusals=s.integer("false_refusals"),
        refusal_recall=s.number_or_none("refusal_recall"),
        refusal_precision=s.number_or_none("refusal_precision"),
        followup_turns=s.integer("followup_turns") if later else 0,
        followup_top3_article=s.number_or_none("followup_top3_article") if later else None,
        followup_phrase_top3=s.number_or_none("followup_phrase_top3") if later else None,
    )


def _answer_set(fields: Fields, key: str) -> AnswerSet:
    s = fields.section(key)
    groups = s.section("groups") if s.has("groups") else None
    return AnswerSet(
        all=_summary(s, "all"),
        dev=_summary(s, "dev") if s.has("dev") else None,
        heldout=_summary(s, "heldout") if s.has("heldout") else None,
        groups={g: _summary(groups, g) for g in groups.names()} if groups else {},
    )


def answers_result(fields: Fields, provenance: Provenance) -> AnswersResult:
    """Read an answer-quality result."""
    sets = {name: _answer_set(fields, name) for name in ANSWER_SETS if fields.has(name)}
    if not sets:
        raise ResultFormatError(f"{fields.where}: no question set ({', '.join(ANSWER_SETS)})")
    return AnswersResult(provenance=provenance, sets=sets)


@dataclass(frozen=True, slots=True)
class FittedWeights:
    """Key-sentence weights and the share of questions whose best sentence answers."""

    weights: dict[str, float]  # by feature, in the fit's order
    dev: float
    heldout: float


@dataclass(frozen=True, slots=True)
class KeySentencesResult:
    """``key_sentences.json``."""

    provenance: Provenance
    dev_examples: int
    heldout_examples: int
    l2: float
    shipped: FittedWeights
    fitted: FittedWeights


def _weights(fields: Fields, key: str) -> FittedWeights:
    w = fields.section(key)
    weights = w.section("weights")
    return FittedWeights(
        weights={name: weights.number(name) for name in weights.names()},
        dev=w.number("dev"),
        heldout=w.number("heldout"),
    )


def key_sentences_result(fields: Fields, provenance: Provenance) -> KeySentencesResult:
    """Read a key-sentence fit result."""
    examples = fields.section("examples")
    return KeySentencesResult(
        provenance=provenance,
        dev_examples=examples.integer("dev"),
        heldout_examples=examples.integer("heldout"),
        l2=fields.number("l2"),
        shipped=_weights(fields, "shipped"),
        fitted=_weights(fields, "fitted"),
    )
