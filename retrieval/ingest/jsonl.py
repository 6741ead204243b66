"""JSON and JSON Lines records -> Articles: each record its own article or its own skip line."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from retrieval.errors import UnusableArticleError
from retrieval.ingest.article import build_article, hash_bytes
from retrieval.ingest.cleaning import clean_text, normalize_text
from retrieval.ingest.metadata import parse_iso_date
from retrieval.records import Article

Add = Callable[[Article, str], None]
Skip = Callable[[str, str], None]


def load_json_records(
    text: str,
    *,
    lines: bool,
    source: str,
    display: str,
    notes: tuple[str, ...],
    add: Add,
    skip: Skip,
) -> None:
    """Turn each record of a .json (``lines`` False) or .jsonl file into an article or a skip.

    A record's source is ``source#N``: its 1-based position in a JSON list, or its line number
    in a JSON Lines file; a .json file holding one object keeps the bare ``source``.

    Args:
        text: The decoded file.
        lines: True for JSON Lines.
        source: The file's source key.
        display: The file's path for the ingest report.
        notes: Remarks on the file (decoding) carried by every article.
        add: Called with each article and its display path.
        skip: Called with the display path and reason of each unusable record.
    """
    records: list[tuple[int | None, Any]] = []
    broken = 0
    if lines:
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except (ValueError, RecursionError) as exc:
                broken += 1
                skip(f"{display}#{number}", _json_error(exc))
    else:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            skip(display, _json_error(exc))
            return
        if isinstance(value, list):
            records = [(number, record) for number, record in enumerate(value, start=1)]
        elif isinstance(value, dict):
            records = [(None, value)]
        else:
            skip(
                display,
                f"top level is a JSON {_json_type(value)}: "
                'make it an object or a list of objects with a "text" field',
            )
            return
    if not records and not broken:
        skip(display, 'no records: add objects with a "text" field')
    for position, record in records:
        suffix = "" if position is None else f"#{position}"
        try:
            article = _json_article(record, source=f"{source}{suffix}", notes=notes)
        except UnusableArticleError as exc:
            skip(f"{display}{suffix}", str(exc))
            continue
        add(article, f"{display}{suffix}")


def _json_article(record: Any, *, source: str, notes: tuple[str, ...]) -> Article:
    """Build an article from one JSON record, or raise UnusableArticleError saying why not."""
    if not isinstance(record, dict):
        raise UnusableArticleError(
            f'record is a JSON {_json_type(record)}: make it an object with a "text" field'
        )
    if "text" not in record:
        raise UnusableArticleError('field "text" is missing: add the article text')
    fields: dict[str, str | None] = {}
    for name in ("text", "title", "url", "published", "publisher"):
        value = record.get(name)
        if name == "text" or value is not None:
            if not isinstance(value, str):
                raise UnusableArticleError(
                    f'field "{name}" must be a string, not {_json_type(value)}'
                )
            fields[name] = normalize_text(value).strip() or None
        else:
            fields[name] = None
    body = fields["text"]
    if body is None:
        raise UnusableArticleError('field "text" is empty: add the article text')
    published_text = fields["published"]
    published = parse_iso_date(published_text) if published_text else None
    record_notes = notes
    if published_text and published is None:
        record_notes = (*notes, f'field "published" is not a YYYY-MM-DD date: {published_text!r}')
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return build_article(
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
