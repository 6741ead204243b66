"""Styled text as spans, rendered to Telegram HTML and split under the message limit.

Every string is escaped when rendered, and a long text is split between spans or inside a
span's text, never inside a tag: each piece opens and closes its own tags.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["MESSAGE_LIMIT", "Block", "Span", "plain_text", "render", "split_blocks", "tg_len"]

MESSAGE_LIMIT = 4096
"""Telegram's maximum message length, in UTF-16 code units of the text after HTML parsing."""

_BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one style; ``href`` makes it a link (http and https only)."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


Block = tuple[Span, ...]
"""A paragraph; blocks are separated by a blank line and split apart first."""


def tg_len(text: str) -> int:
    """Return the length of ``text`` as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def plain_text(spans: Iterable[Span]) -> str:
    """Return what the reader sees of ``spans``, without markup."""
    return "".join(span.text for span in spans)


def _render_span(span: Span) -> str:
    out = html.escape(span.text, quote=False)
    if span.bold:
        out = f"<b>{out}</b>"
    if span.italic:
        out = f"<i>{out}</i>"
    if span.href is not None and span.href.startswith(("http://", "https://")):
        out = f'<a href="{html.escape(span.href, quote=True)}">{out}</a>'
    return out


def render(blocks: Sequence[Block]) -> str:
    """Render ``blocks`` as Telegram HTML, escaping every string."""
    return _BLOCK_SEPARATOR.join("".join(_render_span(s) for s in block) for block in blocks)


def _cut_point(text: str, limit: int) -> int:
    """Return how many characters of ``text`` to keep so that at most ``limit`` UTF-16 units
    are kept, preferring a line break, then a sentence end, then a space."""
    units = 0
    hard = len(text)
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            hard = index
            break
    if hard == len(text):
        return hard
    window = text[:hard]
    floor = hard // 2
    for marker in ("\n", ". ", " "):
        at = window.rfind(marker)
        if at > floor:
            return at + len(marker)
    return max(hard, 1)


def _slice_spans(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """Return the parts of ``spans`` that cover plain-text characters ``start:end``."""
    out: list[Span] = []
    offset = 0
    for span in spans:
        lo, hi = offset, offset + len(span.text)
        offset = hi
        a, b = max(lo, start), min(hi, end)
        if a < b:
            out.append(Span(span.text[a - lo : b - lo], span.bold, span.italic, span.href))
    return out


def _strip_spans(spans: list[Span]) -> Block:
    """Drop leading and trailing whitespace so that no piece starts or ends blank."""
    while spans and not spans[0].text.lstrip():
        spans.pop(0)
    while spans and not spans[-1].text.rstrip():
        spans.pop()
    if spans:
        first, last = spans[0], spans[-1]
        spans[0] = Span(first.text.lstrip(), first.bold, first.italic, first.href)
        last = spans[-1]
        spans[-1] = Span(last.text.rstrip(), last.bold, last.italic, last.href)
    return tuple(spans)


def _cut_block(block: Block, limit: int) -> list[Block]:
    """Cut one block into parts of at most ``limit`` UTF-16 units each."""
    text = plain_text(block)
    if tg_len(text) <= limit:
        stripped = _strip_spans(list(block))
        return [stripped] if stripped else []
    parts: list[Block] = []
    start = 0
    while start < len(text):
        keep = _cut_point(text[start:], limit)
        part = _strip_spans(_slice_spans(block, start, start + keep))
        if part:
            parts.append(part)
        start += keep
    return parts


def split_blocks(blocks: Sequence[Block], *, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Render ``blocks`` as one or more HTML messages, each at most ``limit`` long.

    Blocks are packed greedily in order; a block longer than ``limit`` is cut at a line
    break, sentence end or space. Empty and blank blocks are dropped.

    Args:
        blocks: The paragraphs of the message.
        limit: Maximum visible length of one message, in UTF-16 code units.

    Returns:
        The messages' HTML; empty when there is nothing visible to send.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    separator = tg_len(_BLOCK_SEPARATOR)
    messages: list[list[Block]] = []
    current: list[Block] = []
    used = 0
    for block in blocks:
        for part in _cut_block(block, limit):
            size = tg_len(plain_text(part))
            extra = size + (separator if current else 0)
            if current and used + extra > limit:
                messages.append(current)
                current, used, extra = [], 0, size
            current.append(part)
            used += extra
    if current:
        messages.append(current)
    return [render(message) for message in messages]
