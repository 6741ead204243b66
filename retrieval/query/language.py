"""The question's language: the model and the articles are English, so say so for others.

Script decides first: a question written mostly in Cyrillic, Greek, Arabic, Hebrew, CJK or
another non-Latin script is not English, whatever its names. A question in Latin letters is
taken for another language only when it has several words and py3langid (whose model ships
in its wheel) is confident: short English questions full of names ("Lukashenko Minsk
protests") look foreign to any detector.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from typing import Any

LATIN_MIN_WORDS = 4
"""A Latin-script question needs this many words before it may be called foreign."""
LATIN_MIN_CONFIDENCE = 0.8
"""py3langid's probability from which a Latin-script question is foreign (no English
headline or opening sentence of 4,450 in the BBC corpus reaches 0.7)."""
SCRIPT_MIN_SHARE = 0.5
"""Share of a question's letters in one non-Latin script that make it that script's language."""
SCRIPT_CONFIDENCE = 0.8
"""py3langid's probability from which its guess names the language of a non-Latin script."""

# The language a script most likely means when the detector is unsure (Russian speakers are
# the likeliest users writing Cyrillic). Only the code changes with it: the reply is the same.
_SCRIPT_LANGUAGE = {
    "CYRILLIC": "ru",
    "GREEK": "el",
    "ARABIC": "ar",
    "HEBREW": "he",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "THAI": "th",
    "DEVANAGARI": "hi",
    "ARMENIAN": "hy",
    "GEORGIAN": "ka",
    "BENGALI": "bn",
    "TAMIL": "ta",
}
# English and the languages py3langid confuses with English on short text.
_ENGLISH_LIKE = frozenset({"en", "pcm", "sco"})
_WORD = re.compile(r"[^\W\d_]+")

_identifier: Any = None
_identifier_lock = threading.Lock()


def foreign_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language when it is confidently not English, else None."""
    script = main_script(text)
    if script is None:
        return None
    if script != "LATIN":
        guess, probability = _classify(text)
        if probability >= SCRIPT_CONFIDENCE and guess not in _ENGLISH_LIKE:
            return guess
        return _SCRIPT_LANGUAGE.get(script, "und")
    if len(_WORD.findall(text)) < LATIN_MIN_WORDS:
        return None
    guess, probability = _classify(text)
    if guess in _ENGLISH_LIKE or probability < LATIN_MIN_CONFIDENCE:
        return None
    return guess


def main_script(text: str) -> str | None:
    """The script of ``text``'s letters: "LATIN", or the commonest other ("CYRILLIC", "CJK"...).

    Another script wins when at least ``SCRIPT_MIN_SHARE`` of the letters are not Latin (a
    Japanese question mixes three scripts); None when ``text`` has no letters.
    """
    scripts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            scripts[name.split(" ")[0] if name else "UNKNOWN"] += 1
    total = sum(scripts.values())
    if not total:
        return None
    latin = scripts.pop("LATIN", 0)
    if total - latin < SCRIPT_MIN_SHARE * total:
        return "LATIN"
    return scripts.most_common(1)[0][0]


def load_detector() -> None:
    """Load py3langid's model now (about 1.5 s) instead of on the first long question."""
    _detector()


def _classify(text: str) -> tuple[str, float]:
    guess, probability = _detector().classify(text)
    return str(guess), float(probability)


def _detector() -> Any:
    global _identifier  # noqa: PLW0603 - one model per process, loaded on first use
    with _identifier_lock:
        if _identifier is None:
            from py3langid.langid import (  # noqa: PLC0415 - 1.5 s; only when needed
                MODEL_FILE,
                LanguageIdentifier,
            )

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier
