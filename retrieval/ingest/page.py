"""A fetched news page -> its article: metadata plus the story's paragraphs, furniture removed.

The story text is trafilatura's main-content extraction run on the page after
``html_furniture`` removed boxes by structure, then filtered by ``text_furniture``. When the
page's JSON-LD ``articleBody`` is much longer than what the HTML shows (a script-rendered or
partly hidden story), the story is read from there instead. This module does no I/O.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from retrieval.ingest.html_furniture import remove_furniture
from retrieval.ingest.json_ld import JsonLd, read_json_ld
from retrieval.ingest.page_metadata import read_metadata
from retrieval.ingest.text_furniture import Block, BlockKind, remove_text_furniture

_LEAVES: dict[str, BlockKind] = {
    "p": "paragraph",
    "head": "heading",
    "item": "item",
    "quote": "quote",
    "row": "cell",
}
_NESTED = frozenset({"list", "table", "div", "main", "doc", "quote"})
_LINE_BREAK = "\n"
_ARTICLE_BODY_GAIN = 1.5
_ARTICLE_BODY_MIN_EXTRA = 200
_TITLE_ZONE = 3
_NOT_KEY = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class PageArticle:
    """The article a news page holds.

    Attributes:
        url: The canonical URL: the article's key.
        fetched_url: The URL the page was read from.
        title: The headline without the site's name, or None.
        site_name: The publisher as the page names it, or None.
        authors: The byline's names, possibly empty.
        published: The original publication date, or None when the page does not say.
        paragraphs: The story's paragraphs, furniture removed; empty when none was found.
    """

    url: str
    fetched_url: str
    title: str | None
    site_name: str | None
    authors: tuple[str, ...]
    published: date | None
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        """The story as paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


def read_page(html: str, *, url: str) -> PageArticle:
    """Read a news page's article: metadata and story text without page furniture.

    Args:
        html: The page's decoded HTML.
        url: The URL it was fetched from (relative links are resolved against it).

    Returns:
        The article; ``paragraphs`` is empty when the page holds no readable story.
    """
    tree = parse_html(html)
    json_ld = read_json_ld(tree)
    metadata = read_metadata(tree, html=html, url=url, json_ld=json_ld)
    names = [*metadata.authors, *([metadata.site_name] if metadata.site_name else [])]
    blocks = remove_text_furniture(_story_blocks(tree, url), names=names)
    body = remove_text_furniture(_article_body(json_ld), names=names)
    if _length(body) > _ARTICLE_BODY_GAIN * _length(blocks) + _ARTICLE_BODY_MIN_EXTRA:
        blocks = body
    headlines = [
        metadata.title or "",
        *(" ".join(h.text_content().split()) for h in tree.iter("h1")),
    ]
    return PageArticle(
        url=metadata.canonical_url,
        fetched_url=url,
        title=metadata.title,
        site_name=metadata.site_name,
        authors=metadata.authors,
        published=metadata.published,
        paragraphs=tuple(_without_headline(blocks, headlines)),
    )


def parse_html(html: str) -> HtmlElement:
    """Parse ``html`` leniently (an encoding declaration in the text is ignored)."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except etree.ParserError:
        return lxml.html.document_fromstring(b"<html><body></body></html>", parser=parser)


def _story_blocks(tree: HtmlElement, url: str) -> list[Block]:
    cleaned = copy.deepcopy(tree)
    remove_furniture(cleaned)
    try:
        extracted = trafilatura.extract(
            cleaned,
            url=url,
            output_format="xml",
            include_comments=False,
            include_images=False,
            include_links=False,
            include_tables=True,
            deduplicate=False,
            with_metadata=False,
        )
    # trafilatura and lxml raise assorted errors on hostile markup: no story, not a crash.
    except Exception:
        return []
    if not extracted:
        return []
    try:
        document = etree.fromstring(extracted.encode("utf-8"))
    except etree.XMLSyntaxError:
        return []
    return list(_blocks(document))


def _blocks(element: etree._Element) -> Iterator[Block]:
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _LEAVES and not (tag == "quote" and len(child)):
            yield from _leaf_blocks(child, _LEAVES[tag])
        elif tag in _NESTED:
            yield from _blocks(child)


def _leaf_blocks(element: etree._Element, kind: BlockKind) -> Iterator[Block]:
    if kind == "cell":
        cells = (" ".join("".join(cell.itertext()).split()) for cell in element)
        text = " | ".join(cell for cell in cells if cell)
        if text:
            yield Block(kind=kind, text=text)
        return
    for lb in element.iter("lb"):
        lb.tail = _LINE_BREAK + (lb.tail or "")
    for line in "".join(element.itertext()).split(_LINE_BREAK):
        text = " ".join(line.split())
        if text:
            yield Block(kind=kind, text=text)


def _article_body(json_ld: JsonLd) -> list[Block]:
    article = json_ld.article()
    raw = article.get("articleBody") if article is not None else None
    if not isinstance(raw, str) or not raw.strip():
        return []
    if "<" in raw and ">" in raw:
        fragment = parse_html(f"<html><body>{raw}</body></html>")
        lines = [" ".join(p.text_content().split()) for p in fragment.iter("p")]
    else:
        lines = [" ".join(line.split()) for line in raw.splitlines()]
    return [Block(kind="paragraph", text=line) for line in lines if line]


def _without_headline(blocks: list[Block], headlines: list[str]) -> Iterator[str]:
    """The blocks' text, without the headline repeated at the top of the story."""
    keys = {_key(headline) for headline in headlines} - {""}
    for index, block in enumerate(blocks):
        if index < _TITLE_ZONE and _key(block.text) in keys:
            continue
        yield block.text


def _length(blocks: list[Block]) -> int:
    return sum(len(block.text) for block in blocks)


def _key(text: str) -> str:
    return _NOT_KEY.sub("", text.casefold())
