"""Ingestion: article files on disk -> cleaned ``Article`` records plus a report of skips.

Bad inputs never raise: each becomes one ``SkippedFile`` line saying what is wrong and what
to do. Symbolic links are never followed and no file is read past ``max_bytes``.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import trafilatura
from tqdm import tqdm

from retrieval.article import Article, hash_bytes
from retrieval.cleaning import CleanedText, clean_text, normalize_text
from retrieval.metadata import extract_metadata, parse_iso_date

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
MAX_FILE_BYTES = 20 * 1024 * 1024

_TEXT_SUFFIXES = frozenset({".txt", ".md"})
_HTML_SUFFIXES = frozenset({".html", ".htm"})
_SNIFF_BYTES = 8192
# Share of control bytes (other than tab, newline, carriage return, form feed) above which a
# file is treated as binary; real text in any 8-bit encoding has next to none.
_MAX_CONTROL_SHARE = 0.05
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c")
_UNICODE_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
_HTML_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_NOT_REGULAR = (
    (stat.S_ISFIFO, "named pipe"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISDIR, "folder"),
)
_NO_TEXT = "no article text left after removing page furniture: check that it holds a story"


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """An input that produced no article.

    Attributes:
        path: The path as given, or a folder's path joined with the file's relative path;
            ``#N`` marks a record of a JSON list (position) or JSON Lines file (line).
        reason: One friendly line: what is wrong and what to do about it.
    """

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What ``load_articles`` made of its inputs.

    Attributes:
        articles: The cleaned articles, in input order (folders walked in sorted order).
        skipped: Every input that produced no article, with the reason.
    """

    articles: tuple[Article, ...]
    skipped: tuple[SkippedFile, ...]


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A regular file found among the inputs, not read yet."""

    path: Path
    source: str
    display: str


@dataclass(slots=True)
class _Collector:
    """Accumulates articles and skips, keeping the first article of each source."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    loaded_from: dict[str, str] = field(default_factory=dict)
    files_loaded_from: dict[str, str] = field(default_factory=dict)

    def skip(self, path: str, reason: str) -> None:
        self.skipped.append(SkippedFile(path=path, reason=reason))

    def add(self, article: Article, display: str) -> None:
        first = self.loaded_from.get(article.source)
        if first is not None:
            self.skip(display, _duplicate_reason(article.source, first))
            return
        self.loaded_from[article.source] = display
        self.articles.append(article)


def load_articles(
    paths: Sequence[Path], *, max_bytes: int = MAX_FILE_BYTES, show_progress: bool = False
) -> LoadResult:
    """Load every article in ``paths``; folders are walked recursively in sorted order.

    Hidden files and folders are skipped silently. An article's ``source`` is its path
    relative to the folder given (POSIX style), or its name for a file given directly, with
    ``#N`` appended for a record of a JSON list (its 1-based position) or of a JSON Lines file
    (its line number); a .json file holding one object keeps the bare name. Non-UTF-8 text
    is decoded with a fallback and noted in ``Article.notes``.

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
    candidates: list[_Candidate] = []
    for given in paths:
        candidates.extend(_discover(Path(given), collected))
    for candidate in tqdm(
        candidates, desc="Reading articles", unit="file", disable=not show_progress
    ):
        first = collected.files_loaded_from.get(candidate.source)
        if first is not None:
            collected.skip(candidate.display, _duplicate_reason(candidate.source, first))
            continue
        loaded = len(collected.articles)
        _load_file(candidate, max_bytes, collected)
        if len(collected.articles) > loaded:
            collected.files_loaded_from[candidate.source] = candidate.display
    return LoadResult(articles=tuple(collected.articles), skipped=tuple(collected.skipped))


def parse_text_article(raw: str, *, source: str) -> Article:
    """Clean a plain-text or Markdown article and read its metadata.

    Args:
        raw: The decoded file contents.
        source: The article's source key, also the title of last resort.

    Returns:
        The article; ``content_hash`` is the SHA-256 of ``raw`` encoded as UTF-8.

    Raises:
        ValueError: If no story text is left once page furniture is removed.
    """
    return _text_article(raw, source=source, content_hash=hash_bytes(raw.encode("utf-8")))


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes: UTF-8 (with or without BOM), UTF-16/32 with BOM, cp1252, latin-1.

    Args:
        data: The raw bytes; binary content must have been rejected already.

    Returns:
        The text and a note for the ingest report when it was not UTF-8, else None.
    """
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), f"not UTF-8: decoded as {codec.upper()}"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not UTF-8: decoded as cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not UTF-8: decoded as latin-1"


def _discover(given: Path, collected: _Collector) -> Iterator[_Candidate]:
    """Yield the supported regular files under ``given``; record every other input."""
    display = _shown(given)
    try:
        info = given.lstat()
    except FileNotFoundError:
        collected.skip(display, "does not exist: check the path")
        return
    except OSError as exc:
        collected.skip(display, f"cannot be opened ({exc.strerror}): check its permissions")
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(given, collected)
        return
    reason = _reason_not_ingestible(given.name, info.st_mode)
    if reason is not None:
        collected.skip(display, reason)
        return
    yield _Candidate(path=given, source=given.name, display=display)


def _shown(path: Path) -> str:
    """Return ``path`` for a one-line report: control and undecodable characters escaped."""
    return "".join(
        char if char.isprintable() and not 0xD800 <= ord(char) <= 0xDFFF else _escaped(char)
        for char in path.as_posix()
    )


def _escaped(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


def _walk(root: Path, collected: _Collector) -> Iterator[_Candidate]:
    """Walk ``root`` depth first in sorted order, without following symbolic links."""
    stack: list[tuple[Iterator[os.DirEntry[str]], Path, str]] = []
    opened = _sorted_entries(root, collected)
    if opened is not None:
        stack.append((opened, root, ""))
    while stack:
        entries, folder, prefix = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            collected.skip(_shown(path), f"cannot be opened ({exc.strerror})")
            continue
        if stat.S_ISDIR(mode) and _shown(Path(entry.name)) != entry.name:
            bad_name = "folder name has control characters or is not UTF-8: rename the folder"
            collected.skip(_shown(path), bad_name)
            continue
        if stat.S_ISDIR(mode):
            opened = _sorted_entries(path, collected)
            if opened is not None:
                stack.append((opened, path, f"{prefix}{entry.name}/"))
            continue
        reason = _reason_not_ingestible(entry.name, mode)
        if reason is not None:
            collected.skip(_shown(path), reason)
            continue
        yield _Candidate(path=path, source=f"{prefix}{entry.name}", display=_shown(path))


def _sorted_entries(folder: Path, collected: _Collector) -> Iterator[os.DirEntry[str]] | None:
    """Return the folder's entries sorted by name, or None (recording a skip) if unreadable."""
    try:
        with os.scandir(folder) as found:
            return iter(sorted(found, key=lambda entry: entry.name))
    except OSError as exc:
        reason = f"folder cannot be read ({exc.strerror}): check its permissions"
        collected.skip(_shown(folder), reason)
        return None


def _reason_not_ingestible(name: str, mode: int) -> str | None:
    """Say why a non-folder entry cannot be ingested, or None when it can."""
    if stat.S_ISLNK(mode):
        return "symbolic link: not followed; pass the file it points to instead"
    if _shown(Path(name)) != name:
        return "file name has control characters or is not UTF-8: rename the file"
    if not stat.S_ISREG(mode):
        kind = next((label for test, label in _NOT_REGULAR if test(mode)), "special file")
        return f"not a regular file ({kind}): pass a text, HTML or JSON file instead"
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"'{suffix}'" if suffix else "without an extension"
        return f"unsupported file type {shown}: save it as one of {', '.join(SUPPORTED_SUFFIXES)}"
    return None


def _load_file(candidate: _Candidate, max_bytes: int, collected: _Collector) -> None:
    """Read, decode and parse one file into articles; record a skip on any problem."""
    data = _read_bytes(candidate.path, max_bytes)
    if isinstance(data, str):
        collected.skip(candidate.display, data)
        return
    problem = _binary_reason(data)
    if problem is not None:
        collected.skip(candidate.display, problem)
        return
    suffix = candidate.path.suffix.lower()
    text, note = _decode_html(data) if suffix in _HTML_SUFFIXES else decode_bytes(data)
    notes = (note,) if note else ()
    if not normalize_text(text).strip():
        collected.skip(candidate.display, "empty file: nothing to index; add the article text")
        return
    if suffix in _TEXT_SUFFIXES or suffix in _HTML_SUFFIXES:
        parse = _text_article if suffix in _TEXT_SUFFIXES else _html_article
        try:
            article = parse(text, source=candidate.source, content_hash=hash_bytes(data))
        except ValueError as exc:
            collected.skip(candidate.display, str(exc))
            return
        collected.add(_with_notes(article, notes), candidate.display)
        return
    _load_json(text, candidate, notes, collected)


def _read_bytes(path: Path, max_bytes: int) -> bytes | str:
    """Return the file's bytes, or a reason when it cannot or must not be read whole."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return "does not exist any more (moved or deleted during the ingest): check the path"
    except PermissionError:
        return "permission denied: make the file readable (chmod +r) or remove it"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link: not followed; pass the file it points to instead"
        return f"cannot be read ({exc.strerror}): check the file"
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file: pass a text, HTML or JSON file instead"
        if info.st_size > max_bytes:
            return _too_large(info.st_size, max_bytes)
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            return f"cannot be read ({exc.strerror}): check the file"
    if len(data) > max_bytes:
        return _too_large(len(data), max_bytes)
    return data


def _too_large(size: int, max_bytes: int) -> str:
    return (
        f"too large ({_megabytes(size)} > {_megabytes(max_bytes)} limit): "
        "split it into smaller files"
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _binary_reason(data: bytes) -> str | None:
    """Say why ``data`` is not text (NUL bytes or mostly control bytes), or None."""
    if data.startswith(_UNICODE_BOMS):
        return None
    head = data[:_SNIFF_BYTES]
    if b"\x00" in data:
        return "binary file (contains NUL bytes): export the article as text, HTML or JSON"
    controls = sum((byte < 0x20 and byte not in _TEXT_CONTROLS) or byte == 0x7F for byte in head)
    if head and controls > _MAX_CONTROL_SHARE * len(head):
        return "binary file (mostly non-text bytes): export the article as text, HTML or JSON"
    return None


def _decode_html(data: bytes) -> tuple[str, str | None]:
    """Decode HTML as UTF-8 when it is, else with the charset its ``<meta>`` declares."""
    text, note = decode_bytes(data)
    declared = _HTML_CHARSET.search(data[:_SNIFF_BYTES])
    if note is None or declared is None:
        return text, note
    name = declared[1].decode("ascii", errors="replace")
    try:
        return data.decode(codecs.lookup(name).name), f"not UTF-8: decoded as {name} (declared)"
    except (LookupError, UnicodeDecodeError):
        return text, note


def _text_article(raw: str, *, source: str, content_hash: str) -> Article:
    cleaned = clean_text(raw)
    return _build_article(cleaned, source=source, content_hash=content_hash)


def _html_article(raw: str, *, source: str, content_hash: str) -> Article:
    """Extract an HTML page's main text and metadata with trafilatura, then clean it."""
    try:
        document = trafilatura.bare_extraction(
            raw,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            # Dates from markup and URL only: no guessing from copyright lines or free text.
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    # trafilatura and lxml raise assorted errors on hostile markup; none may stop the ingest.
    except Exception as exc:
        raise ValueError(
            f"HTML could not be parsed ({type(exc).__name__}): save the article as text instead"
        ) from exc
    text = getattr(document, "text", None) if document is not None else None
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no article text found in the HTML: save the article as text instead")
    title = _string_attribute(document, "title")
    cleaned = clean_text(normalize_text(text), title_hint=title)
    date_text = _string_attribute(document, "date")
    return _build_article(
        cleaned,
        source=source,
        content_hash=content_hash,
        title=title,
        url=_string_attribute(document, "url"),
        published=parse_iso_date(date_text) if date_text else None,
        publisher=_string_attribute(document, "sitename"),
    )


def _string_attribute(document: object, name: str) -> str | None:
    value = getattr(document, name, None)
    return normalize_text(value).strip() or None if isinstance(value, str) else None


def _build_article(
    cleaned: CleanedText,
    *,
    source: str,
    content_hash: str,
    title: str | None = None,
    url: str | None = None,
    published: date | None = None,
    publisher: str | None = None,
    notes: tuple[str, ...] = (),
) -> Article:
    if not cleaned.paragraphs:
        raise ValueError(_NO_TEXT)
    metadata = extract_metadata(
        cleaned,
        fallback_title=source,
        title=title,
        url=url,
        published=published,
        publisher=publisher,
    )
    return Article(
        source=source,
        title=metadata.title,
        text=cleaned.text,
        url=metadata.url,
        published=metadata.published,
        publisher=metadata.publisher,
        related_links=metadata.related_links,
        content_hash=content_hash,
        notes=notes,
    )


def _with_notes(article: Article, notes: tuple[str, ...]) -> Article:
    return replace(article, notes=(*article.notes, *notes)) if notes else article


def _load_json(
    text: str, candidate: _Candidate, notes: tuple[str, ...], collected: _Collector
) -> None:
    """Turn each record of a .json or .jsonl file into an article or a skip line."""
    records: list[tuple[int | None, Any]] = []
    broken = 0
    if candidate.path.suffix.lower() == ".jsonl":
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except (ValueError, RecursionError) as exc:
                broken += 1
                collected.skip(f"{candidate.display}#{number}", _json_error(exc))
    else:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            collected.skip(candidate.display, _json_error(exc))
            return
        if isinstance(value, list):
            records = [(number, record) for number, record in enumerate(value, start=1)]
        elif isinstance(value, dict):
            records = [(None, value)]
        else:
            collected.skip(
                candidate.display,
                f"top level is a JSON {_json_type(value)}: "
                'make it an object or a list of objects with a "text" field',
            )
            return
    if not records and not broken:
        collected.skip(candidate.display, 'no records: add objects with a "text" field')
    for position, record in records:
        suffix = "" if position is None else f"#{position}"
        source = f"{candidate.source}{suffix}"
        display = f"{candidate.display}{suffix}"
        try:
            article = _json_article(record, source=source, notes=notes)
        except ValueError as exc:
            collected.skip(display, str(exc))
            continue
        collected.add(article, display)


def _json_article(record: Any, *, source: str, notes: tuple[str, ...]) -> Article:
    """Build an article from one JSON record, or raise ValueError saying what is wrong."""
    if not isinstance(record, dict):
        raise ValueError(
            f'record is a JSON {_json_type(record)}: make it an object with a "text" field'
        )
    if "text" not in record:
        raise ValueError('field "text" is missing: add the article text')
    fields: dict[str, str | None] = {}
    for name in ("text", "title", "url", "published", "publisher"):
        value = record.get(name)
        if name == "text" or value is not None:
            if not isinstance(value, str):
                raise ValueError(f'field "{name}" must be a string, not {_json_type(value)}')
            fields[name] = normalize_text(value).strip() or None
        else:
            fields[name] = None
    body = fields["text"]
    if body is None:
        raise ValueError('field "text" is empty: add the article text')
    published_text = fields["published"]
    published = parse_iso_date(published_text) if published_text else None
    record_notes = notes
    if published_text and published is None:
        record_notes = (*notes, f'field "published" is not a YYYY-MM-DD date: {published_text!r}')
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _build_article(
        clean_text(body, title_hint=fields["title"]),
        source=source,
        content_hash=hash_bytes(canonical.encode("utf-8", errors="surrogatepass")),
        title=fields["title"],
        url=fields["url"],
        published=published,
        publisher=fields["publisher"],
        notes=record_notes,
    )


def _json_error(exc: ValueError | RecursionError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}): fix it"
    return "not valid JSON (too deeply nested): fix it"


def _json_type(value: object) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _duplicate_reason(source: str, first: str) -> str:
    return f"duplicate source {source!r} (already loaded from {first}): rename one of them"
