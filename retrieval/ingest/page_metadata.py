"""An article page's metadata from its markup: canonical URL, publisher, title, authors, date.

Only what the page states is used: OpenGraph and other ``<meta>`` tags, JSON-LD, ``<link
rel=canonical>``, ``<title>``/``<h1>`` and bylines; the publication date comes from htmldate
(the original date, not the last change) cross-checked with the date the markup states. The
publisher is never guessed from the domain, which only helps recognise a title's site suffix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin, urlsplit, urlunsplit

import htmldate
from lxml.html import HtmlElement

from retrieval.ingest.json_ld import JsonLd, text_value

_SEPARATOR = re.compile(r"\s+[|\-–—:·•»~/]+\s+|\s*[|·•»]\s*")
_NOT_KEY = re.compile(r"[\W_]+")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b)\s*")
_TRUNCATED = ("...", "…")
_STATED_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "pubdate",
)
_AUTHOR_KEYS = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"})
_MAX_AUTHOR_CHARS = 60
_MAX_SITE_WORDS = 5
_DAY_TOLERANCE = 1  # a date stated in UTC may fall on the next or previous local day


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What a page's markup says about its article.

    Attributes:
        canonical_url: ``<link rel=canonical>``, else og:url, else the fetched URL; absolute,
            http(s), without fragment.
        title: The headline without a site-name suffix or prefix, or None.
        site_name: The publisher's name as the page gives it, or None (never the domain).
        authors: The byline's names, in order, possibly empty.
        published: The original publication date, or None when the page does not say.
    """

    canonical_url: str
    title: str | None
    site_name: str | None
    authors: tuple[str, ...]
    published: date | None


def read_metadata(tree: HtmlElement, *, html: str, url: str, json_ld: JsonLd) -> PageMetadata:
    """Read the article metadata of a parsed page.

    Args:
        tree: The parsed page (not modified).
        html: The page's text, for htmldate.
        url: The URL the page was fetched from.
        json_ld: The page's JSON-LD objects.

    Returns:
        The metadata; fields the page does not state are None or empty.
    """
    meta = _meta_tags(tree)
    site_name = _site_name(meta, json_ld)
    canonical = _canonical_url(tree, meta, url)
    return PageMetadata(
        canonical_url=canonical,
        title=_title(tree, meta, json_ld, _site_names(site_name, meta, json_ld), url),
        site_name=site_name,
        authors=_authors(tree, meta, json_ld, site_name),
        # The article's own address carries the date hints (/2023/11/08/), not a mirror's,
        # a feed proxy's or a test server's.
        published=_published(html, canonical, meta, json_ld),
    )


def strip_site_affix(title: str, site_names: Iterable[str], *, host_label: str = "") -> str:
    """Remove a site-name suffix or prefix (" - The Herald", "The Herald | ") from ``title``.

    A part is removed only when it is separated by a separator (``|``, ``-``, ``–``, ``—``,
    ``:``, ``·``, ``»`` with spaces around) and equals a site name (ignoring case, spaces and
    punctuation) or, for a suffix of a few words, starts with the domain's main label. Titles
    that merely contain the outlet's name keep it.

    Args:
        title: The raw title.
        site_names: Names the site goes by.
        host_label: The domain's main label (``laweekly`` for www.laweekly.com), or "".

    Returns:
        The title without the affix, or ``title`` unchanged.
    """
    keys = {_key(name) for name in site_names} - {""}
    for match in _SEPARATOR.finditer(title):
        head, tail = title[: match.start()].strip(), title[match.end() :].strip()
        if not head or not tail:
            continue
        tail_key = _key(tail)
        if tail_key in keys or (
            host_label and tail_key.startswith(host_label) and len(tail.split()) <= 3
        ):
            return head
        if _key(head) in keys:
            return tail
    return title


def _meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if key and content and content.strip():
            tags.setdefault(key.strip().lower(), []).append(" ".join(content.split()))
    return tags


def _first(meta: dict[str, list[str]], *keys: str) -> str | None:
    return next((meta[key][0] for key in keys if key in meta), None)


def _canonical_url(tree: HtmlElement, meta: dict[str, list[str]], url: str) -> str:
    links = [
        link.get("href") or ""
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    fetched_path = urlsplit(url).path
    for href in [*links, _first(meta, "og:url") or ""]:
        if not href.strip():
            continue
        parts = urlsplit(urljoin(url, href.strip()))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            continue
        if parts.path in ("", "/") and fetched_path not in ("", "/"):
            continue  # a template pointing every page at the home page
        return str(urlunsplit(parts._replace(fragment="")))
    return str(urlunsplit(urlsplit(url)._replace(fragment="")))


def _site_name(meta: dict[str, list[str]], json_ld: JsonLd) -> str | None:
    name = _first(meta, "og:site_name") or json_ld.site_name() or _first(meta, "application-name")
    if not name:
        return None
    # "WSVN 7News | Miami News, Weather, Sports": the outlet is the first part.
    first = _SEPARATOR.split(name, maxsplit=1)[0].strip()
    return first if len(first) > 1 else name


def _site_names(site_name: str | None, meta: dict[str, list[str]], json_ld: JsonLd) -> set[str]:
    names = {site_name or "", json_ld.site_name() or ""}
    names.update(meta.get("og:site_name", []))
    names.update(meta.get("application-name", []))
    names.update(meta.get("twitter:site", []))
    return {name for name in names if name and len(name.split()) <= _MAX_SITE_WORDS * 3}


def _title(
    tree: HtmlElement,
    meta: dict[str, list[str]],
    json_ld: JsonLd,
    site_names: set[str],
    url: str,
) -> str | None:
    article = json_ld.article()
    headline = text_value(article.get("headline")) if article is not None else None
    if headline and headline.endswith(_TRUNCATED):
        headline = None
    page_title = next((" ".join(t.text_content().split()) for t in tree.iter("title")), None)
    h1 = next((text for text in _texts(tree.iter("h1")) if text), None)
    label = _host_label(url)
    for candidate in (_first(meta, "og:title"), headline, _first(meta, "twitter:title")):
        if candidate:
            return strip_site_affix(candidate, site_names, host_label=label)
    if page_title:
        stripped = strip_site_affix(page_title, site_names, host_label=label)
        if stripped == page_title and h1 and page_title.startswith(h1):
            return h1
        return stripped
    return h1


def _authors(
    tree: HtmlElement, meta: dict[str, list[str]], json_ld: JsonLd, site_name: str | None
) -> tuple[str, ...]:
    article = json_ld.article()
    names: list[str] = []
    if article is not None:
        for author in json_ld.resolve_all(article.get("author")):
            names.extend(_names(text_value(author.get("name"))))
    if not names:
        for key in _AUTHOR_KEYS:
            for value in meta.get(key, []):
                names.extend(_names(value))
    if not names:
        bylines = tree.xpath("//*[@rel='author' or @itemprop='author']")
        for element in bylines:
            names.extend(_names(element.get("content") or element.text_content()))
    publisher = {_key(name) for name in _site_names(site_name, meta, json_ld)}
    # A byline naming the outlet itself ("BBC News") says nothing about the writer.
    return tuple(name for name in dict.fromkeys(names) if _key(name) not in publisher)


def _names(value: str | None) -> Iterator[str]:
    if not value or "://" in value or value.startswith("@"):
        return
    for part in _AUTHOR_SPLIT.split(_BY.sub("", " ".join(value.split()))):
        if part and len(part) <= _MAX_AUTHOR_CHARS and any(c.isalpha() for c in part):
            yield part


def _published(html: str, url: str, meta: dict[str, list[str]], json_ld: JsonLd) -> date | None:
    stated = _stated_date(meta, json_ld)
    found = _htmldate(html, url, extensive=False)
    if found is None:
        if stated is not None:
            return stated
        # Nothing in the markup: let htmldate read dates from the page's free text too, but
        # not its guesses from a month or a year alone ("© 2021" would become 1 January).
        guess = _htmldate(html, url, extensive=True)
        return guess if guess is not None and guess.day != 1 else None
    if stated is not None and abs((found - stated).days) > _DAY_TOLERANCE:
        return stated  # htmldate picked another date of the page (a related story, a comment)
    return found


def _htmldate(html: str, url: str, *, extensive: bool) -> date | None:
    try:
        found = htmldate.find_date(html, url=url, original_date=True, extensive_search=extensive)
    # htmldate and lxml raise assorted errors on hostile markup; a date is never worth a crash.
    except Exception:
        return None
    return _iso_date(found)


def _stated_date(meta: dict[str, list[str]], json_ld: JsonLd) -> date | None:
    article = json_ld.article()
    values = [text_value(article.get("datePublished")) if article is not None else None]
    values.extend(_first(meta, key) for key in _STATED_DATE_KEYS)
    return next((parsed for parsed in map(_iso_date, values) if parsed is not None), None)


def _iso_date(value: str | None) -> date | None:
    match = _ISO_DATE.match(value or "")
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _texts(elements: Iterable[HtmlElement]) -> Iterator[str]:
    for element in elements:
        yield " ".join(element.text_content().split())


def _host_label(url: str) -> str:
    labels = (urlsplit(url).hostname or "").split(".")
    labels = [label for label in labels if label not in ("www", "m", "amp", "edition")]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        labels = labels[:-1]  # independent.co.uk -> independent
    return _key(labels[-2]) if len(labels) >= 2 else ""


def _key(text: str) -> str:
    return _NOT_KEY.sub("", text.casefold())
