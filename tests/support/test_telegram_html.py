"""Tests for tests/support/telegram_html.py: Telegram's HTML parse mode, texts and offsets."""

from __future__ import annotations

import html
from typing import Any

import pytest

from tests.support.telegram_html import (
    TelegramHTMLError,
    check_link,
    parse_telegram_html,
    utf16_length,
)

PREFIX = "Bad Request: can't parse entities: "


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("plain", "plain", []),
        (
            "<b>bold</b> and <strong>strong</strong>",
            "bold and strong",
            [
                {"type": "bold", "offset": 0, "length": 4},
                {"type": "bold", "offset": 9, "length": 6},
            ],
        ),
        (
            "<i>a</i><em>b</em><u>c</u><ins>d</ins>",
            "abcd",
            [
                {"type": "italic", "offset": 0, "length": 1},
                {"type": "italic", "offset": 1, "length": 1},
                {"type": "underline", "offset": 2, "length": 1},
                {"type": "underline", "offset": 3, "length": 1},
            ],
        ),
        (
            "<s>a</s><strike>b</strike><del>c</del>",
            "abc",
            [
                {"type": "strikethrough", "offset": 0, "length": 1},
                {"type": "strikethrough", "offset": 1, "length": 1},
                {"type": "strikethrough", "offset": 2, "length": 1},
            ],
        ),
        (
            '<tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span>',
            "xy",
            [
                {"type": "spoiler", "offset": 0, "length": 1},
                {"type": "spoiler", "offset": 1, "length": 1},
            ],
        ),
        ("<code>x = 1</code>", "x = 1", [{"type": "code", "offset": 0, "length": 5}]),
        ("<pre>block</pre>", "block", [{"type": "pre", "offset": 0, "length": 5}]),
        (
            '<pre><code class="language-python">x</code></pre>',
            "x",
            [
                {"type": "pre", "offset": 0, "length": 1, "language": "python"},
            ],
        ),
        ("<blockquote>q</blockquote>", "q", [{"type": "blockquote", "offset": 0, "length": 1}]),
        (
            "<blockquote expandable>q</blockquote>",
            "q",
            [
                {"type": "expandable_blockquote", "offset": 0, "length": 1},
            ],
        ),
        (
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
            "👍",
            [
                {
                    "type": "custom_emoji",
                    "offset": 0,
                    "length": 2,
                    "custom_emoji_id": "5368324170671202286",
                },
            ],
        ),
        ("<B>upper</B>", "upper", [{"type": "bold", "offset": 0, "length": 5}]),
        (
            "<b>a<i>b</i></b>",
            "ab",
            [
                {"type": "bold", "offset": 0, "length": 2},
                {"type": "italic", "offset": 1, "length": 1},
            ],
        ),
        # Offsets and lengths are UTF-16 code units: an emoji outside the BMP counts twice.
        ("😀 <b>é😀</b>", "😀 é😀", [{"type": "bold", "offset": 3, "length": 3}]),
        ("&#128512;<i>x</i>", "😀x", [{"type": "italic", "offset": 2, "length": 1}]),
        ("&lt;b&gt; &amp; &quot;q&quot; &#39; &#x27;", "<b> & \"q\" ' '", []),
        ("AT & T, 1 > 0", "AT & T, 1 > 0", []),
        ("<b></b>empty", "empty", []),
        (
            "<b>closed by an empty end tag</>",
            "closed by an empty end tag",
            [
                {"type": "bold", "offset": 0, "length": 26},
            ],
        ),
    ],
)
def test_valid_html_gives_text_and_entities(
    source: str, text: str, entities: list[dict[str, Any]]
) -> None:
    parsed = parse_telegram_html(source)
    assert parsed.text == text
    assert parsed.entities == entities


@pytest.mark.parametrize(
    ("source", "url"),
    [
        ('<a href="https://example.com/a?b=1&amp;c=2">x</a>', "https://example.com/a?b=1&c=2"),
        ("<a href='http://example.com'>x</a>", "http://example.com"),
        ("<a href=example.com>x</a>", "http://example.com"),
        ('<a href="tg://resolve?domain=telegram">x</a>', "tg://resolve?domain=telegram"),
        ("<a>https://example.org/p</a>", "https://example.org/p"),
    ],
)
def test_links_become_text_link_entities(source: str, url: str) -> None:
    parsed = parse_telegram_html(source)
    assert parsed.links == [url]
    assert parsed.entities[0]["type"] == "text_link"
    assert parsed.entities[0]["url"] == url


@pytest.mark.parametrize(
    "source",
    ['<a href="javascript:alert(1)">x</a>', '<a href="not a url">x</a>', '<a href="">x</a>'],
)
def test_invalid_links_are_dropped_silently_as_telegram_does(source: str) -> None:
    parsed = parse_telegram_html(source)
    assert parsed.text == "x"
    assert parsed.links == []
    assert parsed.entities == []


def test_user_link_becomes_text_mention() -> None:
    parsed = parse_telegram_html('<a href="tg://user?id=42">Ann</a>')
    assert parsed.entities[0]["type"] == "text_mention"
    assert parsed.entities[0]["user"]["id"] == 42


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("<x>y</x>", 'Unsupported start tag "x" at byte offset 0'),
        ("ok <br> no", 'Unsupported start tag "br" at byte offset 3'),
        ("<p>para</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("é<div>", 'Unsupported start tag "div" at byte offset 2'),  # offsets are UTF-8 bytes
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),  # a bare "<" is an error
        ("I <3 you", 'Unsupported start tag "3" at byte offset 2'),
        ("trailing <", "Unclosed start tag at byte offset 9"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</i>", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        (
            "<a href>y</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
        ("a &copy; b", 'Unsupported HTML entity "&copy;" at byte offset 2'),
        ("&#0;", 'Unsupported HTML entity "&#0;" at byte offset 0'),
        ("&#xD800;", 'Unsupported HTML entity "&#xD800;" at byte offset 0'),
    ],
)
def test_invalid_html_raises_telegrams_description(source: str, reason: str) -> None:
    with pytest.raises(TelegramHTMLError) as caught:
        parse_telegram_html(source)
    assert caught.value.reason == reason
    assert str(caught.value) == caught.value.description == PREFIX + reason


@pytest.mark.parametrize(("source", "text"), [("&nbsp;", "&nbsp;"), ("&copy x", "&copy x")])
def test_non_strict_mode_passes_unknown_entities_literally_like_telegram(
    source: str, text: str
) -> None:
    assert parse_telegram_html(source, strict=False).text == text


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "a < b && c > d",
        "&nbsp; &amp;",
        "\"quotes\" 'single'",
        "😀<i>",
    ],
)
def test_html_escape_output_always_parses_back_to_the_original(hostile: str) -> None:
    parsed = parse_telegram_html(f"<b>{html.escape(hostile)}</b>")
    assert parsed.text == hostile
    assert parsed.entities == [{"type": "bold", "offset": 0, "length": utf16_length(hostile)}]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/x", "https://example.com/x"),
        ("example.com", "http://example.com"),
        ("ftp://example.com", None),
        ("https://", None),
        ("", None),
    ],
)
def test_check_link(url: str, expected: str | None) -> None:
    assert check_link(url) == expected
