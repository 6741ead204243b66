"""Cleaning of article text: page furniture out, story sentences kept verbatim in paragraphs.

Nothing here reads files or decides metadata; what is cut is handed back as tagged
``Furniture`` so that ``retrieval.metadata`` can read URLs, dates and bylines from it.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

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

# Zero-width characters, the BOM, soft hyphens and bidi controls: invisible, and they break
# both exact-phrase search and the "sentence kept verbatim" guarantee.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
# Lone surrogates (only JSON escapes can make them) would break every later UTF-8 encode.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_SPACES = re.compile(r"\s+")

_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"“”‘’\[\]]+", re.IGNORECASE)
_URL_LINE = re.compile(r"<?(https?://\S+?)>?", re.IGNORECASE)
_URL_LABEL = re.compile(
    r"(?:original|canonical|source|article)?\s*(?:url|link)\s*:\s*(?P<url>https?://\S+)?",
    re.IGNORECASE,
)
# The tail of a URL that a hard wrap pushed onto the next line: one token of URL characters
# holding a digit or URL punctuation, so a lone word ("AGPs") is never glued to a link.
_URL_TAIL = re.compile(r"(?=.*[0-9\-_/.=?&%#])[A-Za-z0-9\-._~/?#&=%+:@!$*,;]+")
_WRAPPED_URL_MIN_LENGTH = 60
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\((https?://[^)\s]+)\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_MD_HEADING = re.compile(r"#{1,6}\s+")

_TERMINAL = tuple('.!?:;…"”’)]')
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

# A hard-wrapped file has inner lines (lines followed by another line of the same paragraph)
# of roughly one width, between these bounds; prose lines are longer, list lines shorter.
_WRAP_MIN_WIDTH = 60
_WRAP_MAX_WIDTH = 120
_WRAP_NEAR_MARGIN = 0.6
_WRAP_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class Furniture:
    """One piece of text that ``clean_text`` cut from the story.

    Attributes:
        kind: What it was; see ``FurnitureKind``.
        text: The value worth keeping (a URL, an ISO date, a name) or the cut text itself.
    """

    kind: FurnitureKind
    text: str


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


def collapse_spaces(text: str) -> str:
    """Return ``text`` with every run of whitespace replaced by one space, stripped."""
    return _SPACES.sub(" ", text).strip()


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
    lines = _strip_line_markup(normalize_text(text).split("\n"), removed)
    lines = _extract_url_lines(lines, removed)
    paragraphs = _join_paragraphs(lines)
    paragraphs = _remove_furniture(paragraphs, removed)
    headline, paragraphs = _take_headline(paragraphs, title_hint, removed)
    paragraphs = _drop_repeats_and_slugs(paragraphs, removed)
    return CleanedText(paragraphs=tuple(paragraphs), headline=headline, removed=tuple(removed))


def find_urls(text: str) -> list[str]:
    """Return the http(s) URLs inside running text, without trailing punctuation."""
    return [match.rstrip(".,;:!?)'\"") for match in _URL_IN_TEXT.findall(text)]


def _strip_line_markup(lines: Iterable[str], removed: list[Furniture]) -> list[str]:
    """Strip each line; turn Markdown headings, images and links into plain text."""
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
        result.append(line)
    return result


def _extract_url_lines(lines: list[str], removed: list[Furniture]) -> list[str]:
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


def _join_paragraphs(lines: list[str]) -> list[str]:
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
    return starts_lower and not previous.endswith(_TERMINAL)


def _remove_furniture(paragraphs: list[str], removed: list[Furniture]) -> list[str]:
    """Cut furniture paragraphs and furniture prefixes; keep everything else in order."""
    kept: list[str] = []
    in_disclaimer = False
    for paragraph in paragraphs:
        if in_disclaimer and _DISCLAIMER_WORDS.search(paragraph):
            removed.append(Furniture("disclaimer", paragraph))
            continue
        in_disclaimer = False
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


def _take_headline(
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


def _drop_repeats_and_slugs(paragraphs: list[str], removed: list[Furniture]) -> list[str]:
    """Cut a paragraph equal to the one before it, and photo slugs above credited captions."""
    kept: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if kept and paragraph.casefold() == kept[-1].casefold():
            removed.append(Furniture("duplicate", paragraph))
            continue
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else ""
        if (
            len(paragraph.split()) <= _SLUG_MAX_WORDS
            and not paragraph.endswith(_TERMINAL)
            and _PHOTO_CREDIT.search(following) is not None
        ):
            removed.append(Furniture("caption_slug", paragraph))
            continue
        kept.append(paragraph)
    return kept
