"""Loading articles from files: discover -> read -> decode -> parse, with a report of every skip.

Bad inputs never raise: each becomes one ``SkippedFile`` line saying what is wrong and what
to do. Symbolic links are never followed and no file is read past ``max_bytes``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from retrieval.errors import IngestError, UnusableArticleError
from retrieval.ingest.article import hash_bytes, parse_text_article
from retrieval.ingest.cleaning import normalize_text
from retrieval.ingest.discover import Candidate, absolute, discover
from retrieval.ingest.html import parse_html_article
from retrieval.ingest.jsonl import load_json_records
from retrieval.ingest.read import (
    MAX_FILE_BYTES,
    binary_reason,
    decode_bytes,
    decode_html,
    read_bytes,
)
from retrieval.records import Article, SkippedFile

_TEXT_SUFFIXES = frozenset({".txt", ".md"})
_HTML_SUFFIXES = frozenset({".html", ".htm"})


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What ``load_articles`` made of its inputs.

    Attributes:
        articles: The cleaned articles, in input order (folders walked in sorted order).
        skipped: Every input that produced no article, with the reason.
        roots: The folders and files given that exist, as normalised absolute paths.
        found: Every candidate file found under them (absolute), read or skipped.
        parsed: The files among ``found`` that produced at least one article.
    """

    articles: tuple[Article, ...]
    skipped: tuple[SkippedFile, ...]
    roots: tuple[str, ...] = ()
    found: frozenset[str] = frozenset()
    parsed: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Collector:
    """Accumulates articles and skips, keeping the first article of each origin."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    loaded_from: dict[str, str] = field(default_factory=dict)
    files_loaded_from: dict[str, str] = field(default_factory=dict)

    def skip(self, path: str, reason: str) -> None:
        self.skipped.append(SkippedFile(path=path, reason=reason))

    def add(self, article: Article, display: str) -> None:
        key = article.origin or article.source
        first = self.loaded_from.get(key)
        if first is not None:
            self.skip(display, _duplicate_reason(first))
            return
        self.loaded_from[key] = display
        self.articles.append(article)


def require_inputs(paths: Sequence[Path], into: str) -> None:
    """Refuse an ingest none of whose ``paths`` exists (one missing among others is skipped).

    Raises:
        IngestError: Naming the missing paths and ``into``, where they were to go.
    """
    missing = [str(p.absolute()) for p in paths if not p.exists()]
    if paths and len(missing) == len(paths):
        raise IngestError(f"Nothing to ingest into {into}: {', '.join(missing)} does not exist.")


def load_articles(
    paths: Sequence[Path], *, max_bytes: int = MAX_FILE_BYTES, show_progress: bool = False
) -> LoadResult:
    """Load every article in ``paths``; folders are walked recursively in sorted order.

    Hidden files and folders are skipped silently. An article's ``source`` is its path
    relative to the folder given (POSIX style), or its name for a file given directly, with
    ``#N`` appended for a record of a JSON list (its 1-based position) or of a JSON Lines file
    (its line number); a .json file holding one object keeps the bare name. Its ``origin`` is
    the same with the file's normalised absolute path: two folders may hold files of the same
    name, and the index tells them apart by origin. Non-UTF-8 text is decoded with a fallback
    and noted in ``Article.notes``.

    Args:
        paths: Files and folders to ingest.
        max_bytes: Files larger than this are skipped without being read.
        show_progress: Show a progress bar on stderr while reading files.

    Returns:
        The articles and the inputs that were skipped, each with one line saying why.

    Raises:
        TypeError: If ``paths`` is a single path or string instead of a sequence of paths.
        ValueError: If ``max_bytes`` is not positive.
    """
    if isinstance(paths, str | bytes | os.PathLike):
        raise TypeError("paths must be a sequence of paths; wrap a single path in a list")
    if max_bytes <= 0:
        raise ValueError(f"max_bytes must be positive, got {max_bytes}")
    collected = _Collector()
    candidates: list[Candidate] = []
    roots: list[str] = []
    for given in paths:
        found = list(discover(Path(given), collected.skip))
        if found or Path(given).is_dir():
            roots.append(str(absolute(Path(given))))
        candidates.extend(found)
    parsed: set[str] = set()
    for candidate in tqdm(
        candidates, desc="Reading articles", unit="file", disable=not show_progress
    ):
        first = collected.files_loaded_from.get(candidate.origin)
        if first is not None:
            collected.skip(candidate.display, _duplicate_reason(first))
            continue
        loaded = len(collected.articles)
        _load_file(candidate, max_bytes, collected)
        if len(collected.articles) > loaded:
            collected.files_loaded_from[candidate.origin] = candidate.display
            parsed.add(candidate.origin)
    return LoadResult(
        articles=tuple(collected.articles),
        skipped=tuple(collected.skipped),
        roots=tuple(dict.fromkeys(roots)),
        found=frozenset(c.origin for c in candidates),
        parsed=frozenset(parsed),
    )


def _load_file(candidate: Candidate, max_bytes: int, collected: _Collector) -> None:
    """Read, decode and parse one file into articles; record a skip on any problem."""
    data = read_bytes(candidate.path, max_bytes)
    if isinstance(data, str):
        collected.skip(candidate.display, data)
        return
    problem = binary_reason(data)
    if problem is not None:
        collected.skip(candidate.display, problem)
        return
    suffix = candidate.path.suffix.lower()
    text, note = decode_html(data) if suffix in _HTML_SUFFIXES else decode_bytes(data)
    notes = (note,) if note else ()
    if not normalize_text(text).strip():
        collected.skip(candidate.display, "empty file: nothing to index; add the article text")
        return
    if suffix in _TEXT_SUFFIXES or suffix in _HTML_SUFFIXES:
        parse = parse_text_article if suffix in _TEXT_SUFFIXES else parse_html_article
        try:
            article = parse(text, source=candidate.source, content_hash=hash_bytes(data))
        except UnusableArticleError as exc:
            collected.skip(candidate.display, str(exc))
            return
        article = replace(article, origin=candidate.origin)
        collected.add(_with_notes(article, notes), candidate.display)
        return

    def add_record(article: Article, display: str) -> None:
        # A record's source is the file's plus "#N": its origin gets the same suffix.
        suffix = article.source[len(candidate.source) :]
        collected.add(replace(article, origin=candidate.origin + suffix), display)

    load_json_records(
        text,
        lines=suffix == ".jsonl",
        source=candidate.source,
        display=candidate.display,
        notes=notes,
        add=add_record,
        skip=collected.skip,
    )


def _with_notes(article: Article, notes: tuple[str, ...]) -> Article:
    return replace(article, notes=(*article.notes, *notes)) if notes else article


def _duplicate_reason(first: str) -> str:
    return f"given twice (already loaded from {first}): it is ingested once"
