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
    """Add ``draft`` to ``drafts``, or merge it into the citation that carries the same passage.

    The merged citation leads with the article a reader can open and date.
    """
    original = _duplicate_of(draft, drafts)
    if original is None:
        drafts.append(draft)
    elif _citability(draft.article) > _citability(original.article):
        draft.also = [_ref(original.article), *original.also]
        draft.hit = original.hit
        drafts[drafts.index(original)] = draft
    else:
        original.also.append(_ref(draft.article))


def shingles(text: str, size: int = 3) -> frozenset[str]:
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def _duplicate_of(draft: Draft, accepted: Sequence[Draft]) -> Draft | None:
    """An accepted citation from another article that carries the same key passage."""
    for other in accepted:
        if other.article.source == draft.article.source:
            continue
        if _contained(draft.key_shingles, other.passage_shingles) or _contained(
            other.key_shingles, draft.passage_shingles
        ):
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
