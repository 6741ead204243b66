"""Page furniture recognised in extracted text: the short paragraphs no story sentence reads like.

The HTML rules (``html_furniture``) catch boxes by structure; these catch what sites put in
the story's own flow as plain paragraphs: share prompts, newsletter and subscription pitches,
cookie notices, photo captions and credits, agency copyright lines and credits, "Related:"
teasers and the headline lists after a "Related stories" line. Only short paragraphs are
judged, so a story sentence that happens to mention a newsletter is kept.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
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
        r"\b(?:sign(?:ing)?[- ]?up|subscrib(?:e|ing)|register|join)\b.{0,150}\b(?:newsletters?"
        r"|inbox)\b",
        r"\b(?:sign[- ]?up|subscribe)\b (?:now |today |here )?(?:for|to) (?:our|the free|free"
        r"|a free)\b.{0,100}\b(?:e-?mails?|alerts?|briefing|digest|updates)\b",
        r"\bnewsletters?\b.{0,150}\b(?:sign[- ]?up|subscribe|inbox)\b",
        r"\bdelivered (?:straight |directly |right )?to your inbox\b",
        r"\bnever miss (?:a|the latest|another) (?:story|stories|news|update|headline)",
        # paywall prompts
        r"\b(?:subscribe|subscription|subscribers?)\b.{0,100}\b(?:continue reading|keep"
        r" reading|read (?:the|this) (?:full|whole|rest)|unlimited (?:digital )?access)\b",
        r"\balready (?:a |an )?subscriber\b|\balready have an account\b|\balready a member\?",
        r"\b(?:log|sign) ?in to (?:continue|read|keep reading|comment)\b",
        r"\bthis (?:story|article|content) is (?:only )?(?:available )?(?:for|to) (?:subscribers"
        r"|members)\b",
        # cookie notices
        r"\b(?:we|this (?:site|website)|our (?:site|website|partners)) (?:and our partners )?"
        r"uses? cookies\b|\bcookie (?:policy|settings|preferences|notice|consent)\b"
        r"|\b(?:accept|allow|reject|manage) (?:all |our )?cookies\b",
        # agency copyright and credits
        r"^copyright\b.{0,80}\d{4}|\ball rights reserved\b",
        r"\bmay not be (?:published|reproduced|copied),? broadcast",
        r"^\(?reporting by .{2,80}; (?:additional reporting|editing|writing) by .{2,120}$",
        r"^\(?(?:additional reporting|editing|writing|compiled) by [^.]{2,60}\)?\.?$",
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
    r"|pictures?|video|illustration|graphic|picture credit|credit)(?:\s*(?:by|credit|courtesy"
    r"(?: of)?)\s*:?|\s*[:©|/])\s*.{1,80}|\(?(?:ap|afp|reuters|getty images|epa|pa"
    r"|shutterstock|alamy)(?: photo)?(?:/[\w .'’-]+)?\)?|©.{1,80}",
    re.IGNORECASE,
)
# A caption's credit closing a short paragraph: "(Photo: X)", "(AP Photo/X)", "(X/Getty Images)".
_CAPTION_CREDIT = re.compile(
    r"\((?:(?:ap |afp |reuters |file |pool )?photo(?:graph)?|image|picture|courtesy|credit"
    r"|getty|reuters|afp|ap|epa|pa|shutterstock|alamy)\b[^()]{0,100}\)\W*$"
    r"|\([^()]{2,80}/(?:getty images|ap|afp|reuters|epa|shutterstock|alamy|pa|bloomberg)"
    r"[^()]{0,20}\)\W*$",
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
# "By Jane Doe, Reuters", "By Jane Doe and John Roe | March 3, 2024": capitalised names, then
# nothing or a separator, and no full stop. Case-sensitive, so that "By Tuesday evening the
# quay..." and "By Christmas, the ferry will run hourly." stay sentences.
_NAME = r"(?:[A-Z][\w.'’-]*\s){0,3}[A-Z][\w.'’-]*"
_BYLINE = re.compile(
    rf"(?:By|BY|by) {_NAME}(?:(?:,| and| AND| &) {_NAME})*(?:\s*[,|·•–—-]\s*.{{0,80}})?(?<![.!?])"
)
_BY = re.compile(r"^by\s+", re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A line that is only a date, maybe labelled and timed: "Updated: March 3, 2024 10:15 am EST".
_DATE_LINE = re.compile(
    r"(?:(?:published|updated|posted|last updated|first published)(?: on)?:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s*)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
    r"(?:,?\s*(?:at\s*)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?\W*",
    re.IGNORECASE,
)
_NOT_KEY = re.compile(r"[\W_]+")
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


def remove_text_furniture(blocks: Iterable[Block], *, names: Collection[str] = ()) -> list[Block]:
    """Drop furniture blocks and strip photo credits from the rest.

    A line opening a list of links ("Related stories", "Most read") is dropped with the
    headline-like blocks after it.

    Args:
        blocks: The story's blocks in page order.
        names: The page's authors and outlet: a block that is just one of them is a byline.

    Returns:
        The blocks to keep, in order.
    """
    name_keys = {_key(name) for name in names} - {""}
    kept: list[Block] = []
    in_list = False
    for block in blocks:
        text = block.text
        if in_list and (block.kind == "item" or _is_headline_like(text)):
            continue
        in_list = _LIST_OPENER.fullmatch(text) is not None
        if in_list or is_furniture(text) or _key(_BY.sub("", text)) in name_keys:
            continue
        if block.kind != "cell" and not any(char.isalpha() for char in text):
            continue  # slide counters ("2/5"), stray punctuation
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
    if _BYLINE.fullmatch(text) or _DATE_LINE.fullmatch(text):
        return True
    return any(pattern.search(text) for pattern in _PATTERNS)


def _is_share_bar(text: str) -> bool:
    words = [word.lower() for word in _WORD.findall(text)]
    social = sum(word in _SOCIAL for word in words)
    return social >= 2 and all(word in _SOCIAL or word in _SHARE_WORDS for word in words)


def _is_headline_like(text: str) -> bool:
    return len(text) <= _FOLLOWER_MAX and not _SENTENCE_END.search(text)


def _key(text: str) -> str:
    return _NOT_KEY.sub("", text.casefold())
