"""Deep links: ``t.me/<bot>?start=<payload>`` opens a chat that asks a question at once.

Telegram allows 1-64 characters of ``A-Z a-z 0-9 _ -`` in a start payload. A question is
carried either readably, words joined by ``_`` (``?start=putin_rings_summit``), or exactly, as
``q-`` followed by its UTF-8 text in unpadded base64url (for punctuation and other scripts).
"""

from __future__ import annotations

import base64
import binascii
import re

__all__ = ["HELP_PAYLOADS", "MAX_PAYLOAD", "link_payload", "question_from_payload"]

MAX_PAYLOAD = 64
HELP_PAYLOADS = frozenset({"inline_help", "help"})
"""Payloads that ask for the help text (inline mode's button sends ``inline_help``)."""
_VALID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_EXACT = "q-"


def question_from_payload(payload: str) -> str | None:
    """The question a start payload carries, or None when it carries none (or is invalid)."""
    if not _VALID.match(payload) or payload in HELP_PAYLOADS:
        return None
    if payload.startswith(_EXACT):
        encoded = payload[len(_EXACT) :]
        try:
            text = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
    else:
        text = payload.replace("_", " ")
    text = " ".join(text.split())
    return text if any(char.isalnum() for char in text) else None


def link_payload(question: str) -> str | None:
    """The start payload for ``question``: readable if it can be, else exact; None: too long."""
    words = re.sub(r"[^A-Za-z0-9 ]", "", question).split()
    readable = "_".join(words)
    if readable and " ".join(words) == " ".join(question.split()) and len(readable) <= 64:
        return readable
    exact = _EXACT + base64.urlsafe_b64encode(question.encode("utf-8")).decode().rstrip("=")
    return exact if len(exact) <= MAX_PAYLOAD else None
