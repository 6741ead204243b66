"""Telegram's HTML parse mode as the Bot API server applies it: plain text, entities and errors.

The parser walks the UTF-8 bytes the way Telegram's server does, so error texts and their byte
offsets match the real ones, and entity offsets and lengths are counted in UTF-16 code units.

Deliberate differences from the real server, chosen so that tests catch escaping bugs:

* With ``strict=True`` (the default) an ``&name;`` that is not one of ``&lt; &gt; &amp; &quot;``
  and a malformed numeric reference (``&#0;``, a surrogate, beyond U+10FFFF) raise
  ``Unsupported HTML entity "..." at byte offset N``. Telegram shows them literally instead, which
  a user would see as garbage such as ``&nbsp;``. A bare ``&`` (``AT & T``) is accepted, as in
  Telegram. ``strict=False`` gives Telegram's exact behaviour.
* Link checking is simplified: an ``<a href>`` is kept when it is ``http``/``https``/``tg``/``ton``
  or a bare host name (prefixed with ``http://``); anything else, as in Telegram, silently loses
  its link. URLs are not otherwise normalised (Telegram may add a trailing ``/``).
* ``tg://user?id=N`` links become ``text_mention`` entities with a minimal user.
* Entities nested inside ``pre``/``code`` are kept (Telegram drops some of them), and entities are
  ordered by offset, then by length descending, without Telegram's per-type tie-break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ALLOWED_TAGS",
    "ParsedText",
    "TelegramHTMLError",
    "check_link",
    "parse_telegram_html",
    "utf16_length",
]

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "pre",
        "s",
        "span",
        "strike",
        "strong",
        "tg-emoji",
        "tg-spoiler",
        "u",
    }
)

_PREFIX = "Bad Request: can't parse entities: "
_NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_SPACES = frozenset(b" \t\r\n\v\f")
_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BARE_HOST = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?([/?#]\S*)?$")
_USER_LINK = re.compile(r"^tg://user\?id=(\d+)$")
_LINK_SCHEMES = frozenset({"http", "https", "tg", "ton", "tonsite"})
_MAX_CODE_POINT = 0x10FFFF


class TelegramHTMLError(ValueError):
    """Raised when Telegram would reject a text with ``parse_mode=HTML``.

    ``str(error)`` and ``description`` are the full Bot API description, for example
    ``Bad Request: can't parse entities: Unsupported start tag "x" at byte offset 0``;
    ``reason`` is the part after ``can't parse entities:``.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.description = _PREFIX + reason
        super().__init__(self.description)


@dataclass(frozen=True, slots=True)
class ParsedText:
    """The result of entity parsing: what the user sees and how it is formatted.

    Attributes:
        text: The plain text after tags are removed and HTML entities decoded.
        entities: Bot API ``MessageEntity`` dicts (``type``, ``offset``, ``length`` in UTF-16
            code units, plus ``url``/``language``/``custom_emoji_id``/``user`` where relevant).
        links: The URL of every ``text_link`` entity, in the order they appear.
    """

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def utf16_length(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def parse_telegram_html(html: str, *, strict: bool = True) -> ParsedText:
    """Parse ``html`` the way Telegram does for ``parse_mode=HTML``.

    Args:
        html: The raw ``text`` parameter.
        strict: Also reject unsupported named and malformed numeric HTML entities (see the
            module docstring); ``False`` passes them through literally, as Telegram does.

    Returns:
        The plain text, its entities and its links.

    Raises:
        TelegramHTMLError: With the description Telegram's server would answer.
    """
    try:
        source = html.encode("utf-8")
    except UnicodeEncodeError:
        raise TelegramHTMLError("strings must be encoded in UTF-8") from None
    return _Parser(source, strict=strict).run()


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    text_start: int


class _Parser:
    """One pass over the UTF-8 bytes, mirroring the structure of Telegram's own parser."""

    def __init__(self, source: bytes, *, strict: bool) -> None:
        self.src = source
        self.strict = strict
        self.out = bytearray()
        self.utf16 = 0
        self.open: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def at(self, pos: int) -> int:
        """Return the byte at ``pos``, or 0 past the end (the server sees a C string)."""
        return self.src[pos] if pos < len(self.src) else 0

    def run(self) -> ParsedText:
        pos = 0
        while pos < len(self.src):
            byte = self.src[pos]
            if byte == ord("&"):
                decoded = self.decode_entity(pos)
                if decoded is not None:
                    char, pos = decoded
                    self.out += char.encode("utf-8")
                    self.utf16 += utf16_length(char)
                    continue
            if byte != ord("<"):
                self.out.append(byte)
                if byte & 0xC0 != 0x80:  # the first byte of a code point
                    self.utf16 += 2 if byte >= 0xF0 else 1
                pos += 1
                continue
            pos = self.end_tag(pos) if self.at(pos + 1) == ord("/") else self.start_tag(pos)
        if self.open:
            raise TelegramHTMLError(
                f'Can\'t find end tag corresponding to start tag "{self.open[-1].name}"'
            )
        for entity in self.entities:
            if entity["type"] == "code":  # a language survives only as part of <pre><code>
                entity.pop("language", None)
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        links = [str(e["url"]) for e in self.entities if e["type"] == "text_link"]
        return ParsedText(self.out.decode("utf-8"), self.entities, links)

    def decode_entity(self, pos: int) -> tuple[str, int] | None:
        """Decode the HTML entity at ``pos``; return the character and the position after it."""
        end = pos + 1
        code = 0
        if self.at(end) == ord("#"):
            end += 1
            hexadecimal = self.at(end) in b"xX"
            end += hexadecimal
            digits = b"0123456789abcdefABCDEF" if hexadecimal else b"0123456789"
            start = end
            while self.at(end) and self.at(end) in digits:
                end += 1
            number = self.src[start:end]
            code = int(number, 16 if hexadecimal else 10) if number else 0
            valid = 0 < code < _MAX_CODE_POINT and not 0xD800 <= code <= 0xDFFF
            char = chr(code) if valid else None
        else:
            while chr(self.at(end)).isascii() and chr(self.at(end)).isalpha():
                end += 1
            char = _NAMED_ENTITIES.get(self.src[pos + 1 : end])
        if char is None:
            if self.strict and (end > pos + 1) and (self.at(end) == ord(";") or code):
                stop = end + (self.at(end) == ord(";"))
                literal = self.src[pos:stop].decode("utf-8", "replace")
                raise TelegramHTMLError(
                    f'Unsupported HTML entity "{literal}" at byte offset {pos}'
                )
            return None
        if self.at(end) == ord(";"):
            end += 1
        return char, end

    def start_tag(self, begin: int) -> int:
        """Parse the start tag at ``begin``; return the position after its ``>``."""
        pos = begin + 1
        while self.at(pos) and self.at(pos) not in _SPACES and self.at(pos) != ord(">"):
            pos += 1
        if not self.at(pos):
            raise TelegramHTMLError(f"Unclosed start tag at byte offset {begin}")
        name = self.src[begin + 1 : pos].decode("utf-8", "replace").lower()
        if name not in ALLOWED_TAGS:
            raise TelegramHTMLError(f'Unsupported start tag "{name}" at byte offset {begin}')
        argument = ""
        while self.at(pos) != ord(">"):
            while self.at(pos) in _SPACES:
                pos += 1
            if self.at(pos) == ord(">"):
                break
            attribute_start = pos
            while self.at(pos) and self.at(pos) not in _SPACES and self.at(pos) not in b"=>":
                pos += 1
            attribute = self.src[attribute_start:pos].decode("utf-8", "replace").lower()
            if not attribute:
                raise TelegramHTMLError(
                    f'Empty attribute name in the tag "{name}" at byte offset {begin}'
                )
            while self.at(pos) in _SPACES:
                pos += 1
            if self.at(pos) != ord("=") and name == "blockquote" and attribute == "expandable":
                argument = "1"
                continue
            if self.at(pos) != ord("="):
                raise TelegramHTMLError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {begin}'
                )
            pos += 1
            while self.at(pos) in _SPACES:
                pos += 1
            if not self.at(pos):
                raise TelegramHTMLError(f'Unclosed start tag "{name}" at byte offset {begin}')
            value, pos = self.attribute_value(pos, begin)
            argument = _tag_argument(name, attribute, value, argument)
        if name == "span" and argument != "spoiler":
            raise TelegramHTMLError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
            )
        self.open.append(_OpenTag(name, argument, self.utf16, len(self.out)))
        return pos + 1

    def attribute_value(self, pos: int, begin: int) -> tuple[str, int]:
        """Parse an attribute value at ``pos``; return it and the position after it."""
        quote = self.at(pos)
        if quote not in b"'\"":
            start = pos
            while self.at(pos) and (chr(self.at(pos)).isalnum() or self.at(pos) in b".-"):
                pos += 1
            if self.at(pos) not in _SPACES and self.at(pos) != ord(">"):
                raise TelegramHTMLError(f"Unexpected end of name token at byte offset {start}")
            return self.src[start:pos].decode("utf-8").lower(), pos
        end = pos + 1
        while end < len(self.src) and self.src[end] != quote:
            end += 1
        if end >= len(self.src):
            raise TelegramHTMLError(f"Unclosed start tag at byte offset {begin}")
        value = bytearray()
        inner = pos + 1
        while inner < end:
            decoded = self.decode_entity(inner) if self.src[inner] == ord("&") else None
            if decoded is None:
                value.append(self.src[inner])
                inner += 1
            else:
                value += decoded[0].encode("utf-8")
                inner = decoded[1]
        return value.decode("utf-8"), end + 1

    def end_tag(self, begin: int) -> int:
        """Parse the end tag at ``begin``, emit its entity; return the position after ``>``."""
        if not self.open:
            raise TelegramHTMLError(f"Unexpected end tag at byte offset {begin}")
        pos = begin + 2
        while self.at(pos) and self.at(pos) not in _SPACES and self.at(pos) != ord(">"):
            pos += 1
        end_name = self.src[begin + 2 : pos].decode("utf-8", "replace")
        while self.at(pos) in _SPACES:
            pos += 1
        if self.at(pos) != ord(">"):
            raise TelegramHTMLError(f"Unclosed end tag at byte offset {begin}")
        tag = self.open.pop()
        if end_name and end_name.lower() != tag.name:
            raise TelegramHTMLError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        if self.utf16 > tag.utf16_offset:
            self.emit(tag)
        return pos + 1

    def emit(self, tag: _OpenTag) -> None:
        """Append the entity that the just-closed ``tag`` produces, if any."""
        entity: dict[str, Any] = {"type": "", "offset": tag.utf16_offset}
        entity["length"] = self.utf16 - tag.utf16_offset
        if tag.name in _SIMPLE_TYPES:
            entity["type"] = _SIMPLE_TYPES[tag.name]
        elif tag.name == "blockquote":
            entity["type"] = "expandable_blockquote" if tag.argument else "blockquote"
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise TelegramHTMLError("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=tag.argument)
        elif tag.name == "a":
            url = tag.argument or self.out[tag.text_start :].decode("utf-8")
            user = _USER_LINK.match(url.strip())
            checked = check_link(url)
            if user:
                user_dict = {"id": int(user.group(1)), "is_bot": False, "first_name": ""}
                entity.update(type="text_mention", user=user_dict)
            elif checked is None:
                return
            else:
                entity.update(type="text_link", url=checked)
        elif tag.name == "code":
            entity["type"] = "code"
            if tag.argument:
                entity["language"] = tag.argument
        else:  # pre
            entity["type"] = "pre"
            last = self.entities[-1] if self.entities else None
            if last and last["type"] == "code" and _same_span(last, entity):
                self.entities.pop()
                if "language" in last:
                    entity["language"] = last["language"]
        self.entities.append(entity)


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    """Return the tag's argument after seeing ``attribute=value`` (unknown ones are ignored)."""
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    if tag == "blockquote" and attribute == "expandable":
        return "1"
    return current


def _same_span(first: dict[str, Any], second: dict[str, Any]) -> bool:
    return bool(first["offset"] == second["offset"] and first["length"] == second["length"])


def check_link(url: str) -> str | None:
    """Return the URL Telegram would link to, or None when it would drop the link."""
    url = url.strip()
    if not url or any(char.isspace() for char in url):
        return None
    scheme = _SCHEME.match(url)
    if scheme is None:
        return "http://" + url if _BARE_HOST.match(url) else None
    name = scheme.group(1).lower()
    if name not in _LINK_SCHEMES:
        return None
    if name in {"http", "https"}:
        rest = url[len(name) + 1 :]
        if not rest.startswith("//") or not _BARE_HOST.match(rest[2:]):
            return None
    return url
