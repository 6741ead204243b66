"""Repairing a damaged index without losing articles, and listing what a damaged index holds.

A repair never starts from the seeds alone. It makes the newest generation that verifies live
again, and when that generation lacks articles the index had recorded (in the ledger or in a
damaged generation whose metadata is still intact) it rebuilds from those records: each
article from an intact copy, else re-read from its file, reusing the embedding cache. Damaged
generations are moved aside, never served. Call it under the index's write lock.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from retrieval.build import build_generation
from retrieval.embedding.protocol import Embedder
from retrieval.errors import IndexCorruptError, IndexNotFoundError, RetrievalError
from retrieval.index.dense import ANN_THRESHOLD
from retrieval.index.layout import GENERATIONS, META
from retrieval.index.ledger import LedgerEntry, read_ledger, write_ledger
from retrieval.index.loader import LoadedIndex, load_generation, load_index
from retrieval.index.sqlite import read_articles
from retrieval.index.writer import switch_current
from retrieval.ingest.load import load_articles
from retrieval.records import Article, Inventory, RepairReport
from retrieval.sources import list_articles, origin_file

__all__ = ["DAMAGED_PREFIX", "inventory", "rebuild_index", "repair_index"]

DAMAGED_PREFIX = ".damaged-"
"""Damaged generations are renamed to this prefix + their name; the next repair removes them."""

_Copies = list[tuple[str, dict[str, Article], dict[str, int]]]


def repair_index(
    index_dir: Path,
    embedder: Callable[[], Embedder],
    *,
    model_hash: str,
    ann_threshold: int = ANN_THRESHOLD,
    progress: bool = False,
) -> RepairReport:
    """Make ``index_dir`` load again with every recorded article it can still find.

    Args:
        index_dir: The index directory.
        embedder: Returns the embedder, called only when a rebuild is needed.
        model_hash: The weights the index must have been built with.
        ann_threshold: Passages from which a rebuilt dense index is HNSW.
        progress: Show a progress bar while embedding.

    Raises:
        IndexNotFoundError: There is no index at all.
        IndexCorruptError: Nothing verifies and no record of the articles survived.
    """
    started = time.perf_counter()
    try:
        loaded = load_index(index_dir, model_hash=model_hash)
    except IndexNotFoundError:
        if not _generations(index_dir) and read_ledger(index_dir) is None:
            raise
        problem = f"{index_dir / 'CURRENT'} is missing"
    except RetrievalError as exc:
        problem = str(exc)
    else:
        return RepairReport(generation=loaded.directory.name, articles=len(loaded.articles))
    fallback, broken = _newest_that_verifies(index_dir, model_hash)
    copies = _intact_metadata(index_dir)
    entries = _recorded_entries(index_dir, copies)
    if entries is None and fallback is not None:
        entries = [_entry(a) for a in fallback.articles.values()]
    articles, reread, kept, lost = _gather(entries or [], fallback, copies)
    if not articles:
        raise IndexCorruptError(
            f"Nothing in the index {index_dir} can be recovered: no generation verifies and no "
            "record of its articles survived. Rebuild it from your article files with "
            f"`newsbot ingest --rebuild --index-dir {index_dir} PATH ...`."
        )
    report = RepairReport(
        problem=problem,
        recorded=len(entries or []),
        articles=len(articles),
        reread=tuple(reread),
        kept=tuple(kept),
        lost=tuple(lost),
    )
    if fallback is not None:
        switch_current(index_dir, fallback.directory.name)
        report = replace(report, fallback=fallback.directory.name)
    earlier = list((index_dir / GENERATIONS).glob(f"{DAMAGED_PREFIX}*"))
    set_aside = _set_aside(broken)
    if fallback is not None and _same(fallback.articles, articles):
        write_ledger(index_dir, fallback.directory.name, articles.values())
        generation, embedded = fallback.directory.name, 0
    else:
        built = build_generation(
            index_dir, articles, embedder(), ann_threshold=ann_threshold, progress=progress
        )
        generation, embedded = built.manifest.generation, built.embedded + built.sentences_embedded
    for old in earlier:  # only now: they may have held the copies just used
        shutil.rmtree(old, ignore_errors=True)
    return replace(
        report,
        generation=generation,
        set_aside=tuple(set_aside),
        embedded=embedded,
        seconds=time.perf_counter() - started,
    )


def rebuild_index(
    index_dir: Path,
    embedder: Embedder,
    *,
    ann_threshold: int = ANN_THRESHOLD,
    progress: bool = False,
) -> RepairReport | None:
    """Build a new generation by reading every recorded article's file again.

    Articles whose file is gone keep the index's own copy; nothing recorded is dropped.

    Returns:
        What was done, or None when the index records no articles (there is nothing to read).
    """
    started = time.perf_counter()
    copies = _intact_metadata(index_dir)
    entries = _recorded_entries(index_dir, copies)
    if not entries:
        return None
    articles, reread, kept, lost = _gather(entries, None, copies, prefer_files=True)
    built = build_generation(
        index_dir, articles, embedder, ann_threshold=ann_threshold, progress=progress
    )
    return RepairReport(
        generation=built.manifest.generation,
        articles=len(articles),
        recorded=len(entries),
        reread=tuple(reread),
        kept=tuple(kept),
        lost=tuple(lost),
        embedded=built.embedded + built.sentences_embedded,
        seconds=time.perf_counter() - started,
    )


def inventory(index_dir: Path, problem: str) -> Inventory:
    """What a damaged index still says it holds: the newest intact record of its articles."""
    copies = _intact_metadata(index_dir)
    ledger = read_ledger(index_dir)
    if copies and (ledger is None or copies[0][0] >= ledger.generation):
        name, articles, passages = copies[0]
        return Inventory(problem, name, tuple(list_articles(articles, passages)))
    if ledger is not None:
        stand_ins = {
            e.source: Article(e.source, e.title or e.source, "", url=e.url, origin=e.origin)
            for e in ledger.entries
        }
        infos = tuple(list_articles(stand_ins, {}))
        return Inventory(problem, ledger.generation, infos, from_ledger=True)
    return Inventory(problem)


def _generations(index_dir: Path) -> list[Path]:
    """The generation folders, newest first (their names are creation times)."""
    folder = index_dir / GENERATIONS
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.name.startswith("gen-") and p.is_dir()]
    return sorted(found, key=lambda p: p.name, reverse=True)


def _newest_that_verifies(
    index_dir: Path, model_hash: str
) -> tuple[LoadedIndex | None, list[Path]]:
    """The newest generation that loads and verifies, and the newer ones that do not."""
    broken: list[Path] = []
    for directory in _generations(index_dir):
        try:
            return load_generation(directory, model_hash=model_hash), broken
        except RetrievalError:
            broken.append(directory)
    return None, broken


def _intact_metadata(index_dir: Path) -> _Copies:
    """Articles of every generation (damaged ones set aside included) whose SQLite is intact."""
    folder = index_dir / GENERATIONS
    candidates = _generations(index_dir)
    if folder.is_dir():
        candidates += [p for p in folder.glob(f"{DAMAGED_PREFIX}gen-*") if p.is_dir()]
    copies: _Copies = []
    for directory in candidates:
        try:
            articles, passages = read_articles(directory / META)
        except (sqlite3.Error, OSError):
            continue
        copies.append((directory.name.removeprefix(DAMAGED_PREFIX), articles, passages))
    copies.sort(key=lambda item: item[0], reverse=True)
    return copies


def _recorded_entries(index_dir: Path, copies: _Copies) -> list[LedgerEntry] | None:
    """The newest record of what the index held: the ledger, or the newest intact metadata."""
    ledger = read_ledger(index_dir)
    if ledger is not None and (not copies or ledger.generation >= copies[0][0]):
        return list(ledger.entries)
    if copies:
        return [_entry(a) for a in copies[0][1].values()]
    return None


def _entry(article: Article) -> LedgerEntry:
    return LedgerEntry(article.source, article.origin, article.content_hash, article.title)


def _gather(
    entries: list[LedgerEntry],
    fallback: LoadedIndex | None,
    copies: _Copies,
    *,
    prefer_files: bool = False,
) -> tuple[dict[str, Article], list[str], list[str], list[str]]:
    """Each recorded article from an intact copy or its file (``prefer_files``: file first)."""
    intact = [fallback.articles] if fallback is not None else []
    intact += [articles for _, articles, _ in copies]
    files: dict[Path, dict[str, Article]] = {}
    articles: dict[str, Article] = {}
    reread, kept, lost = [], [], []
    for entry in entries:
        found = [copy[entry.source] for copy in intact if entry.source in copy]
        same = next((a for a in found if a.content_hash == entry.content_hash), None)
        if same is not None and not prefer_files:
            articles[entry.source] = same
            continue
        fresh = _read_again(entry.origin, files)
        if fresh is not None:
            articles[entry.source] = replace(fresh, source=entry.source)
            reread.append(entry.source)
        elif same is not None or found:
            articles[entry.source] = same or found[0]
            kept.append(entry.source)
        else:
            lost.append(entry.source)
    return articles, reread, kept, lost


def _read_again(origin: str | None, files: dict[Path, dict[str, Article]]) -> Article | None:
    """The article at ``origin`` read again from its file, or None when that is impossible."""
    file = origin_file(origin) if origin else None
    if file is None or not file.is_file():
        return None
    if file not in files:
        files[file] = {a.origin or "": a for a in load_articles([file]).articles}
    return files[file].get(origin or "")


def _same(indexed: Mapping[str, Article], wanted: Mapping[str, Article]) -> bool:
    return indexed.keys() == wanted.keys() and all(
        indexed[name].content_hash == wanted[name].content_hash for name in wanted
    )


def _set_aside(broken: list[Path]) -> list[str]:
    """Rename damaged generations out of the way: never loaded again, kept for their copies."""
    moved = []
    for directory in broken:
        target = directory.with_name(DAMAGED_PREFIX + directory.name)
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        directory.rename(target)
        moved.append(str(target))
    return moved
