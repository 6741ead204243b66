"""Raw lines -> paragraphs: markup stripped, URL lines lifted out, hard-wrapped lines rejoined."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from retrieval.ingest.furniture import TERMINAL, Furniture

_SPACES = re.compile(r"\s+")
_URL_LINE = re.compile(r"<?(https?://\S+?)>?", re.IGNORECASE)

_URL_LABEL = re.compile(
    r"(?:(?:original|canonical|source|article)?\s*(?:url|link)|source)\s*:\s*"
    r"(?P<url>https?://\S+)?",
    re.IGNORECASE,
)

# The tail of a URL that a hard wrap pushed onto the next line: one token of URL characters
# holding a digit or URL punctuation, so a lone word ("AGPs") is never glued to a link.
_URL_TAIL = re.compile(r"(?=.*[0-9\-_/.=?&%#])[A-Za-z0-9\-._~/?#&=%+:@!$*,;]+")

_WRAPPED_URL_MIN_LENGTH = 60

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\((https?://[^)\s]+)\)")

_MD_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")

_MD_HEADING = re.compile(r"#{1,6}\s+")

# Markdown emphasis: **strong**, __strong__, *em*, _em_. The markers must hug the words and
# sit at word edges, so "5 * 3", snake_case names and bullet asterisks are left alone.
_MD_EMPHASIS = (
    re.compile(r"(?<![\w*])\*\*(?=\S)(.+?)(?<=\S)\*\*(?![\w*])"),
    re.compile(r"(?<![\w_])__(?=\S)(.+?)(?<=\S)__(?![\w_])"),
    re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])"),
)


# A hard-wrapped file has inner lines (lines followed by another line of the same paragraph)
# of roughly one width, between these bounds; prose lines are longer, list lines shorter.
_WRAP_MIN_WIDTH = 60

_WRAP_MAX_WIDTH = 120

_WRAP_NEAR_MARGIN = 0.6

_WRAP_SHARE = 0.75


def collapse_spaces(text: str) -> str:
    """Return ``text`` with every run of whitespace replaced by one space, stripped."""
    return _SPACES.sub(" ", text).strip()


def strip_line_markup(lines: Iterable[str], removed: list[Furniture]) -> list[str]:
    """Strip each line; turn Markdown headings, images, links and emphasis into plain text."""
    result: list[str] = []
    for raw in lines:
        line = raw.strip()
        if _MD_IMAGE.search(line):
            removed.extend(Furniture("url", url) for url in _MD_IMAGE.findall(line))
            line = _MD_IMAGE.sub("", line).strip()
        if _MD_LINK.search(line):
            removed.extend(Furniture("url", url) for _, url in _MD_LINK.findall(line))
            line = _MD_LINK.sub(r"\1", line)
        if _MD_HEADING.match(line):
            line = _MD_HEADING.sub("", line, count=1)
        for emphasis in _MD_EMPHASIS:
            line = emphasis.sub(r"\1", line)
        result.append(line)
    return result


def extract_url_lines(lines: list[str], removed: list[Furniture]) -> list[str]:
    """Blank out bare URL lines (re-joining URLs a hard wrap split) and URL labels."""
    result = list(lines)
    labelled = False
    index = 0
    while index < len(result):
        line = result[index]
        if not line:
            index += 1
            continue
        label = _URL_LABEL.fullmatch(line)
        if label is not None and (label["url"] or _next_is_url(result, index)):
            result[index] = ""
            if label["url"] is None:
                labelled = True
                index += 1
                continue
            line = label["url"]
            labelled = True
        match = _URL_LINE.fullmatch(line)
        if match is None:
            labelled = False
            index += 1
            continue
        url = match[1]
        result[index] = ""
        while (
            len(url) >= _WRAPPED_URL_MIN_LENGTH
            and index + 1 < len(result)
            and _URL_TAIL.fullmatch(result[index + 1])
            and not result[index + 1].lower().startswith(("http://", "https://"))
        ):
            index += 1
            url += result[index]
            result[index] = ""
        removed.append(Furniture("canonical_url" if labelled else "url", url))
        labelled = False
        index += 1
    return result


def _next_is_url(lines: list[str], index: int) -> bool:
    following = next((line for line in lines[index + 1 :] if line), "")
    return _URL_LINE.fullmatch(following) is not None


def join_paragraphs(lines: list[str]) -> list[str]:
    """Group lines into paragraphs: blank lines separate them, hard wraps are re-joined."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    width = _wrap_width(blocks)
    paragraphs: list[str] = []
    for block in blocks:
        current = [block[0]]
        for previous, line in itertools.pairwise(block):
            if not _continues(previous, line, width):
                paragraphs.append(collapse_spaces(" ".join(current)))
                current = []
            current.append(line)
        paragraphs.append(collapse_spaces(" ".join(current)))
    return paragraphs


def _wrap_width(blocks: list[list[str]]) -> int | None:
    """Return the wrap width when the text is hard-wrapped at a fixed width, else None."""
    inner = [len(line) for block in blocks for line in block[:-1]]
    if len(inner) < 2:
        return None
    width = max(inner)
    if not _WRAP_MIN_WIDTH <= width <= _WRAP_MAX_WIDTH:
        return None
    near_margin = sum(length >= _WRAP_NEAR_MARGIN * width for length in inner)
    return width if near_margin >= _WRAP_SHARE * len(inner) else None


def _continues(previous: str, line: str, width: int | None) -> bool:
    """Tell whether ``line`` continues the paragraph that ``previous`` belongs to."""
    starts_lower = line[:1].islower()
    if width is not None:
        return len(previous) >= _WRAP_NEAR_MARGIN * width or starts_lower
    return starts_lower and not previous.endswith(TERMINAL)
