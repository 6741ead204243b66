"""A page's JSON-LD (schema.org) blocks: the article object and the entities it points to.

Only reading: blocks that do not parse are skipped, ``@graph`` lists are flattened and
``{"@id": ...}`` references are resolved against the other objects of the page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "liveblogposting",
        "blogposting",
        "report",
        "scholarlyarticle",
        "techarticle",
    }
)
_SITE_TYPES = frozenset({"website", "newsmediaorganization", "organization", "corporation"})
_MAX_DEPTH = 20


@dataclass(frozen=True, slots=True)
class JsonLd:
    """The JSON-LD objects of one page.

    Attributes:
        objects: Every object found, ``@graph`` members and nested objects included.
    """

    objects: tuple[Mapping[str, Any], ...]

    def article(self) -> Mapping[str, Any] | None:
        """Return the first object typed as an article (NewsArticle, BlogPosting, ...)."""
        return next((item for item in self.objects if _types(item) & _ARTICLE_TYPES), None)

    def site_name(self) -> str | None:
        """Return the name of the article's publisher, else of a WebSite or Organization."""
        article = self.article()
        if article is not None:
            for publisher in self.resolve_all(article.get("publisher")):
                name = text_value(publisher.get("name"))
                if name:
                    return name
        for item in self.objects:
            if _types(item) & _SITE_TYPES:
                name = text_value(item.get("name"))
                if name:
                    return name
        return None

    def resolve_all(self, value: object) -> Iterator[Mapping[str, Any]]:
        """Yield the objects ``value`` holds or points to (``{"@id": ...}`` resolved)."""
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, Mapping):
                yield self._resolve(item)
            elif isinstance(item, str):
                yield {"name": item}

    def _resolve(self, item: Mapping[str, Any]) -> Mapping[str, Any]:
        reference = item.get("@id")
        if not isinstance(reference, str) or "name" in item:
            return item
        return next(
            (other for other in self.objects if other.get("@id") == reference and "name" in other),
            item,
        )


def read_json_ld(tree: HtmlElement) -> JsonLd:
    """Collect the JSON-LD objects of ``tree``'s ``<script type="application/ld+json">``."""
    objects: list[Mapping[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        objects.extend(_flatten(data, 0))
    return JsonLd(objects=tuple(objects))


def text_value(value: object) -> str | None:
    """Return ``value`` as stripped text when it is a non-empty string (or holds one)."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str)), None)
    if isinstance(value, Mapping):
        value = value.get("@value") or value.get("name")
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _flatten(data: object, depth: int) -> Iterator[Mapping[str, Any]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item, depth + 1)
    elif isinstance(data, Mapping):
        if "@type" in data or "@id" in data:
            yield data
        for key, value in data.items():
            if key == "@graph" or isinstance(value, Mapping | list):
                yield from _flatten(value, depth + 1)


def _types(item: Mapping[str, Any]) -> frozenset[str]:
    value = item.get("@type")
    values = value if isinstance(value, list) else [value]
    return frozenset(v.lower() for v in values if isinstance(v, str))
