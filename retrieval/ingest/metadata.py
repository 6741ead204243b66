"""Article metadata from cleaned text: title, canonical URL, date, publisher and related links.

Only what the source states is used: an unknown date stays None (never today's date or a
file's modification time), and a site the story merely cites is never made its publisher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from urllib.parse import urlsplit

from retrieval.ingest.cleaning import CleanedText, find_urls
from retrieval.ingest.lines import collapse_spaces
from retrieval.text.sentences import split_sentences

KNOWN_OUTLETS: Mapping[str, str] = MappingProxyType(
    {
        "themoscowtimes.com": "The Moscow Times",
        "meduza.io": "Meduza",
        "tass.com": "TASS",
        "tass.ru": "TASS",
        "kremlin.ru": "President of Russia",
        "menafn.com": "MENAFN",
        "reuters.com": "Reuters",
        "apnews.com": "Associated Press",
        "bbc.com": "BBC",
        "bbc.co.uk": "BBC",
        "theguardian.com": "The Guardian",
        "nytimes.com": "The New York Times",
        "washingtonpost.com": "The Washington Post",
        "independent.co.uk": "The Independent",
        "standard.co.uk": "Evening Standard",
        "aljazeera.com": "Al Jazeera",
        "rferl.org": "Radio Free Europe/Radio Liberty",
        "dw.com": "Deutsche Welle",
        "cnn.com": "CNN",
        "n-tv.de": "n-tv",
    }
)
"""Hosts of outlets whose display name is not their domain; other hosts are shown bare."""

# Words that mark a byline as an organisation ("By Press Association") rather than a person,
# whose name says nothing about the publisher.
_ORGANISATION_WORDS = frozenset(
    {
        "press",
        "association",
        "agency",
        "news",
        "media",
        "wire",
        "service",
        "reuters",
        "afp",
        "bloomberg",
        "times",
        "post",
        "staff",
    }
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_URL_PATH_DATE = re.compile(r"/(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?=[/-]|$)")
_SYNDICATION_DATE = re.compile(r"MENAFN(\d{2})(\d{2})(\d{4})")
_SYNDICATOR = re.compile(r"([A-Z]{3,})\d")
_EARLIEST_YEAR = 1900
_LATEST_YEAR = 2100
_TITLE_MAX_WORDS = 12
_TRAILING_FILLER = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "and",
        "or",
        "but",
        "from",
        "as",
        "that",
        "which",
        "who",
    }
)


@dataclass(frozen=True, slots=True)
class Metadata:
    """What an article says about itself.

    Attributes:
        title: Headline, or a short title derived from the first sentence; never empty.
        url: Canonical URL, or None when the source does not give one.
        published: Publication date, or None when the source does not say.
        publisher: Outlet or agency name, or None when unknown.
        related_links: Other URLs, in order of appearance, without duplicates.
        byline: The author named by a byline ("By Jane Doe"), or None.
    """

    title: str
    url: str | None
    published: date | None
    publisher: str | None
    related_links: tuple[str, ...]
    byline: str | None = None


def extract_metadata(
    cleaned: CleanedText,
    *,
    fallback_title: str,
    title: str | None = None,
    url: str | None = None,
    published: date | None = None,
    publisher: str | None = None,
) -> Metadata:
    """Work out an article's metadata; values given by the caller win over the text's.

    Args:
        cleaned: The cleaned article, with the furniture cut from it.
        fallback_title: Title used when there is no headline and no sentence (the file name).
        title: Title stated by the source format (HTML ``<title>``, a JSON field), if any.
        url: Canonical URL stated by the source format, if any.
        published: Date stated by the source format, if any.
        publisher: Publisher stated by the source format (the site name), if any.

    Returns:
        The metadata, falling back from stated values to the text's headline, labelled URL,
        header date, URL path date and byline, then to the canonical URL's host.
    """
    found: dict[str, list[str]] = {}
    for item in cleaned.removed:
        found.setdefault(item.kind, []).append(item.text)

    canonical = normalize_url(url) if url else None
    if canonical is None:
        canonical = next(_valid_urls(found.get("canonical_url", [])), None)

    final_title = _first_text(title, cleaned.headline, *found.get("title", []))
    if final_title is None:
        final_title = derive_title(cleaned.text) or fallback_title

    when = published or _first_date(
        [parse_iso_date(text) for text in found.get("date", [])]
        + [date_from_url(canonical) if canonical else None]
        + [date_from_syndication_id(text) for text in found.get("id", [])]
    )

    bylines = [name for name in found.get("byline", []) if _is_organisation(name)]
    syndicators = [_SYNDICATOR.match(text) for text in found.get("id", [])]
    who = _first_text(
        publisher,
        *bylines,
        *found.get("agency", []),
        *[match[1] for match in syndicators if match is not None],
        publisher_from_url(canonical) if canonical else None,
    )

    candidates = [*found.get("canonical_url", [])[1:], *found.get("url", [])]
    candidates += find_urls(cleaned.text)
    related = tuple(dict.fromkeys(link for link in _valid_urls(candidates) if link != canonical))
    return Metadata(
        title=final_title,
        url=canonical,
        published=when,
        publisher=who,
        related_links=related,
        byline=next((n for n in found.get("byline", []) if not _is_organisation(n)), None),
    )


def normalize_url(url: str) -> str | None:
    """Return ``url`` stripped of wrapping punctuation if it is an absolute http(s) URL."""
    candidate = url.strip().strip("<>").rstrip(".,;:!?)'\"")
    if not candidate or any(char.isspace() for char in candidate):
        return None
    parts = urlsplit(candidate)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return candidate


def parse_iso_date(text: str) -> date | None:
    """Return the calendar date an ISO date or timestamp starts with, if it is a real date."""
    match = _ISO_DATE.match(text.strip())
    return _real_date(*match.groups()) if match else None


def date_from_url(url: str) -> date | None:
    """Return the date in a URL path such as ``/2022/12/27/slug``, if it is a real date."""
    match = _URL_PATH_DATE.search(urlsplit(url).path)
    return _real_date(*match.groups()) if match else None


def date_from_syndication_id(text: str) -> date | None:
    """Return the date in a MENAFN id (``MENAFN22122025...`` is DDMMYYYY: 2025-12-22)."""
    match = _SYNDICATION_DATE.match(text)
    if match is None:
        return None
    day, month, year = match.groups()
    return _real_date(year, month, day)


def publisher_from_url(url: str) -> str | None:
    """Return the outlet a URL belongs to: a known outlet's name, else the bare host."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for prefix in ("www.", "m.", "amp."):
        host = host.removeprefix(prefix)
    if not host:
        return None
    for domain, name in KNOWN_OUTLETS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return host


def derive_title(text: str, *, max_words: int = _TITLE_MAX_WORDS) -> str | None:
    """Return a short title from the first sentence of ``text``, cut at a word boundary.

    A first sentence longer than ``max_words`` words is cut, trailing filler words dropped,
    and "…" appended; a shorter one is used whole without its final full stop.
    """
    sentence = first_sentence(text)
    if not sentence:
        return None
    words = sentence.split()
    if len(words) <= max_words:
        return sentence.removesuffix(".")
    kept = words[:max_words]
    if " ".join(kept).count("(") > " ".join(kept).count(")"):
        kept = kept[: max(i for i, word in enumerate(kept) if "(" in word)] or kept
    while len(kept) > 1 and kept[-1].casefold().strip(",;:—–-") in _TRAILING_FILLER:
        kept.pop()
    return " ".join(kept).rstrip(",;:—–-(") + "…"


def first_sentence(text: str) -> str:
    """Return the first sentence of ``text`` (abbreviations such as "St." do not end it)."""
    paragraph = collapse_spaces(text.split("\n\n", 1)[0])
    spans = split_sentences(paragraph)
    return paragraph[spans[0][0] : spans[0][1]] if spans else paragraph


def _real_date(year: str, month: str, day: str) -> date | None:
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if _EARLIEST_YEAR <= value.year <= _LATEST_YEAR else None


def _first_date(values: Iterable[date | None]) -> date | None:
    return next((value for value in values if value is not None), None)


def _first_text(*values: str | None) -> str | None:
    for value in values:
        if value is not None and value.strip():
            return collapse_spaces(value)
    return None


def _valid_urls(urls: Iterable[str]) -> Iterator[str]:
    for url in urls:
        valid = normalize_url(url)
        if valid is not None:
            yield valid


def _is_organisation(name: str) -> bool:
    return any(word.casefold() in _ORGANISATION_WORDS for word in re.findall(r"\w+", name))
