"""Page furniture: what is cut around a story (bylines, dates, legends, prompts, repeats).

Each cut is kept as a tagged ``Furniture`` so that metadata can read URLs, dates and bylines
from it; story sentences are never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

TERMINAL = tuple('.!?:;…"”’)]')
"""Characters that end a sentence or a quoted one."""

FurnitureKind = Literal[
    "canonical_url",  # the URL after a label such as "Original url:"
    "url",  # any other bare URL line or link target
    "date",  # an ISO date from a header such as "date 2023-10-13"
    "title",  # a "Title: ..." header line
    "headline",  # the headline and its repeats at the top of the story
    "byline",  # "By Press Association" -> "Press Association"
    "agency",  # a leading "(MENAFN)" tag -> "MENAFN"
    "id",  # syndication ids such as "MENAFN22122025000045017169ID1110512300"
    "related",  # "Related article: ..." teasers
    "icons",  # icon legends: "Calendar An icon of a desk calendar. ..."
    "boilerplate",  # share, sign-up and navigation prompts, stray punctuation
    "disclaimer",  # a "Legal Disclaimer:" block
    "duplicate",  # a paragraph repeating the one before it (doubled photo captions)
    "caption_slug",  # a photo's slug line ("Kyrgyzstan Summit CIS") above its caption
]

_HEADER_DATE = re.compile(
    r"(?:(?:date|published|updated|posted)(?:\s+on)?\s*:?\s*)?"
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"(?:\s+|$)",
    re.IGNORECASE,
)

_HEADER_DATE_KEYWORD = re.compile(r"(?:date|published|updated|posted)\b", re.IGNORECASE)

_TITLE_HEADER = re.compile(r"title\s*:\s*(?P<title>.+)", re.IGNORECASE)

_SEGMENT_BREAK = re.compile(r"(?<=[.!?])\s+")

# An icon-legend item: a short name, then a capitalised article starting its description
# ("Logout An icon representing logout.", "Copy link A decentered black square ...").
_LEGEND_ITEM = re.compile(r"[A-Z][^\s.]*(?: [^\s.]+){0,3}? (?:An?|The) \S")

_ICON_WORD = re.compile(r"\bicons?\b", re.IGNORECASE)

_LEGEND_MIN_ICONS = 3

_LEGEND_ITEM_MAX_WORDS = 30

_BOILERPLATE = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"explore more publications!?",
        r"share(?: us| this(?: article| story| page)?| on)?(?: on your social networks)?:?",
        r"(?:share us )?on your social networks:?(?: AGPs)?",
        r"AGPs",
        r"get the latest news on this topic\.?",
        r"sign up(?: for free)?(?: today| now| here)?[.!]?",
        r"subscribe(?: now| today| to our newsletter)?[.!]?",
        r"no,? thanks[.!]?",
        r"by signing (?:up )?(?:to|for) this email alert,? you agree to our terms"
        r" (?:&|and) conditions\.?",
        r"source site-\d+",
        r"advertisement|sponsored content|skip advert",
        r"(?:follow us|click here)\b.{0,80}",
        r"(?:©|copyright ©?)\s*\d{4}\b.{0,120}|all rights reserved\.?",
        r"[^\w\s]{1,3}",
    )
)

_RELATED = re.compile(
    r"(?:related (?:article|story|stories|reading|content)s?|read (?:more|also)|see also)\s*:.*",
    re.IGNORECASE,
)

_SYNDICATION_ID = re.compile(r"MENAFN\d{8}\d*ID\d+")

_DISCLAIMER_HEADING = re.compile(r"(?:legal )?disclaimer\s*:?", re.IGNORECASE)

_DISCLAIMER_INLINE = re.compile(r"legal disclaimer\s*:.+", re.IGNORECASE)

_DISCLAIMER_WORDS = re.compile(
    r"warrant|liabilit|responsib|disclaim|\"as is\"|copyright|accuracy|complaints",
    re.IGNORECASE,
)

_BYLINE = re.compile(
    r"By\s+(?P<name>[A-Z][\w.’'&-]*(?:(?:\s+|,\s*)(?:[A-Z][\w.’'&-]*|and|of|&|de|van|von|der|al))*)"
)

_BYLINE_MAX_WORDS = 10

# "By Jane Doe, published 2024-11-29": a byline and a header date on one line.
_BYLINE_DATE = re.compile(
    _BYLINE.pattern + r"\s*[,;|·–—-]\s*(?:(?:published|updated|posted)(?:\s+on)?\s*:?\s*)?"
    r"(?P<date>\d{4}-\d{2}-\d{2})\.?",
    re.IGNORECASE,
)

_AGENCY_TAG = re.compile(r"\((?P<name>[A-Z][A-Za-z&.]{1,20})\)\s*[-–—]?\s*")

_KNOWN_TAG_AGENCIES = frozenset({"Reuters", "Bloomberg", "Xinhua", "Interfax", "Sputnik"})

_NOT_AGENCIES = frozenset({"UPDATE", "UPDATED", "VIDEO", "PHOTOS", "LIVE", "WATCH", "OPINION"})

_PHOTO_CREDIT = re.compile(
    r"\((?=[^()]*(?:\bAP\b|\bPA\b|\bAFP\b|Reuters|Getty|\bEPA\b|Photo|Pool|/))[^()]*\)$"
)

_SLUG_MAX_WORDS = 6

_HEADLINE_MIN_WORDS = 3

_HEADLINE_MAX_WORDS = 25

_HEADLINE_MAX_CHARS = 200

_HEADLINE_REPEAT_OVERLAP = 0.75

_HEADLINE_ZONE = 4

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Furniture:
    """One piece of text that ``clean_text`` cut from the story.

    Attributes:
        kind: What it was; see ``FurnitureKind``.
        text: The value worth keeping (a URL, an ISO date, a name) or the cut text itself.
    """

    kind: FurnitureKind
    text: str


def remove_furniture(paragraphs: list[str], removed: list[Furniture]) -> list[str]:
    """Cut furniture paragraphs and furniture prefixes; keep everything else in order."""
    kept: list[str] = []
    in_disclaimer = False
    for paragraph in paragraphs:
        if in_disclaimer and _DISCLAIMER_WORDS.search(paragraph):
            removed.append(Furniture("disclaimer", paragraph))
            continue
        in_disclaimer = False
        both = _BYLINE_DATE.fullmatch(paragraph) if len(kept) < _HEADLINE_ZONE else None
        if both is not None:
            removed += [Furniture("byline", both["name"]), Furniture("date", both["date"])]
            continue
        text = _remove_header_date(paragraph, removed, leading=not kept)
        text = _remove_icon_legends(text, removed)
        if not text:
            continue
        kind, value = _classify(text)
        if kind == "title" and kept:
            kind = None  # "Title: ..." is a header only above the story
        if kind == "disclaimer":
            in_disclaimer = _DISCLAIMER_HEADING.fullmatch(text) is not None
        if kind is not None:
            removed.append(Furniture(kind, value))
            continue
        tag = _AGENCY_TAG.match(text) if len(kept) < _HEADLINE_ZONE else None
        if tag is not None and _is_agency_name(tag["name"]) and tag.end() < len(text):
            removed.append(Furniture("agency", tag["name"]))
            text = text[tag.end() :]
        kept.append(text)
    return kept


def _remove_header_date(paragraph: str, removed: list[Furniture], *, leading: bool) -> str:
    """Cut a header date ("date 2023-10-13 ...", "Published: 2023-10-13") from the start."""
    match = _HEADER_DATE.match(paragraph)
    if match is None:
        return paragraph
    has_keyword = _HEADER_DATE_KEYWORD.match(paragraph) is not None
    if not (has_keyword and leading) and match.end() < len(paragraph):
        return paragraph
    removed.append(Furniture("date", match["date"]))
    return paragraph[match.end() :].strip()


def _remove_icon_legends(paragraph: str, removed: list[Furniture]) -> str:
    """Cut runs of icon-legend items ("Caret An icon of a block arrow ...") from a paragraph.

    A run is a sequence of legend items holding at least three that mention an icon; a
    paragraph made only of icon items is cut whatever its length.
    """
    segments = _SEGMENT_BREAK.split(paragraph)
    items = [
        _LEGEND_ITEM.match(segment) is not None and len(segment.split()) <= _LEGEND_ITEM_MAX_WORDS
        for segment in segments
    ]
    icons = [
        item and _ICON_WORD.search(segment) is not None
        for item, segment in zip(items, segments, strict=True)
    ]
    if all(icons):
        removed.append(Furniture("icons", paragraph))
        return ""
    keep = [True] * len(segments)
    start = 0
    while start < len(segments):
        if not items[start]:
            start += 1
            continue
        end = start
        while end < len(segments) and items[end]:
            end += 1
        if sum(icons[start:end]) >= _LEGEND_MIN_ICONS:
            removed.append(Furniture("icons", " ".join(segments[start:end])))
            keep[start:end] = [False] * (end - start)
        start = end
    return " ".join(segment for segment, kept in zip(segments, keep, strict=True) if kept)


def _classify(paragraph: str) -> tuple[FurnitureKind | None, str]:
    """Name the furniture a whole paragraph is, with the value worth keeping from it."""
    if _SYNDICATION_ID.fullmatch(paragraph):
        return "id", paragraph
    if _RELATED.fullmatch(paragraph):
        return "related", paragraph.partition(":")[2].strip()
    if _DISCLAIMER_HEADING.fullmatch(paragraph) or _DISCLAIMER_INLINE.fullmatch(paragraph):
        return "disclaimer", paragraph
    if any(pattern.fullmatch(paragraph) for pattern in _BOILERPLATE):
        return "boilerplate", paragraph
    byline = _BYLINE.fullmatch(paragraph)
    if byline is not None and len(paragraph.split()) <= _BYLINE_MAX_WORDS:
        return "byline", byline["name"]
    title = _TITLE_HEADER.fullmatch(paragraph)
    if title is not None:
        return "title", title["title"].strip()
    return None, paragraph


def _is_agency_name(name: str) -> bool:
    return (name.isupper() and name not in _NOT_AGENCIES) or name in _KNOWN_TAG_AGENCIES


def take_headline(
    paragraphs: list[str], title_hint: str | None, removed: list[Furniture]
) -> tuple[str | None, list[str]]:
    """Cut the headline and the kicker/headline lines repeating it from the top."""
    headline: str | None = None
    reference = title_hint
    rest = list(paragraphs)
    if reference is None and len(rest) > 1 and _is_headline_like(rest[0]):
        headline = reference = rest.pop(0)
        removed.append(Furniture("headline", headline))
    if reference is None:
        return headline, rest
    checked = 0
    while rest and checked < _HEADLINE_ZONE:
        checked += 1
        if _is_headline_like(rest[0]) and _repeats(rest[0], reference):
            removed.append(Furniture("headline", rest.pop(0)))
        else:
            break
    return headline, rest


def _is_headline_like(paragraph: str) -> bool:
    words = paragraph.split()
    return (
        _HEADLINE_MIN_WORDS <= len(words) <= _HEADLINE_MAX_WORDS
        and len(paragraph) <= _HEADLINE_MAX_CHARS
        and not paragraph.endswith((".", ",", ";", ":"))
        and (paragraph[0].isupper() or paragraph[0].isdigit() or paragraph[0] in "\"“‘'")
        and _PHOTO_CREDIT.search(paragraph) is None
    )


def _repeats(paragraph: str, reference: str) -> bool:
    """Tell whether most words of ``paragraph`` come from ``reference``."""
    words = [word.casefold() for word in _WORD.findall(paragraph)]
    known = {word.casefold() for word in _WORD.findall(reference)}
    if not words:
        return False
    return sum(word in known for word in words) >= _HEADLINE_REPEAT_OVERLAP * len(words)


def drop_repeats_and_slugs(paragraphs: list[str], removed: list[Furniture]) -> list[str]:
    """Cut a paragraph equal to the one before it, and photo slugs above credited captions."""
    kept: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if kept and paragraph.casefold() == kept[-1].casefold():
            removed.append(Furniture("duplicate", paragraph))
            continue
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else ""
        if (
            len(paragraph.split()) <= _SLUG_MAX_WORDS
            and not paragraph.endswith(TERMINAL)
            and _PHOTO_CREDIT.search(following) is not None
        ):
            removed.append(Furniture("caption_slug", paragraph))
            continue
        kept.append(paragraph)
    return kept
