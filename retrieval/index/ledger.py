"""The ledger: every indexed article's name, origin and hash, kept beside the generations.

A generation's own metadata names its articles too, but a damaged generation may not be
readable. The ledger is a small JSON file in the index directory, replaced atomically after
each switch of ``CURRENT``, so that ``newsbot repair`` knows what the index held and where each
article came from even when the generation that held them is gone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from retrieval.files import replace_atomically
from retrieval.index.layout import SOURCES
from retrieval.records import Article

__all__ = ["Ledger", "LedgerEntry", "read_ledger", "write_ledger"]

_FORMAT = 1


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One indexed article: its name, where it came from, and its content hash."""

    source: str
    origin: str | None
    content_hash: str
    title: str = ""
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Ledger:
    """What the ledger says the index held after generation ``generation`` went live."""

    generation: str
    entries: tuple[LedgerEntry, ...]


def write_ledger(index_dir: Path, generation: str, articles: Iterable[Article]) -> None:
    """Record the articles of the generation that just went live."""
    entries = [
        {
            "source": a.source,
            "origin": a.origin,
            "content_hash": a.content_hash,
            "title": a.title,
            "url": a.url,
        }
        for a in sorted(articles, key=lambda a: a.source)
    ]
    text = json.dumps(
        {"format": _FORMAT, "generation": generation, "articles": entries}, ensure_ascii=False
    )
    replace_atomically(index_dir / SOURCES, text + "\n")


def read_ledger(index_dir: Path) -> Ledger | None:
    """Read the ledger; None when it is missing or unreadable (a repair then goes without)."""
    try:
        data = json.loads((index_dir / SOURCES).read_text(encoding="utf-8"))
        entries = tuple(
            LedgerEntry(
                source=str(item["source"]),
                origin=None if item.get("origin") is None else str(item["origin"]),
                content_hash=str(item["content_hash"]),
                title=str(item.get("title") or ""),
                url=None if item.get("url") is None else str(item["url"]),
            )
            for item in data["articles"]
        )
        return Ledger(generation=str(data["generation"]), entries=entries)
    except (OSError, ValueError, KeyError, TypeError, RecursionError, AttributeError):
        return None
