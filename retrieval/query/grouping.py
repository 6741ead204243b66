"""Grouping citations: the same passage in several articles becomes one "also reported by"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from retrieval.query.search import Hit
from retrieval.records import Article, SourceRef

DUPLICATE_CONTAINMENT = 0.6

_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Draft:
    """A citation being assembled: its hit, article, excerpt and what it shares with others."""

    hit: Hit
    key_score: float
    article: Article
    excerpt: str
    highlight: tuple[int, int]
    passage: str
    key_shingles: frozenset[str]
    passage_shingles: frozenset[str]
    also: list[SourceRef] = field(default_factory=list)


def add_draft(draft: Draft, drafts: list[Draft]) -> None:
    """Add ``draft`` to ``drafts``, or merge it into the citation that already shows its answer.

    A draft whose key sentence another citation's passage already holds adds nothing to read:
    it becomes "also reported by". The merged citation leads with the article a reader can
    open and date, when that article's passage also holds the other's key sentence (so the
    answer shown stays the same).
    """
    original = _duplicate_of(draft, drafts)
    if original is None:
        drafts.append(draft)
    elif _citability(draft.article) > _citability(original.article) and _contained(
        original.key_shingles, draft.passage_shingles
    ):
        draft.also = [_ref(original.article), *original.also]
        draft.hit = original.hit
        drafts[drafts.index(original)] = draft
    else:
        original.also.append(_ref(draft.article))
        if draft.key_score > original.key_score:
            _highlight_in(original, draft)


def _highlight_in(original: Draft, better: Draft) -> None:
    """Bold ``better``'s key sentence in ``original``'s excerpt, when it is there word for word."""
    sentence = _plain_quotes(better.excerpt[better.highlight[0] : better.highlight[1]].strip())
    at = _plain_quotes(original.excerpt).find(sentence) if sentence else -1
    if at >= 0:
        original.highlight = (at, at + len(sentence))
        original.key_score = better.key_score
        original.key_shingles = better.key_shingles


_CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _plain_quotes(text: str) -> str:
    """Curly quotes made straight, one character for one (offsets stay the same)."""
    return text.translate(_CURLY)


def shingles(text: str, size: int = 3) -> frozenset[str]:
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def _duplicate_of(draft: Draft, accepted: Sequence[Draft]) -> Draft | None:
    """An accepted citation from another article whose passage holds the draft's key sentence."""
    for other in accepted:
        if other.article.source == draft.article.source:
            continue
        if _contained(draft.key_shingles, other.passage_shingles):
            return other
    return None


def _contained(part: frozenset[str], whole: frozenset[str]) -> bool:
    return bool(part) and len(part & whole) / len(part) >= DUPLICATE_CONTAINMENT


def _citability(article: Article) -> tuple[bool, bool, bool]:
    return (article.url is not None, article.published is not None, article.publisher is not None)


def _ref(article: Article) -> SourceRef:
    return SourceRef(
        title=article.title,
        url=article.url,
        source=article.source,
        publisher=article.publisher,
        published=article.published,
    )
