"""Tests of bot.telegram.render.formatting: answers as escaped HTML that Telegram accepts."""

from __future__ import annotations

from datetime import date

import pytest

from bot.telegram.render.formatting import (
    View,
    format_answer,
    format_articles,
    format_inline_result,
)
from retrieval import Answer, ArticleInfo, Citation, Refusal, SourceRef
from tests.support.telegram_html import parse_telegram_html


def citation(rank: int, *, excerpt: str | None = None, title: str = "Title") -> Citation:
    text = excerpt or f"Intro {rank}. The key sentence number {rank}. Outro {rank}."
    start = text.find("The key") if "The key" in text else 0
    end = text.find(". Outro") + 1 if ". Outro" in text else len(text)
    return Citation(
        rank=rank,
        excerpt=text,
        highlight=(start, end),
        score=0.5,
        title=f"{title} {rank}",
        publisher="The <Daily> & Co",
        published=date(2022, 12, 27),
        url=f"https://example.com/{rank}?a=1&b=2",
        source=f"{rank:03d}.txt",
        also_reported_by=(SourceRef("Other", "https://other.example/x", "o.txt", "Other Times"),),
    )


def answer(count: int, **kwargs: object) -> Answer:
    return Answer("q", citations=tuple(citation(i + 1, **kwargs) for i in range(count)))  # type: ignore[arg-type]


def test_excerpt_with_bold_key_sentence_and_byline() -> None:
    (html,) = format_answer(answer(1))

    parsed = parse_telegram_html(html)
    assert "[1] Intro 1. The key sentence number 1. Outro 1." in parsed.text
    assert "Title 1 — The <Daily> & Co, 27 Dec 2022" in parsed.text
    bold = [
        parsed.text[e["offset"] : e["offset"] + e["length"]]
        for e in parsed.entities
        if e["type"] == "bold"
    ]
    assert "The key sentence number 1." in bold
    assert parsed.links == ["https://example.com/1?a=1&b=2", "https://other.example/x"]
    assert "Also reported by: Other — Other Times" in parsed.text


def test_pages_of_three() -> None:
    (first,) = format_answer(answer(5))
    (second,) = format_answer(answer(5), page=1)

    assert "[3]" in first
    assert "[4]" not in first
    assert "Sources 1–3 of 5." in parse_telegram_html(first).text
    assert "[4]" in second
    assert "[5]" in second
    assert "[1]" not in second


@pytest.mark.parametrize("view", list(View))
def test_every_view_is_valid_html(view: View) -> None:
    hostile = "<script>alert(1)</script> &nbsp; <b>unclosed"
    for html in format_answer(answer(4, excerpt=hostile, title=hostile), view=view):
        parsed = parse_telegram_html(html)
        assert "<script>" in parsed.text or view is not View.EXCERPTS


def test_over_4096_characters_splits_into_valid_pieces() -> None:
    long_excerpt = "Intro. The key sentence. " + "A long passage sentence here. " * 120 + "Outro."
    html_pieces = format_answer(answer(3, excerpt=long_excerpt))

    assert len(html_pieces) >= 2
    total = 0
    for html in html_pieces:
        parsed = parse_telegram_html(html)
        assert 0 < len(parsed.text) <= 4096
        total += len(parsed.text)
    assert total > 4096


def test_not_found_has_a_hint() -> None:
    (html,) = format_answer(Answer("q", refusal=Refusal.NOT_COVERED))

    text = parse_telegram_html(html).text
    assert text.startswith("Not found in the articles.\n\nNone of the articles covers this")
    assert text.count("Not found") == 1
    assert "/sources" in text


def test_inline_result_fits_even_for_a_huge_excerpt() -> None:
    html = format_inline_result(citation(1, excerpt="The key sentence. " + "x " * 5000))

    parsed = parse_telegram_html(html)
    assert len(parsed.text) <= 4096
    assert parsed.links == ["https://example.com/1?a=1&b=2"]


def test_articles_pages() -> None:
    articles = [
        ArticleInfo(
            f"{i}.txt", f"Article <{i}>", None if i % 2 else f"https://e.x/{i}", None, None, 1
        )
        for i in range(25)
    ]
    (page,) = format_articles(articles, page=2, page_size=10)

    parsed = parse_telegram_html(page)
    assert parsed.text.startswith("Articles I have read (25), page 3 of 3:")
    assert "21. Article <20>" in parsed.text
    assert "25. Article <24>" in parsed.text
