"""Sentence boundaries with character offsets, for chunking and for picking key sentences."""

from __future__ import annotations

import re

# Words that end with a full stop without ending the sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sr",
        "jr",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "rev",
        "hon",
        "mt",
        "ft",
        "vs",
        "etc",
        "al",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "univ",
        "est",
        "approx",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    ]
)

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then space.
_BOUNDARY = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s)")
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
_NEXT_START = re.compile(r"\s+[\"'“‘«(\[]*[A-Z0-9À-ÖØ-Þ\u0400-\u042f]")


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS:
        return True
    # Initials such as "J.R.R." or a single capital letter ("Mr J. Smith").
    return len(word.replace(".", "")) == 1 or (word.count(".") >= 1 and len(word) <= 6)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences.

    Returns:
        ``(start, end)`` offsets into ``text``, whitespace trimmed, in order. Line breaks always
        end a sentence, so headings and list items stand alone.
    """
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for block_start, block_end in _blocks(text, start, stop):
        cursor = block_start
        for match in _BOUNDARY.finditer(text, block_start, block_end):
            cut = match.end()
            if text[match.start()] == "." and _ends_with_abbreviation(text, match.start()):
                continue
            if not _NEXT_START.match(text, cut, block_end):
                continue
            _append_trimmed(text, cursor, cut, spans)
            cursor = cut
        _append_trimmed(text, cursor, block_end, spans)
    return spans


def _blocks(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    blocks = []
    cursor = start
    for match in _PARAGRAPH.finditer(text, start, stop):
        blocks.append((cursor, match.start()))
        cursor = match.end()
    blocks.append((cursor, stop))
    return blocks


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
