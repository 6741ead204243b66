"""Discord's message limits, and article or user text made safe: escaped, mention-free, fitted."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlsplit

from discord.utils import escape_markdown, escape_mentions

__all__ = [
    "ELLIPSIS",
    "MAX_BUTTON_LABEL",
    "MAX_CONTENT",
    "MAX_DESCRIPTION",
    "MAX_EMBEDS",
    "MAX_FIELDS",
    "MAX_FIELD_NAME",
    "MAX_FIELD_VALUE",
    "MAX_FOOTER",
    "MAX_LINK_URL",
    "MAX_TITLE",
    "MAX_TOTAL",
    "fit",
    "fit_plain",
    "fit_tail",
    "length",
    "link",
    "link_url",
    "safe",
]

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER = 2048
MAX_TOTAL = 6000
"""Characters in all the embeds of one message together."""
MAX_BUTTON_LABEL = 80
MAX_LINK_URL = 512
ELLIPSIS = "…"


def length(text: str) -> int:
    """Length as Discord may count it: UTF-16 code units, never less than code points."""
    return len(text.encode("utf-16-le")) // 2


def safe(text: str) -> str:
    """Article or user text for a markdown field: markdown and mentions escaped.

    ``@everyone``, ``@here`` and ``<@id>`` get a zero-width space, so they never ping even
    where ``allowed_mentions`` would allow it; ``*_~`|>#-`` and links are shown literally.
    """
    return escape_mentions(_escape_brackets(escape_markdown(text)))


def _escape_brackets(escaped: str) -> str:
    """Also escape ``[`` and ``]`` (they would close our masked links), skipping escapes that
    ``escape_markdown`` already made (it turns every backslash into a pair)."""
    out: list[str] = []
    index = 0
    while index < len(escaped):
        char = escaped[index]
        if char == "\\":
            out.append(escaped[index : index + 2])
            index += 2
            continue
        out.append("\\" + char if char in "[]" else char)
        index += 1
    return "".join(out)


def _cut(text: str, limit: int, render: Callable[[str], str], *, tail: bool) -> str:
    """The longest start (or end, with ``tail``) of ``text`` that fits ``limit`` once rendered,
    marked with "…" where it was cut."""
    low, high = 0, len(text)
    best = ""
    while low <= high:
        middle = (low + high) // 2
        if tail:
            shown = ELLIPSIS + render(text[len(text) - middle :].lstrip())
        else:
            shown = render(text[:middle].rstrip()) + ELLIPSIS
        if length(shown) <= limit:
            best, low = shown, middle + 1
        else:
            high = middle - 1
    return best


def fit(text: str, limit: int) -> str:
    """``safe(text)``, cut at the end with "…" to at most ``limit`` characters."""
    shown = safe(text)
    return shown if length(shown) <= limit else _cut(text, limit, safe, tail=False)


def fit_tail(text: str, limit: int) -> str:
    """``safe(text)``, cut at the start with "…" to at most ``limit`` characters."""
    shown = safe(text)
    return shown if length(shown) <= limit else _cut(text, limit, safe, tail=True)


def fit_plain(text: str, limit: int) -> str:
    """Text for a field Discord shows without markdown (footers, button labels), cut to fit.

    Mentions are still broken with a zero-width space.
    """
    shown = escape_mentions(text)
    return shown if length(shown) <= limit else _cut(text, limit, escape_mentions, tail=False)


def link_url(url: str | None, *, limit: int = MAX_LINK_URL) -> str | None:
    """``url`` if Discord accepts it for a link (http(s), no spaces, within ``limit``)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    cleaned = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    return cleaned if length(cleaned) <= limit else None


def link(label: str, url: str | None, limit: int) -> str:
    """A masked link ``[label](<url>)`` with the label escaped; plain text without a URL."""
    target = link_url(url, limit=max(0, limit // 2))
    if target is None:
        return fit(label, limit)
    # Parentheses would end the link early; <...> keeps Discord from unfurling it.
    target = target.replace("(", "%28").replace(")", "%29")
    room = limit - length(target) - 6
    return f"[{fit(label, room)}](<{target}>)" if room > 1 else fit(label, limit)
