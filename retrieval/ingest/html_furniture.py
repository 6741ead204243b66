"""Page furniture removed from a news page's HTML by structure, before the story is extracted.

Furniture is what surrounds a story on its page: navigation, cookie banners, share bars,
newsletter boxes, related-story lists, comments, captions and credits, paywall prompts, ads
and affiliate widgets. It is recognised by general signals only: tags and ARIA roles, class
and id words, headings that name a box ("Related stories", "Sign up for our newsletter") and
lists made of links. No element that holds a large share of the page's prose is removed, so a
misleading class name on the story's container cannot take the story with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

_TAGS = frozenset(
    {"nav", "footer", "aside", "form", "figcaption", "button", "dialog", "noscript"}
    | {"template", "iframe", "svg", "select", "input", "textarea", "label", "menu"}
)
_ROLES = frozenset(
    {"dialog", "alertdialog", "navigation", "complementary", "banner", "contentinfo"}
    | {"search", "menu", "menubar", "toolbar", "tooltip"}
)
# Class and id words (split at "-", "_", spaces and camelCase) that name furniture.
_WORDS = frozenset(
    {"ad", "ads", "adslot", "adunit", "advert", "advertisement", "advertising", "sponsor"}
    | {"sponsored", "promo", "promos", "outbrain", "taboola", "cta", "paywall", "regwall"}
    | {"newsletter", "newsletters", "signup", "subscribe", "subscription", "capture"}
    | {"related", "recirc", "recirculation", "recommended", "recommendations", "trending"}
    | {"popular", "mostread", "share", "sharing", "sharebar", "social", "cookie", "cookies"}
    | {"consent", "gdpr", "comment", "comments", "disqus", "disclosure", "disclaimer"}
    | {"caption", "captions", "credit", "credits", "breadcrumb", "breadcrumbs", "byline"}
    | {"bio", "tags", "ticker", "modal", "popup", "overlay", "sidebar", "rail"}
)
_PREFIXES = (
    "related",
    "newsletter",
    "recirc",
    "recommend",
    "sponsor",
    "advert",
    "sharedaddy",
    "social",
    "cookie",
    "subscri",
    "signup",
    "outbrain",
    "taboola",
    "disclos",
    "disclaim",
)
# data-* attribute words of shopping and affiliate widgets.
_COMMERCE_ATTRIBUTES = re.compile(r"^data-.*(?:product-?id|sku|affiliate)", re.IGNORECASE)
_HEADING = re.compile(
    r"(?:related(?: stories| articles| content| coverage| posts| reading| links)?"
    r"|more (?:on|from|about|in) .{1,40}|more stories|read (?:more|next|also)|see also"
    r"|you (?:may|might) (?:also )?(?:like|enjoy)|recommended(?: for you| stories| reading)?"
    r"|most (?:read|popular|viewed|shared)|popular(?: now| stories| today)?"
    r"|trending(?: now| stories)?|top stories|latest (?:news|stories|headlines)"
    r"|editor'?s picks?|sign[- ]?up.*|subscribe.*|get (?:the|our) .{0,40}"
    r"|.{0,60}\bnewsletters?|share(?: this)?(?: article| story| page| post)?|comments?"
    r"|join the (?:conversation|discussion)|about the author|follow us.*"
    r"|this (?:story|article) is for (?:subscribers|members)|advertisement)\W*",
    re.IGNORECASE,
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = frozenset({"p", "div", "section", "blockquote", "td", "article", "main"})
_BOUNDARIES = frozenset({"body", "html", "main", "article"})
_BOX_MAX_CHARS = 1200
_PROSE_MIN_CHARS = 80
_STORY_SHARE = 0.35
_STORY_MIN_CHARS = 500
_LINK_LIST_SHARE = 0.8
_LINK_LIST_MIN_ITEMS = 2
_FOLLOWER_MAX_CHARS = 300
_MAX_FOLLOWERS = 10
_CAMEL = re.compile(r"([a-z])([A-Z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def remove_furniture(tree: HtmlElement) -> None:
    """Remove page furniture from ``tree`` in place; the story's text is left untouched.

    Args:
        tree: A parsed page; pass a copy when the original is still needed.
    """
    for script in list(tree.iter("script", "style")):
        script.drop_tree()
    body = tree.find("body")
    root = body if body is not None else tree
    story = _story_container(root)
    protected = {root} if story is None else {story, *story.iterancestors()}
    total = _prose(root)
    for element in list(_furniture(root)):
        if (
            element not in protected
            and _attached(element, root)
            and not _holds_story(element, total)
        ):
            element.drop_tree()
    for heading in list(_furniture_headings(root)):
        if _attached(heading, root):
            _remove_box(heading, total, protected)
    for listing in list(root.iter("ul", "ol")):
        if _attached(listing, root) and _is_link_list(listing):
            listing.drop_tree()


def class_words(element: HtmlElement) -> set[str]:
    """Return the words of ``element``'s class and id (``relatedStories`` -> related, stories)."""
    raw = f"{element.get('class') or ''} {element.get('id') or ''}"
    return set(_NOT_WORD.split(_CAMEL.sub(r"\1 \2", raw).lower())) - {""}


def _furniture(root: HtmlElement) -> Iterator[HtmlElement]:
    for element in root.iter():
        if not isinstance(element.tag, str) or element is root:
            continue
        if (
            element.tag in _TAGS
            or (element.get("role") or "").lower() in _ROLES
            or element.get("hidden") is not None
            or _has_furniture_class(element)
            or _is_commerce_widget(element)
        ):
            yield element


def _has_furniture_class(element: HtmlElement) -> bool:
    words = class_words(element)
    return bool(words & _WORDS) or any(word.startswith(_PREFIXES) for word in words)


def _is_commerce_widget(element: HtmlElement) -> bool:
    return any(_COMMERCE_ATTRIBUTES.match(name) for name in element.attrib)


def _furniture_headings(root: HtmlElement) -> Iterator[HtmlElement]:
    for element in root.iter(*_HEADINGS, "p", "strong", "b"):
        text = _text(element)
        if not text or len(text) > 80 or not _HEADING.fullmatch(text):
            continue
        if element.tag in ("p", "strong", "b") and not _is_bold_line(element, text):
            continue
        yield element


def _is_bold_line(element: HtmlElement, text: str) -> bool:
    """A paragraph or bold run standing alone as a heading: all its text is bold."""
    bold = [_text(child) for child in element.iter("strong", "b")]
    parent = element.getparent()
    if element.tag != "p" and parent is not None and parent.tag == "p":
        return _text(parent) == text
    return " ".join(part for part in bold if part) == text


def _story_container(root: HtmlElement) -> HtmlElement | None:
    """The element holding the story's paragraphs: most prose in its children and grandchildren.

    Each paragraph-sized block counts for its parent and half for its grandparent, so stories
    whose paragraphs are wrapped one by one in their own ``div`` are found too; ``<p>`` counts
    double, and boxes whose class names furniture (a sidebar) are never the story.
    """
    scores: dict[HtmlElement, float] = {}
    for block in _prose_blocks(root):
        weight = len(_text(block)) * (2.0 if block.tag == "p" else 1.0)
        parent = block.getparent()
        for share in (1.0, 0.5):
            if parent is None:
                break
            if not _has_furniture_class(parent):
                scores[parent] = scores.get(parent, 0.0) + weight * share
            parent = parent.getparent()
    return max(scores, key=lambda element: scores[element]) if scores else None


def _remove_box(heading: HtmlElement, total: int, protected: set[HtmlElement]) -> None:
    if heading in protected:
        return
    box = heading
    while True:
        parent = box.getparent()
        if (
            parent is None
            or parent in protected
            or parent.tag in _BOUNDARIES
            or len(_text(parent)) > _BOX_MAX_CHARS
        ):
            break
        box = parent
    if _holds_story(box, total):
        return
    if _text(box) == _text(heading):
        # A bare heading in the story's flow: the list or links after it go with it.
        for follower in list(_followers(box)):
            follower.drop_tree()
    box.drop_tree()


def _followers(box: HtmlElement) -> Iterator[HtmlElement]:
    for count, sibling in enumerate(box.itersiblings()):
        if count >= _MAX_FOLLOWERS or not isinstance(sibling.tag, str):
            return
        if sibling.tag in ("ul", "ol") or (
            len(_text(sibling)) <= _FOLLOWER_MAX_CHARS and _link_share(sibling) >= _LINK_LIST_SHARE
        ):
            yield sibling
        else:
            return


def _is_link_list(listing: HtmlElement) -> bool:
    items = [item for item in listing if item.tag == "li"]
    return len(items) >= _LINK_LIST_MIN_ITEMS and _link_share(listing) >= _LINK_LIST_SHARE


def _link_share(element: HtmlElement) -> float:
    text = len(_text(element))
    if text == 0:
        return 0.0
    return sum(len(_text(link)) for link in element.iter("a")) / text


def _holds_story(element: HtmlElement, total: int) -> bool:
    prose = _prose(element)
    return prose >= _STORY_MIN_CHARS and prose > _STORY_SHARE * total


def _prose(element: HtmlElement) -> int:
    """Characters of paragraph-sized text blocks (any block tag holding no other block)."""
    return sum(len(_text(block)) for block in _prose_blocks(element))


def _prose_blocks(element: HtmlElement) -> Iterator[HtmlElement]:
    for block in element.iter(*_BLOCKS):
        is_leaf = not any(child.tag in _BLOCKS for child in block)
        if is_leaf and len(_text(block)) >= _PROSE_MIN_CHARS:
            yield block


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    return any(ancestor is root for ancestor in element.iterancestors())


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())
