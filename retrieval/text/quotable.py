"""Which sentences may be quoted as an answer: not photo captions, credits or headings.

A caption ends in a credit in brackets ("... (Photo: AP)", "(Pavel Bednyakov, Sputnik,
Kremlin Pool Photo via AP/PA)") or starts with a label such as "Photo:"; a heading is short
and has no closing punctuation; a short aside in brackets or a "Via ..." line credits a
source. Such text may still be shown around an excerpt, never as the
bold key sentence.
"""

from __future__ import annotations

import re

_CREDIT_AT_END = re.compile(
    r"\((?=[^()]*(?:\bAP\b|\bPA\b|\bAFP\b|Reuters|Getty|\bEPA\b|Photo|Pool|Image|/))[^()]*\)"
    r"[.\s]*$",
    re.IGNORECASE,
)
_LABEL_AT_START = re.compile(
    r"^\s*(?:photo|photograph|image|picture|video|credit|caption|file photo|source)s?\s*[:|]",
    re.IGNORECASE,
)
_AGENCY_CREDIT = re.compile(
    r"(?:^|[\s(])(?:getty images|shutterstock|reuters|afp|ap photo|epa|alamy)(?:/[\w .-]+)?\W*$",
    re.IGNORECASE,
)
_ASIDE = re.compile(r"^\s*[(\[][^()\[\]]*[)\]][.\s]*$")
_CREDIT_LINE = re.compile(r"^\s*(?:via|h/t|hat tip|read more|more:|see also)\b", re.IGNORECASE)
_CLOSING = (".", "!", "?", '"', "'", "\u201d", "\u2019", ")", "\u2026", ":", ";")
_HEADING_MAX_WORDS = 12


def is_quotable(sentence: str) -> bool:
    """Whether ``sentence`` may be the key sentence of an answer."""
    text = sentence.strip()
    if not text:
        return False
    if _CREDIT_AT_END.search(text) or _LABEL_AT_START.search(text):
        return False
    if _AGENCY_CREDIT.search(text) and len(text.split()) <= 20:
        return False
    short = len(text.split()) <= _HEADING_MAX_WORDS
    if short and (_ASIDE.match(text) or _CREDIT_LINE.match(text)):
        return False
    return text.endswith(_CLOSING) or len(text.split()) > _HEADING_MAX_WORDS
