"""Answers over the seeds: excerpts, key sentences, merged duplicates, recency, refusals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from retrieval import Answer, Embedder, Engine, Period, Refusal
from retrieval.embedding.protocol import Vectors
from tests.support import paths

SEED_QUESTIONS = paths.SEED_QUESTIONS
MOSCOW_TIMES = (
    "https://www.themoscowtimes.com/2022/12/27/"
    "putin-presents-rings-to-his-fellow-cis-leaders-during-summit-a79810"
)


def test_answer_cites_the_repaired_link(seed_engine: Engine) -> None:
    answer = seed_engine.answer("Which leader put Putin's ring on his finger right away?")
    assert answer.answered
    sources = {c.source for c in answer.citations} | {
        r.source for c in answer.citations for r in c.also_reported_by
    }
    assert "000_b30ef85aa944bbd8.txt" in sources
    urls = {c.url for c in answer.citations} | {
        r.url for c in answer.citations for r in c.also_reported_by
    }
    assert MOSCOW_TIMES in urls
    assert "Lukashenko" in answer.citations[0].key_sentence


def test_the_same_passage_in_two_articles_is_one_citation(seed_engine: Engine) -> None:
    answer = seed_engine.answer(
        "Was only Lukashenko wearing the gold-coloured ring with New Year's greetings?"
    )
    first = answer.citations[0]
    cited = [first.source, *(r.source for r in first.also_reported_by)]
    assert sorted(cited)[:2] == ["000_b30ef85aa944bbd8.txt", "002_a25b924e6705389f.txt"]
    other_sources = [c.source for c in answer.citations[1:]]
    assert not set(cited) & set(other_sources)


def test_an_article_quoting_another_keeps_the_answer_only_it_holds(seed_engine: Engine) -> None:
    # 002 quotes 000's passage about the gold rings and adds the Tolkien remark; merging them
    # under 000 (which has a link) would show an excerpt without the answer.
    answer = seed_engine.answer("Putin Tolkien rings")
    first = answer.citations[0]
    assert first.source == "002_a25b924e6705389f.txt"
    assert "Tolkien" in first.key_sentence


def test_key_sentence_is_highlighted_inside_the_excerpt(seed_engine: Engine) -> None:
    answer = seed_engine.answer("Where did Azerbaijan's president say he would not go?")
    for citation in answer.citations:
        start, end = citation.highlight
        assert 0 <= start < end <= len(citation.excerpt)
        assert citation.excerpt[start:end] == citation.key_sentence
        assert citation.key_sentence[0].isupper() or not citation.key_sentence[0].isalpha()
        assert "\n" not in citation.excerpt
    assert "Aliyev" in answer.citations[0].excerpt


def test_excerpts_are_cut_with_ellipses_not_mid_sentence(seed_engine: Engine) -> None:
    answer = seed_engine.answer("How big was trade between Russia and the Commonwealth?")
    excerpt = answer.citations[0].excerpt
    assert "$90 billion" in excerpt
    assert excerpt.startswith(("… ", "“", '"')) or excerpt[0].isupper()
    assert excerpt.endswith((" …", ".", "”", '"', "?", "!"))


def test_latest_prefers_the_newest_article(seed_engine: Engine) -> None:
    answer = seed_engine.answer("What is the latest news about the CIS summit?")
    assert answer.answered
    assert answer.citations[0].published is not None
    assert answer.citations[0].published.isoformat() == "2025-12-22"
    dated = [c.published for c in answer.citations if c.published]
    assert dated == sorted(dated, reverse=True)


def test_a_year_favours_articles_of_that_year_without_hiding_others(seed_engine: Engine) -> None:
    answer = seed_engine.answer("What did Putin say at the CIS summit in 2023?")
    assert answer.citations[0].source == "004_d59a720f40c57080.txt"
    assert answer.period is None  # evidence, not a filter: other years may still be cited


def test_a_year_mentioned_by_a_later_article_is_answered_from_it(seed_engine: Engine) -> None:
    # The 2025 article says Moldova halted its participation in 2022.
    answer = seed_engine.answer("Which country stopped taking part in CIS meetings in 2022?")
    assert answer.answered
    assert any("Moldova halted its participation" in c.excerpt for c in answer.citations[:3])


def test_a_question_about_reporting_from_a_year_keeps_to_it(seed_engine: Engine) -> None:
    answer = seed_engine.answer("What did the news from 2023 say about the CIS summit?")
    assert answer.answered
    assert answer.period == Period(date(2023, 1, 1), date(2023, 12, 31))
    assert answer.period_matched
    assert all(c.published and c.published.year == 2023 for c in answer.citations)


def test_a_year_no_article_knows_is_refused_as_such(seed_engine: Engine) -> None:
    answer = seed_engine.answer("What did Putin say about the CIS in 2019?")
    assert not answer.answered
    assert answer.refusal is Refusal.PERIOD_NOT_COVERED
    assert answer.unknown_year == 2019


@pytest.mark.parametrize(
    "question",
    [
        "What's the best way to cook risotto?",
        "Who won the Champions League final in 2021?",
        "How do I configure nginx as a reverse proxy?",
    ],
)
def test_off_topic_is_refused(seed_engine: Engine, question: str) -> None:
    answer = seed_engine.answer(question)
    assert not answer.answered
    assert answer.refusal is Refusal.NOT_COVERED


@pytest.mark.parametrize("question", ["", "   ", "???", "🙂🙂", "\u200b\u200f"])
def test_questions_without_words_get_a_hint(seed_engine: Engine, question: str) -> None:
    answer = seed_engine.answer(question)
    assert not answer.answered
    assert answer.refusal is Refusal.NO_WORDS


def test_a_huge_question_is_shortened_and_still_answered(seed_engine: Engine) -> None:
    question = "What did Putin give the CIS leaders? " + "blah " * 3000
    answer = seed_engine.answer(question)
    assert len(answer.question) <= 1000
    assert answer.truncated


def test_top_k_limits_citations_and_must_be_positive(seed_engine: Engine) -> None:
    assert len(seed_engine.answer("Putin CIS summit", top_k=2).citations) <= 2
    with pytest.raises(ValueError, match="top_k"):
        seed_engine.answer("Putin", top_k=0)


def test_answer_json_shape(seed_engine: Engine) -> None:
    data = json.loads(json.dumps(seed_engine.answer("Putin rings").to_dict()))
    assert set(data) >= {"question", "answered", "refusal", "period", "citations"}
    citation = data["citations"][0]
    assert set(citation) >= {
        "rank",
        "excerpt",
        "score",
        "title",
        "publisher",
        "published",
        "url",
        "source",
        "also_reported_by",
    }
    assert citation["rank"] == 1
    assert citation["published"] is None or len(citation["published"]) == 10


def test_citations_are_numbered_from_one_with_a_key_sentence(seed_engine: Engine) -> None:
    answer: Answer = seed_engine.answer("Why did Pashinyan skip the Bishkek summit?")
    assert [c.rank for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert all(c.key_sentence for c in answer.citations)


def test_a_matching_publication_year_counts_as_evidence(seed_engine: Engine) -> None:
    answer = seed_engine.answer("Where was the 2023 summit held?")
    assert answer.answered
    assert answer.citations[0].source == "004_d59a720f40c57080.txt"
    assert "Bishkek" in answer.citations[0].excerpt


@pytest.mark.parametrize("question", ["Who won Eurovision 2023?", "Who won the 2022 World Cup?"])
def test_a_matching_year_alone_does_not_answer(seed_engine: Engine, question: str) -> None:
    assert not seed_engine.answer(question).answered


class _CountingEmbedder:
    """The seed engine's embedder, counting what it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.model_hash = inner.model_hash
        self.dimension = inner.dimension
        self.queries: list[int] = []
        self.passages: list[int] = []

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.queries.append(len(texts))
        return self.inner.embed_queries(texts)

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False
    ) -> Vectors:
        self.passages.append(len(texts))
        return self.inner.embed_passages(texts, batch_size=batch_size, progress=progress)


def test_answering_embeds_only_the_question(seed_index_dir: Path, embedder: Embedder) -> None:
    # Key sentences are chosen with the sentence vectors stored at ingest.
    counting = _CountingEmbedder(embedder)
    engine = Engine.open(seed_index_dir, embedder=counting)
    for line in SEED_QUESTIONS.read_text(encoding="utf-8").splitlines()[:12]:
        engine.answer(json.loads(line)["question"])
    assert counting.queries == [1] * 12
    assert counting.passages == []
