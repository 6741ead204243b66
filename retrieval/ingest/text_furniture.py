"""Page furniture recognised in extracted text: the short paragraphs no story sentence reads like.

The HTML rules (``html_furniture``) catch boxes by structure; these catch what sites put in
the story's own flow as plain paragraphs: share prompts, newsletter and subscription pitches,
cookie notices, photo captions and credits, agency copyright lines and credits, "Related:"
teasers and the headline lists after a "Related stories" line. Only short paragraphs are
judged, so a story sentence that happens to mention a newsletter is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["paragraph", "heading", "item", "quote", "cell"]

_SHORT = 400
_CAPTION_MAX = 300
_FOLLOWER_MAX = 150
_SOCIAL = frozenset(
    {"facebook", "twitter", "x", "whatsapp", "email", "e-mail", "mail", "linkedin", "reddit"}
    | {"pinterest", "telegram", "messenger", "print", "flipboard", "tumblr", "threads"}
    | {"bluesky", "mastodon", "instagram", "youtube", "tiktok", "sms", "copy", "link", "url"}
)
_SHARE_WORDS = frozenset(
    {"share", "this", "article", "story", "page", "post", "on", "via", "follow", "us", "and"}
    | {"or", "the", "with", "friends", "tweet", "send", "to", "a", "friend", "link", "copied"}
)
_WORD = re.compile(r"[\w-]+")
_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # newsletter and alert sign-ups
        r"\b(?:sign[- ]?up|subscribe|register|join)\b.{0,150}\b(?:newsletters?|inbox|e-?mails?"
        r"|alerts?|briefing|digest)\b",
        r"\bnewsletters?\b.{0,150}\b(?:sign[- ]?up|subscribe|inbox)\b",
        r"\bdelivered (?:straight |directly |right )?to your inbox\b",
        r"\bnever miss (?:a|the|another)\b",
        # paywall prompts
        r"\b(?:subscribe|subscription|subscribers?)\b.{0,100}\b(?:continue reading|keep"
        r" reading|read (?:the|this) (?:full|whole|rest)|unlimited (?:digital )?access)\b",
        r"\balready (?:a |an )?(?:subscriber|member|have an account)\b",
        r"\b(?:log|sign) ?in to (?:continue|read|keep reading|comment)\b",
        r"\bthis (?:story|article|content) is (?:only )?(?:available )?(?:for|to) (?:subscribers"
        r"|members)\b",
        # cookie notices
        r"\bcookies?\b.{0,200}\b(?:consent|agree|accept|preferences|settings|personali[sz])",
        # agency copyright and credits
        r"^copyright\b.{0,80}\d{4}|\ball rights reserved\b",
        r"\bmay not be (?:published|reproduced|copied),? broadcast",
        r"^\(?(?:additional )?(?:reporting|writing|editing|compiled|contributing|contributions)"
        r" (?:by|from)\b",
        r"\bcontributed (?:to )?this (?:report|story|article)\W*$",
        r"^(?:by )?[\w.'’ -]{2,60}(?:,|\||/| for| of)\s*(?:the )?(?:associated press|reuters|afp"
        r"|agence france-presse|bloomberg|press association|pa media|ap|dpa|efe|ansa|upi)\W*$",
        # "Related:" teasers, comment prompts, ad labels, affiliate disclosures
        r"^(?:related|read more|read also|also read|see also|read next|more from \w+|watch|listen"
        r"|recommended|don'?t miss|must read)\s*[:|»>–—-]\s*\S",
        r"^(?:have your say|join the (?:conversation|discussion|debate)|leave a (?:comment|reply)"
        r"|\d+ comments?|comments?|show comments|view comments)\W*$",
        r"^we (?:want|would love|'d love) to hear (?:what you think|from you)\b",
        r"\b(?:submit|write) a letter to the editor\b",
        r"^(?:advertisement|advertising|sponsored(?: content| post)?|paid (?:content|post)|ad"
        r"|story continues below(?: advertisement)?|article continues (?:below|after"
        r" (?:this )?advertisement))\W*$",
        r"^the post .{1,300} appeared first on .{1,100}$",
        r"^follow (?:us|\w+) on (?:facebook|twitter|x|instagram|tiktok|threads|linkedin|youtube)",
        r"\b(?:advertising|affiliate|editorial) (?:disclosure|disclaimer)\b"
        r"|\bwe may (?:earn|receive) (?:a )?(?:commission|compensation)\b",
    )
)
_CREDIT_LINE = re.compile(
    r"\(?(?:(?:featured|top|lead|file|cover|header|main) )?(?:photo(?:graph)?s?|images?"
    r"|pictures?|video|illustration|graphic|credit|picture credit)(?: by| credit| courtesy"
    r"(?: of)?)?\s*[:©|/]?\s+.{1,80}|\(?(?:ap|afp|reuters|getty images|epa|pa|shutterstock"
    r"|alamy)(?: photo)?(?:/[\w .'’-]+)?\)?|©.{1,80}",
    re.IGNORECASE,
)
_CAPTION_CREDIT = re.compile(
    r"\((?=[^()]*(?:photo|image|picture|getty|credit|file|pool|afp|reuters|\bepa\b|\bap\b"
    r"|shutterstock|alamy|courtesy|via\b))[^()]{2,100}\)\W*$",
    re.IGNORECASE,
)
_INLINE_CREDIT = re.compile(
    r"\s*\((?:photo(?:graph)?|image|picture)s?(?: by| credit)?\s*[:©]?[^()]{1,80}\)",
    re.IGNORECASE,
)
_LIST_OPENER = re.compile(
    r"(?:related(?: stories| articles| coverage| content| reading| links| posts)?|read more"
    r"|more stories|more (?:on|from|in|about) .{1,40}|you (?:may|might) (?:also )?like"
    r"|recommended(?: for you| stories| reading)?|most (?:read|popular|viewed|shared)"
    r"|popular (?:now|stories|today)|trending(?: now| stories)?|top stories"
    r"|latest (?:news|stories|headlines)|editor'?s picks?|in other news)\s*:?",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")


@dataclass(frozen=True, slots=True)
class Block:
    """One block of extracted text.

    Attributes:
        kind: What it was in the page: a paragraph, heading, list item, quote or table cell.
        text: Its text, whitespace collapsed.
    """

    kind: BlockKind
    text: str


def remove_text_furniture(blocks: Iterable[Block]) -> list[Block]:
    """Drop furniture blocks and strip photo credits from the rest.

    A line opening a list of links ("Related stories", "Most read") is dropped with the
    headline-like blocks after it.

    Args:
        blocks: The story's blocks in page order.

    Returns:
        The blocks to keep, in order.
    """
    kept: list[Block] = []
    in_list = False
    for block in blocks:
        text = block.text
        if in_list and (block.kind == "item" or _is_headline_like(text)):
            continue
        in_list = _LIST_OPENER.fullmatch(text) is not None
        if in_list or is_furniture(text):
            continue
        text = _INLINE_CREDIT.sub("", text).strip()
        if text:
            kept.append(Block(kind=block.kind, text=text))
    return kept


def is_furniture(text: str) -> bool:
    """Return whether a paragraph reads as page furniture rather than story.

    Args:
        text: One paragraph, whitespace collapsed.
    """
    if len(text) > _SHORT:
        return False
    if _is_share_bar(text) or _CREDIT_LINE.fullmatch(text.rstrip(". ")):
        return True
    if len(text) <= _CAPTION_MAX and _CAPTION_CREDIT.search(text):
        return True
    return any(pattern.search(text) for pattern in _PATTERNS)


def _is_share_bar(text: str) -> bool:
    words = [word.lower() for word in _WORD.findall(text)]
    social = sum(word in _SOCIAL for word in words)
    return social >= 2 and all(word in _SOCIAL or word in _SHARE_WORDS for word in words)


def _is_headline_like(text: str) -> bool:
    return len(text) <= _FOLLOWER_MAX and not _SENTENCE_END.search(text)
