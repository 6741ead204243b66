"""Tests of bot.telegram.render.richtext: escaping, and splitting that never breaks the HTML."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.render.richtext import MESSAGE_LIMIT, Span, render, split_blocks, tg_len
from tests.support.telegram_html import parse_telegram_html

_spans = st.builds(
    Span,
    text=st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=0, max_size=300),
    bold=st.booleans(),
    italic=st.booleans(),
    href=st.sampled_from([None, "https://example.com/a?b=1&c=<2>", "javascript:alert(1)"]),
)
_blocks = st.lists(st.lists(_spans, max_size=6).map(tuple), max_size=8)


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


@settings(max_examples=150, deadline=None)
@given(blocks=_blocks, limit=st.integers(min_value=20, max_value=500))
def test_split_pieces_are_valid_html_within_the_limit(
    blocks: list[tuple[Span, ...]], limit: int
) -> None:
    pieces = split_blocks(blocks, limit=limit)

    visible = []
    for piece in pieces:
        parsed = parse_telegram_html(piece)
        assert parsed.text.strip()
        assert tg_len(parsed.text) <= limit
        visible.append(parsed.text)
    original = "".join(span.text for block in blocks for span in block)
    # Cuts happen at whitespace when possible; no visible character is lost or added.
    assert "".join("".join(visible).split()) == "".join(original.split())


def test_render_escapes_text_and_links() -> None:
    html = render(
        [(Span("<script>alert(1)</script> & co", bold=True, href='https://x.y/?a="1"'),)]
    )

    parsed = parse_telegram_html(html)
    assert parsed.text == "<script>alert(1)</script> & co"
    assert parsed.links == ['https://x.y/?a="1"']


def test_unsafe_link_schemes_are_dropped() -> None:
    html = render([(Span("click", href="javascript:alert(1)"),)])

    assert "href" not in html


def test_long_text_splits_at_spaces_under_4096() -> None:
    words = "word " * 3000
    pieces = split_blocks([(Span(words, bold=True),)])

    assert len(pieces) == 4
    for piece in pieces:
        parsed = parse_telegram_html(piece)
        assert len(parsed.text) <= MESSAGE_LIMIT
        assert not parsed.text.endswith("wor")
        assert parsed.entities[0]["type"] == "bold"


def test_astral_characters_count_double() -> None:
    pieces = split_blocks([(Span("😀" * 3000),)])

    assert [tg_len(parse_telegram_html(p).text) for p in pieces] == [4096, 1904]


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        split_blocks([], limit=0)
