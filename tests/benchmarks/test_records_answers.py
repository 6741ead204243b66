"""Answer-quality and key-sentence records: what the benchmarks write parses; gaps are named."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.records import ResultFormatError, load_results, read_result
from benchmarks.records_answers import AnswersResult, KeySentencesResult
from benchmarks.results import RESULTS_DIR
from retrieval.query.key_sentence import FEATURES


def test_the_committed_answer_results_parse_by_file_name() -> None:
    results = load_results(RESULTS_DIR)
    after, before = results.answers, results.answers_before
    assert isinstance(after, AnswersResult)
    assert isinstance(before, AnswersResult)
    assert list(after.sets) == ["seed", "bbc", "answer", "realworld"]
    answer = after.sets["answer"]
    assert answer.dev is not None
    assert answer.heldout is not None
    assert answer.all.questions == answer.dev.questions + answer.heldout.questions
    assert answer.all.followup_turns > 0
    assert after.sets["seed"].dev is None  # only the answer set is split
    assert after.sets["seed"].all.followup_top3_article is None
    assert answer.groups["unknowable"].top1_article is None  # nothing answerable there
    assert before.sets["answer"].all.false_refusals > answer.all.false_refusals


def test_the_key_sentence_fit_writes_what_the_report_reads(
    tmp_path: Path, write_key_sentences: Callable[[Path], Path]
) -> None:
    record = read_result(write_key_sentences(tmp_path))
    assert isinstance(record, KeySentencesResult)
    assert (record.dev_examples, record.heldout_examples) == (6, 2)
    assert list(record.fitted.weights) == list(FEATURES)
    assert 0 <= record.fitted.dev <= 1


def _without(data: dict[str, object], path: tuple[str, ...]) -> None:
    parent: object = data
    for key in path[:-1]:
        assert isinstance(parent, dict)
        parent = parent[key]
    assert isinstance(parent, dict)
    del parent[path[-1]]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("answers.json", ("answer", "dev", "phrase_key_sentence_1")),
        ("answers.json", ("realworld", "all", "false_refusals")),
        ("answers-before.json", ("seed", "all", "whole_passage_phrase_top3")),
        ("answers-before.json", ("answer", "groups", "keyword", "refusal_precision")),
        ("key_sentences.json", ("fitted", "heldout")),
        ("key_sentences.json", ("examples", "dev")),
    ],
)
def test_a_missing_answer_field_names_the_file_and_the_field(
    tmp_path: Path, write_key_sentences: Callable[[Path], Path], name: str, path: tuple[str, ...]
) -> None:
    source = write_key_sentences(tmp_path) if name == "key_sentences.json" else RESULTS_DIR / name
    data = json.loads(source.read_text(encoding="utf-8"))
    _without(data, path)
    broken = tmp_path / name
    broken.write_text(json.dumps(data), encoding="utf-8")
    where = re.escape(".".join((name, *path)))
    with pytest.raises(ResultFormatError, match=rf"^{where}: missing$"):
        read_result(broken)


def test_an_answer_result_without_any_question_set_is_refused(tmp_path: Path) -> None:
    data = json.loads((RESULTS_DIR / "answers.json").read_text(encoding="utf-8"))
    for name in ("seed", "bbc", "answer", "realworld"):
        del data[name]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ResultFormatError, match=r"^answers\.json: no question set"):
        read_result(path)
