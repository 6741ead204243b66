"""Source identity: which indexed article a file is, its short unique name, and finding articles.

An article's identity is its ``origin``: the normalised absolute path of its file (with
``#N`` for a record of a JSON or JSON Lines file) or the URL it was fetched from. Its
``source`` is the short name people see and type (the path relative to the ingested folder);
when another origin already holds that name, parent folders are added until it is unique, and
a name once given never changes. A file of the same name and the same bytes found elsewhere is
the same article moved or copied, so its origin moves with it. Articles indexed before origins
were recorded have none: they are matched by name, as they were then, and get their origin on
the next ingest.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path, PurePosixPath

from retrieval.ingest.discover import absolute
from retrieval.records import Article, ArticleInfo, IngestReport, SkippedFile

__all__ = [
    "Scope",
    "is_url",
    "list_articles",
    "merge_additions",
    "merge_articles",
    "origin_file",
    "select_articles",
]

_WEB = re.compile(r"https?://", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Scope:
    """What an ingest looked at, so that articles whose files are gone can be removed.

    Attributes:
        roots: The folders and files given, as normalised absolute paths.
        found: Every file found under them, read or skipped.
        parsed: The files that produced at least one article.
    """

    roots: tuple[str, ...] = ()
    found: frozenset[str] = frozenset()
    parsed: frozenset[str] = frozenset()


def is_url(origin: str) -> bool:
    """Whether an origin is a web address rather than a file."""
    return origin.startswith(("http://", "https://"))


def origin_file(origin: str) -> Path | None:
    """The file an origin was read from (a record's ``#N`` removed), or None for a URL."""
    if is_url(origin):
        return None
    head, mark, tail = origin.rpartition("#")
    if mark and tail.isdigit() and Path(head).suffix.lower() in (".json", ".jsonl"):
        return Path(head)
    return Path(origin)


def merge_articles(
    previous: Mapping[str, Article], loaded: Sequence[Article], *, scope: Scope | None = None
) -> tuple[dict[str, Article], IngestReport]:
    """Merge freshly loaded articles into the indexed ones, by origin.

    Args:
        previous: The indexed articles by source name.
        loaded: Articles just read.
        scope: What was read; indexed articles from files under its roots that no longer
            exist (or records no longer in a file that was read) are removed.

    Returns:
        The merged articles by source name and a report of what was added, replaced,
        unchanged and removed (an article whose content hash is the same is kept as indexed).
    """
    merged = dict(previous)
    by_origin = {a.origin: name for name, a in previous.items() if a.origin}
    added, replaced, unchanged, notes = [], [], [], []
    seen: set[str] = set()
    for article in loaded:
        name = _indexed_name(article, previous, by_origin, claimed=seen)
        if name is None:
            name = _free_name(article, merged)
            added.append(name)
        elif previous[name].content_hash == article.content_hash:
            unchanged.append(name)
            if previous[name].origin != article.origin:
                merged[name] = replace(previous[name], origin=article.origin)
            seen.add(name)
            continue
        else:
            replaced.append(name)
        merged[name] = replace(article, source=name)
        seen.add(name)
        notes += [f"{name}: {note}" for note in article.notes]
    loaded_origins = {a.origin for a in loaded if a.origin}
    removed = []
    for name, article in previous.items():
        if name not in seen and _gone(article, scope, loaded_origins):
            del merged[name]
            removed.append(name)
            notes.append(f"{name}: removed, {article.origin} no longer exists")
    report = IngestReport(
        added=tuple(added),
        replaced=tuple(replaced),
        unchanged=tuple(unchanged),
        removed=tuple(removed),
        notes=tuple(notes),
    )
    return merged, report


def merge_additions(
    previous: Mapping[str, Article],
    added: Sequence[Article],
    *,
    skipped: Sequence[SkippedFile] = (),
    retire: Collection[str] = (),
) -> tuple[dict[str, Article], IngestReport]:
    """Merge articles built elsewhere (pages, feed items) into the indexed ones.

    Args:
        previous: The indexed articles by source name.
        added: The new articles, keyed by ``Article.source`` (the first of a key wins).
        skipped: Inputs that gave no article, passed through to the report.
        retire: Keys to delete as well (an article that moved to a new key), unless added.
    """
    unique: dict[str, Article] = {}
    for article in added:
        unique.setdefault(article.source, article)
    merged, report = merge_articles(previous, list(unique.values()))
    removed = tuple(k for k in retire if k in merged and k not in unique)
    for key in removed:
        del merged[key]
    return merged, replace(report, skipped=tuple(skipped), removed=removed)


def _indexed_name(
    article: Article,
    previous: Mapping[str, Article],
    by_origin: Mapping[str, str],
    *,
    claimed: set[str],
) -> str | None:
    """The name under which ``article`` is already indexed, or None when it is new.

    ``claimed`` holds the names other articles of this load already matched: a name is
    matched once, so two same-named files of one ingest never replace each other.
    """
    if article.origin and article.origin in by_origin:
        return by_origin[article.origin]
    old = previous.get(article.source)
    if old is None or article.source in claimed:
        return None
    if _WEB.match(article.source):
        return article.source  # a web article is keyed by its canonical URL, wherever fetched
    if old.origin is None or old.origin == article.origin:
        return article.source  # indexed before origins were recorded: the name decides
    if old.content_hash == article.content_hash:
        return article.source  # the same file, copied or moved to another folder
    return None


def _free_name(article: Article, taken: Mapping[str, Article]) -> str:
    """``article.source``, or a longer form of it from its origin when that is taken."""
    if article.source not in taken:
        return article.source
    file = origin_file(article.origin or "")
    if file is not None:
        own = PurePosixPath(article.source.split("#", 1)[0])
        record = article.source[len(own.as_posix()) :]
        parts = file.parts[1:]
        for size in range(len(own.parts) + 1, len(parts) + 1):
            candidate = "/".join(parts[-size:]) + record
            if candidate not in taken:
                return candidate
    number = 2
    while f"{article.source}~{number}" in taken:
        number += 1
    return f"{article.source}~{number}"


def _gone(article: Article, scope: Scope | None, loaded: set[str]) -> bool:
    """Whether an indexed article's file (or record) vanished from what was just read."""
    if scope is None or not article.origin or article.origin in loaded:
        return False
    file = origin_file(article.origin)
    if file is None or not any(_under(file, Path(root)) for root in scope.roots):
        return False
    if str(file) not in scope.found:
        return not file.exists()
    return str(file) in scope.parsed and str(file) != article.origin


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def select_articles(articles: Mapping[str, Article], target: str) -> list[str]:
    """The source names a user means by ``target``, as typed to ``newsbot remove``.

    Tried in order: a source name as ``newsbot stats`` lists it; a file name whose records
    are listed as ``NAME#N``; an article's URL or the address it was fetched from; a file or
    folder path (absolute, or relative to the working directory) holding articles.
    """
    if target in articles:
        return [target]
    records = [name for name in articles if name.startswith(f"{target}#")]
    if records:
        return sorted(records)
    if is_url(target):
        wanted = target.rstrip("/")
        return sorted(
            name
            for name, a in articles.items()
            if wanted in {(a.url or "").rstrip("/"), (a.origin or "").rstrip("/")}
        )
    path = absolute(Path(target))
    return sorted(name for name, a in articles.items() if _holds(path, a.origin))


def _holds(path: Path, origin: str | None) -> bool:
    if not origin or is_url(origin):
        return False
    file = origin_file(origin)
    return file is not None and _under(file, path)


def list_articles(
    articles: Mapping[str, Article], passages: Mapping[str, int]
) -> list[ArticleInfo]:
    """Articles as ``stats`` and ``/sources`` list them: newest first, undated last, by title."""
    infos = [
        ArticleInfo(a.source, a.title, a.url, a.published, a.publisher, passages.get(name, 0))
        for name, a in articles.items()
    ]
    infos.sort(
        key=lambda i: (i.published is None, -(i.published or date.min).toordinal(), i.title)
    )
    return infos
