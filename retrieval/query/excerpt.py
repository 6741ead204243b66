"""The excerpt around a key sentence: neighbouring sentences while they fit, the key never cut."""

from __future__ import annotations

import re

from retrieval.text.sentences import split_sentences

EXCERPT_CHARS = 600


def build_excerpt(
    text: str, key: tuple[int, int], *, window: tuple[int, int] | None = None
) -> tuple[str, tuple[int, int]]:
    """The key sentence in context: ``window`` when given, else neighbours that fit.

    Without a window, neighbouring sentences are added on both sides while the excerpt stays
    within ``EXCERPT_CHARS``. The key sentence is never cut.
    """
    start, end = window if window is not None else key
    start, end = min(start, key[0]), max(end, key[1])
    position = None
    if window is None:
        sentences = split_sentences(text)
        position = next((i for i, (s, e) in enumerate(sentences) if s <= key[0] < e), None)
    if position is not None:
        before, after = position - 1, position + 1
        while True:
            grew = False
            if after < len(sentences) and sentences[after][1] - start <= EXCERPT_CHARS:
                end = sentences[after][1]
                after += 1
                grew = True
            if before >= 0 and end - sentences[before][0] <= EXCERPT_CHARS:
                start = sentences[before][0]
                before -= 1
                grew = True
            if not grew:
                break
    body = re.sub(r"\s*\n\s*", " ", text[start:end])
    prefix = "… " if text[:start].strip() else ""
    suffix = " …" if text[end:].strip() else ""
    key_text = re.sub(r"\s*\n\s*", " ", text[key[0] : key[1]])
    key_offset = body.find(key_text)
    highlight = (len(prefix) + key_offset, len(prefix) + key_offset + len(key_text))
    return prefix + body + suffix, highlight
