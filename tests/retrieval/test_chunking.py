"""Chunks are sentence-aligned, 60-150 words, overlapping, with exact offsets and stable ids."""

from __future__ import annotations

import itertools

import pytest

from retrieval.chunking import MAX_WORDS, chunk_id, split_article
from retrieval.records import Article
from retrieval.text.sentences import split_sentences


def _article(text: str) -> Article:
    return Article(source="a.txt", title="T", text=text)


def _long_text(sentences: int) -> str:
    return " ".join(
        f"Sentence number {i} tells part of the story with several extra words."
        for i in range(sentences)
    )


def test_offsets_reproduce_the_text() -> None:
    article = _article(_long_text(60))
    chunks = split_article(article)
    assert len(chunks) > 3
    for chunk in chunks:
        assert article.text[chunk.start : chunk.end] == chunk.text


def test_chunks_are_sentence_aligned_and_sized() -> None:
    article = _article(_long_text(60))
    starts = {s for s, _ in split_sentences(article.text)}
    ends = {e for _, e in split_sentences(article.text)}
    chunks = split_article(article)
    for chunk in chunks:
        assert chunk.start in starts and chunk.end in ends
        assert len(chunk.text.split()) <= MAX_WORDS
    assert all(len(c.text.split()) >= 60 for c in chunks[:-1])


def test_consecutive_chunks_overlap_by_a_sentence() -> None:
    chunks = split_article(_article(_long_text(60)))
    for previous, following in itertools.pairwise(chunks):
        assert following.start < previous.end


def test_every_sentence_is_in_some_chunk() -> None:
    article = _article(_long_text(47))
    chunks = split_article(article)
    for s, e in split_sentences(article.text):
        assert any(c.start <= s and e <= c.end for c in chunks)


def test_a_huge_sentence_is_cut_at_word_boundaries() -> None:
    article = _article(" ".join(["word"] * 1000) + ".")
    chunks = split_article(article)
    assert all(len(c.text.split()) <= MAX_WORDS for c in chunks)
    assert sum(len(c.text.split()) for c in chunks) >= 1000


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_article_has_no_chunks(text: str) -> None:
    assert split_article(_article(text)) == []


def test_ids_are_stable_and_distinct() -> None:
    article = _article(_long_text(30))
    first = [c.id for c in split_article(article)]
    assert first == [c.id for c in split_article(article)]
    assert len(set(first)) == len(first)
    assert all(0 <= i < 2**63 for i in first)
    assert chunk_id("a.txt", 0, "x") != chunk_id("b.txt", 0, "x")
