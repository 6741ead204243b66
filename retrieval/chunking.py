"""Article -> Chunk: sentence-aware passages of about 60-150 words that keep their offsets."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.records import Article
from retrieval.text.sentences import split_sentences

TARGET_WORDS = 110
MAX_WORDS = 150
MIN_WORDS = 60
OVERLAP_SENTENCES = 1


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage of an article: ``article.text[start:end]``.

    Attributes:
        id: Stable 63-bit id (the FAISS id and the metadata key); the same article source,
            position and text always give the same id.
        source: The article's source (file name).
        ordinal: Position of the chunk in its article, from 0.
        start: Offset of the first character in ``Article.text``.
        end: Offset just past the last character.
        text: The passage text.
        first_sentence: Index of its first sentence in :func:`sentence_spans` of the article.
        last_sentence: Index just past its last sentence.
    """

    id: int
    source: str
    ordinal: int
    start: int
    end: int
    text: str
    first_sentence: int = 0
    last_sentence: int = 0


def chunk_id(source: str, ordinal: int, text: str) -> int:
    """Return the stable 63-bit id of a chunk."""
    digest = hashlib.sha256(f"{source}\x00{ordinal}\x00{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF


def split_article(
    article: Article,
    *,
    target_words: int = TARGET_WORDS,
    max_words: int = MAX_WORDS,
    overlap_sentences: int = OVERLAP_SENTENCES,
) -> list[Chunk]:
    """Split an article into overlapping, sentence-aligned chunks.

    A chunk grows sentence by sentence until it reaches ``target_words``; it never exceeds
    ``max_words`` unless a single sentence does (then that sentence is cut at word
    boundaries). Consecutive chunks share ``overlap_sentences`` sentences. A short tail is
    merged into the previous chunk when the result stays within ``max_words``.
    """
    spans = sentence_spans(article.text, max_words=max_words)
    if not spans:
        return []
    words = [len(article.text[s:e].split()) for s, e in spans]
    groups: list[tuple[int, int]] = []  # [first, last) sentence indices
    first = 0
    while first < len(spans):
        last = first
        total = 0
        while last < len(spans) and (total == 0 or total + words[last] <= max_words):
            total += words[last]
            last += 1
            if total >= target_words:
                break
        groups.append((first, last))
        if last >= len(spans):
            break
        first = max(last - overlap_sentences, first + 1)
    groups = _merge_short_tail(groups, words, max_words)
    chunks = []
    for ordinal, (first, last) in enumerate(groups):
        start, end = spans[first][0], spans[last - 1][1]
        text = article.text[start:end]
        chunks.append(
            Chunk(
                id=chunk_id(article.source, ordinal, text),
                source=article.source,
                ordinal=ordinal,
                start=start,
                end=end,
                text=text,
                first_sentence=first,
                last_sentence=last,
            )
        )
    return chunks


def _merge_short_tail(
    groups: list[tuple[int, int]], words: Sequence[int], max_words: int
) -> list[tuple[int, int]]:
    if len(groups) < 2:
        return groups
    tail_first, tail_last = groups[-1]
    prev_first, prev_last = groups[-2]
    tail_new_words = sum(words[max(prev_last, tail_first) : tail_last])
    if tail_new_words < MIN_WORDS // 2 or prev_last >= tail_last:
        merged_words = sum(words[prev_first:tail_last])
        if merged_words <= max_words or prev_last >= tail_last:
            return [*groups[:-2], (prev_first, tail_last)]
    return groups


def sentence_spans(text: str, *, max_words: int = MAX_WORDS) -> list[tuple[int, int]]:
    """The article's sentences as chunks see them: any longer than ``max_words`` is cut."""
    spans: list[tuple[int, int]] = []
    for start, end in split_sentences(text):
        if len(text[start:end].split()) <= max_words:
            spans.append((start, end))
            continue
        spans.extend(_cut_long_span(text, start, end, max_words))
    return spans


def _cut_long_span(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    piece_start = start
    count = 0
    position = start
    while position < end:
        while position < end and text[position].isspace():
            position += 1
        word_end = position
        while word_end < end and not text[word_end].isspace():
            word_end += 1
        if word_end > position:
            count += 1
            if count > max_words:
                pieces.append((piece_start, _rstrip(text, piece_start, position)))
                piece_start = position
                count = 1
        position = word_end
    pieces.append((piece_start, end))
    return [(s, e) for s, e in pieces if e > s]


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def embedding_text(title: str, passage: str) -> str:
    """The text a chunk is embedded and BM25-indexed as: its article's title, then the passage."""
    return f"{title}\n\n{passage}"
