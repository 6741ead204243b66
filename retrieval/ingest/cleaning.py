"""Cleaning of article text: page furniture out, story sentences kept verbatim in paragraphs.

Nothing here reads files or decides metadata; what is cut is handed back as tagged
``Furniture`` so that ``retrieval.ingest.metadata`` can read URLs, dates and bylines from it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from retrieval.ingest.furniture import (
    Furniture,
    drop_repeats_and_slugs,
    remove_furniture,
    take_headline,
)
from retrieval.ingest.lines import extract_url_lines, join_paragraphs, strip_line_markup

# Zero-width characters, the BOM, soft hyphens and bidi controls: invisible, and they break
# both exact-phrase search and the "sentence kept verbatim" guarantee.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069]")

# Lone surrogates (only JSON escapes can make them) would break every later UTF-8 encode.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"“”‘’\[\]]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CleanedText:
    """An article's story paragraphs and the furniture cut from around them.

    Attributes:
        paragraphs: Story paragraphs in order, whitespace collapsed, never empty strings.
        headline: The headline found at the top of the text, or None.
        removed: Everything cut, in document order.
    """

    paragraphs: tuple[str, ...]
    headline: str | None
    removed: tuple[Furniture, ...]

    @property
    def text(self) -> str:
        """The story as paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


def normalize_text(text: str) -> str:
    """Return ``text`` with Unix newlines, without invisible or control characters, NFC.

    Zero-width characters (U+200B-U+200F, U+2060, U+FEFF), bidi controls (U+202A-U+202E,
    U+2066-U+2069), soft hyphens and control characters other than newline and tab are removed.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL.sub("", _INVISIBLE.sub("", text))
    return unicodedata.normalize("NFC", text)


def clean_text(text: str, *, title_hint: str | None = None) -> CleanedText:
    """Split ``text`` into story paragraphs, cutting page furniture.

    Hard-wrapped lines are re-joined; bare URL lines, bylines, header dates, syndication ids,
    icon legends, share and sign-up prompts, disclaimers, repeated headlines and doubled
    captions are cut and returned in ``removed``. Story sentences are kept verbatim apart
    from whitespace.

    Args:
        text: Article text, ideally passed through ``normalize_text`` first.
        title_hint: A title known from elsewhere (HTML or JSON metadata). When given, no
            headline is detected; leading lines repeating it are cut instead.

    Returns:
        The cleaned paragraphs, the detected headline and what was removed.
    """
    removed: list[Furniture] = []
    lines = strip_line_markup(normalize_text(text).split("\n"), removed)
    lines = extract_url_lines(lines, removed)
    paragraphs = join_paragraphs(lines)
    paragraphs = remove_furniture(paragraphs, removed)
    headline, paragraphs = take_headline(paragraphs, title_hint, removed)
    paragraphs = drop_repeats_and_slugs(paragraphs, removed)
    return CleanedText(paragraphs=tuple(paragraphs), headline=headline, removed=tuple(removed))


def find_urls(text: str) -> list[str]:
    """Return the http(s) URLs inside running text, without trailing punctuation."""
    return [match.rstrip(".,;:!?)'\"") for match in _URL_IN_TEXT.findall(text)]
