"""Tests of bot.discord.render and bot.discord.text: answers as embeds within Discord's limits."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord.render import draw_about, draw_answer, draw_articles, draw_help
from bot.discord.text import fit, fit_tail, link, safe
from bot.view import View
from retrieval import Answer, ArticleInfo, Citation, Engine, Refusal, SourceRef
from tests.discord.fixtures import assert_within_limits

MOSCOW_TIMES_URL = (
    "https://www.themoscowtimes.com/2022/12/27/"
    "putin-presents-rings-to-his-fellow-cis-leaders-during-summit-a79810"
)


def citation(
    rank: int, *, excerpt: str | None = None, title: str = "Title", also: int = 1
) -> Citation:
    text = excerpt or f"Intro {rank}. The key sentence number {rank}. Outro {rank}."
    start = text.find("The key") if "The key" in text else 0
    end = text.find(". Outro") + 1 if ". Outro" in text else len(text)
    return Citation(
        rank=rank,
        excerpt=text,
        highlight=(start, end),
        score=0.5,
        title=f"{title} {rank}",
        publisher="The *Daily* & Co",
        published=date(2022, 12, 27),
        url=f"https://example.com/{rank}?a=1&b=(2)",
        source=f"{rank:03d}.txt",
        also_reported_by=tuple(
            SourceRef(f"Other {i}", f"https://other.example/{i}", "o.txt", "Other Times")
            for i in range(also)
        ),
    )


def answer(count: int, **kwargs: object) -> Answer:
    return Answer("q", citations=tuple(citation(i + 1, **kwargs) for i in range(count)))  # type: ignore[arg-type]


def test_an_embed_per_citation_with_the_key_sentence_in_bold_and_links() -> None:
    drawn = draw_answer(answer(2))

    assert_within_limits(drawn)
    first, _ = drawn.embeds
    assert first.title == "\\[1\\] Title 1"
    assert first.url == "https://example.com/1?a=1&b=(2)"
    assert first.description == "Intro 1. **The key sentence number 1.** Outro 1."
    assert first.footer.text == "The *Daily* & Co, 27 Dec 2022"
    assert first.fields[0].name == "Also reported by"
    assert first.fields[0].value == ("[Other 0](<https://other.example/0>) — Other Times")
    assert [(b.label, b.url) for b in drawn.links] == [
        ("1. The *Daily* & Co", "https://example.com/1?a=1&b=(2)"),
        ("2. The *Daily* & Co", "https://example.com/2?a=1&b=(2)"),
    ]
    assert drawn.content == ""


def test_pages_of_three_say_which_sources_they_show() -> None:
    first = draw_answer(answer(5))
    second = draw_answer(answer(5), page=1)
    beyond = draw_answer(answer(5), page=7)

    assert [e.title for e in first.embeds][-1] == "\\[3\\] Title 3"
    assert first.content == "Sources 1–3 of 5."
    assert [e.title for e in second.embeds] == ["\\[4\\] Title 4", "\\[5\\] Title 5"]
    assert second.content == "Sources 4–5 of 5."
    assert beyond.content == second.content


def test_shorter_and_sources_views() -> None:
    short = draw_answer(answer(3), view=View.SHORT)
    listing = draw_answer(answer(9, also=2), view=View.SOURCES)

    assert [e.description for e in short.embeds] == [
        f"**The key sentence number {i}.**" for i in (1, 2, 3)
    ]
    (embed,) = listing.embeds
    assert embed.title == "Sources for this answer (9)"
    assert embed.description is not None
    assert embed.description.count("Also reported by") == 9
    assert len(listing.links) == 9
    assert_within_limits(listing)


def test_a_refusal_says_not_found_without_links() -> None:
    drawn = draw_answer(Answer("q", refusal=Refusal.NOT_COVERED), truncated=True)

    assert drawn.content.startswith("**Not found in the articles.**")
    assert "first 1,000 characters" in drawn.content or "characters" in drawn.content
    assert drawn.embeds == ()
    assert drawn.links == ()
    assert "http" not in drawn.content


@pytest.mark.parametrize("view", list(View))
def test_huge_citations_are_cut_to_fit_never_rejected(view: View) -> None:
    long = "Intro. The key sentence. " + "A long passage sentence here. " * 400 + "Outro."
    drawn = draw_answer(
        answer(9, excerpt=long, title="T" * 600, also=40), view=view, truncated=True
    )

    assert_within_limits(drawn)
    if view is View.EXCERPTS:
        assert all("**" in (e.description or "") for e in drawn.embeds)


def test_article_text_cannot_ping_or_format() -> None:
    hostile = "@everyone @here <@123456789012345678> <@&123456789012345678> **bold** `x` # h"
    drawn = draw_answer(answer(1, excerpt=hostile, title=hostile))

    (embed,) = drawn.embeds
    for text in (embed.title or "", embed.description or ""):
        assert "@everyone" not in text
        assert "@here" not in text
        assert "<@123" not in text
        assert "<@&123" not in text
        assert "\\*\\*bold\\*\\*" in text


@pytest.mark.parametrize(
    "shown",
    [
        Answer("q", citations=(citation(1),), understood_as="*Who* met @everyone in [2022]?"),
        Answer("q", refusal=Refusal.NOT_COVERED, understood_as="*Who* met @everyone in [2022]?"),
    ],
    ids=["answered", "refused"],
)
def test_the_follow_up_notice_is_escaped(shown: Answer) -> None:
    drawn = draw_answer(shown)

    assert "*Following up on: \\*Who\\* met @\u200beveryone in \\[2022\\]?*" in drawn.content
    assert_within_limits(drawn)


@given(st.text(max_size=3000), st.text(max_size=400))
@settings(max_examples=60, deadline=None)
def test_any_text_is_drawn_within_limits(excerpt: str, title: str) -> None:
    if not excerpt.strip():
        excerpt = "x"
    for view in View:
        drawn = draw_answer(answer(3, excerpt=excerpt, title=title), view=view)
        assert_within_limits(drawn)


@given(st.text(max_size=500), st.integers(min_value=0, max_value=300))
@settings(max_examples=80, deadline=None)
def test_fit_never_exceeds_its_limit_nor_leaves_a_dangling_escape(text: str, limit: int) -> None:
    for cut in (fit(text, limit), fit_tail(text, limit)):
        assert len(cut) <= limit
        assert not cut.rstrip("…").endswith("\\") or cut.rstrip("…").endswith("\\\\")
    assert len(link(text, "https://example.com/a b", limit)) <= max(limit, 0)


def test_safe_escapes_markdown_and_mentions() -> None:
    assert safe("_a_ *b* [c](d) @everyone") == "\\_a\\_ \\*b\\* \\[c\\](d) @\u200beveryone"


def test_seed_answers_every_view_and_page(seed_engine: Engine) -> None:
    result = seed_engine.answer("Putin", top_k=9)
    for view in View:
        for page in range(3):
            drawn = draw_answer(result, view=view, page=page)
            assert_within_limits(drawn)
    rings = draw_answer(seed_engine.answer("Why did Putin give rings to CIS leaders?", top_k=9))
    assert rings.embeds[0].url == MOSCOW_TIMES_URL
    assert MOSCOW_TIMES_URL in [b.url for b in rings.links]


def test_article_list_about_and_help(seed_engine: Engine) -> None:
    articles = seed_engine.articles()
    many = [
        ArticleInfo(f"{i}.txt", "Title " * 80, "https://e.x/" + "p" * 600, None, None, 1)
        for i in range(35)
    ]

    first = draw_articles(articles, page=0, page_size=10)
    assert first.embeds[0].title == "Articles I have read (5)"
    paged = draw_articles(many, page=3, page_size=10)
    assert paged.embeds[0].title == "Articles I have read (35), page 4 of 4"
    about = draw_about(seed_engine.stats(), articles, bot_name="newsbot")
    values = {f.name: f.value for f in about.embeds[0].fields}
    assert values["Articles"] == "5"
    assert "The Moscow Times" in str(values["Outlets"])
    assert "News feeds" not in values  # no follower: nothing said about feeds
    one_feed = draw_about(seed_engine.stats(), articles, bot_name="newsbot", feeds=1)
    assert one_feed.embeds[0].fields[-1].value == "Following 1 news feed."
    help_ = draw_help(bot_mention="@newsbot")
    for drawn in (first, paged, about, one_feed, help_):
        assert_within_limits(drawn)
