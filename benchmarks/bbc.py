"""The BBC News corpus for benchmarks: its articles and a cached newsbot index of it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from benchmarks import data_dir
from benchmarks.results import CACHE_DIR, ROOT
from bot.view import describe_ingest
from retrieval import Embedder, Engine
from retrieval.errors import RetrievalError
from retrieval.index.layout import current_generation
from retrieval.index.loader import load_index
from retrieval.ingest.load import load_articles
from retrieval.records import Article

BBC = data_dir.dataset_dir(data_dir.BBC)
BBC_QUESTIONS = ROOT / "benchmarks" / "data" / "bbc_questions.jsonl"
QUICK_EVERY = 8


def load_bbc(root: Path = BBC) -> list[Article]:
    """Every BBC article through the product's loader (headline -> title, body -> text).

    Only the five topic folders: the corpus's own README.TXT is not an article.
    """
    return [a for a in load_articles([root]).articles if "/" in a.source]


def quick_corpus(cache_dir: Path = CACHE_DIR) -> Path:
    """A folder with every 8th BBC file plus every file the BBC question set cites."""
    target = cache_dir / "bbc-quick-corpus"
    if target.is_dir():
        return target
    data_dir.require(data_dir.BBC)
    wanted: set[str] = set()
    for line in BBC_QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            wanted.update([item.get("source", ""), *(item.get("also_ok") or [])])
    files = sorted(p for p in BBC.rglob("*.txt") if p.parent != BBC)
    temporary = cache_dir / "bbc-quick-corpus.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    for number, path in enumerate(files):
        relative = path.relative_to(BBC).as_posix()
        if number % QUICK_EVERY == 0 or relative in wanted:
            copy = temporary / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
    temporary.replace(target)
    return target


def bbc_index(
    embedder: Embedder, *, quick: bool = False, cache_dir: Path = CACHE_DIR
) -> tuple[Path, str]:
    """A newsbot index of the BBC corpus (``quick``: of :func:`quick_corpus`), built once.

    An index in an older format is rebuilt in place, reusing its embedding cache.

    Returns:
        The index folder and how it was obtained.
    """
    name = "bbc-quick-index" if quick else "bbc-index"
    target = cache_dir / f"{name}-{embedder.model_hash[:12]}"
    minimum = 200 if quick else 2000
    how = "cached"
    if not _usable(target, embedder, minimum):
        corpus = quick_corpus(cache_dir) if quick else data_dir.require(data_dir.BBC)
        # Rebuild in place: the embedding cache beside the index survives a format change,
        # so only text never embedded before is embedded again.
        report = Engine(target, embedder=embedder).ingest(
            [corpus], progress=not quick, rebuild=True
        )
        how = f"ingested; ingest: {describe_ingest(report)}"
    return target, how


def _usable(directory: Path, embedder: Embedder, minimum: int) -> bool:
    try:
        current_generation(directory)
        index = load_index(directory, model_hash=embedder.model_hash, checksums=False)
    except RetrievalError:
        return False
    return len(index.articles) >= minimum
