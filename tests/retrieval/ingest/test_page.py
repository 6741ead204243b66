"""Tests for retrieval.ingest.page (and the metadata and furniture rules it uses).

The three hand-written pages in tests/data/news_site/ are marked up the way outlets do it; each
holds furniture that trafilatura alone keeps, so every check below is also compared with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pytest
import trafilatura

from retrieval.ingest.html_furniture import remove_furniture
from retrieval.ingest.page import parse_html, read_page
from retrieval.ingest.page_metadata import strip_site_affix
from retrieval.ingest.text_furniture import is_furniture
from retrieval.web.fetch import Fetcher
from tests.support.news_fixtures import fetcher, site
from tests.support.news_site import PAGES_DIR, NewsSite

__all__ = ["fetcher", "site"]  # fixtures, imported by name


STORY = (
    "<p>The harbour authority said on Tuesday that the north quay would close for repairs "
    "for six weeks, diverting fishing boats to the old dock at Keel Point.</p>"
) * 4


def page_html(*, head: str = "", title: str = "Quay closes") -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}"
        f"</head><body><article><h1>Quay closes</h1>{STORY}</article></body></html>"
    )


def json_ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@dataclass(frozen=True, slots=True)
class Expected:
    file: str
    url: str
    canonical: str
    title: str
    site_name: str
    authors: tuple[str, ...]
    published: date
    kept: tuple[str, ...]
    furniture: tuple[str, ...]


PAGES = [
    Expected(
        file="ferry-storm.html",
        url="https://www.harbourherald.example/news/2024/03/14/storm-surge/?utm_source=rss#top",
        canonical="https://www.harbourherald.example/news/2024/03/14/"
        "storm-surge-shuts-port-alder-ferry-terminal/",
        title="Storm surge shuts Port Alder ferry terminal for three days",
        site_name="The Harbour Herald",
        authors=("Maria Keane",),
        published=date(2024, 3, 14),  # not the update of 16 March
        kept=(
            "tore the terminal's loading ramp from its moorings on Wednesday night.",
            '"We will not reopen until every hinge has been load-tested," she said.',
            'its mooring chains were "at the end of their design life".',
        ),
        furniture=(
            "We use cookies",
            "Share this article",
            "WhatsApp",
            "Getty Images",
            "Get the Morning Briefing",
            "Sign up for our free newsletter",
            "By signing up you agree",
            "READ MORE",
            "Ferry fares to rise",
            "Advertisement",
            "Subscribe for unlimited access",
            "Already a subscriber",
            "More on this story",
            "Islanders petition for a second ferry",
            "Most read",
            "All rights reserved",
            "has covered transport and the islands",
        ),
    ),
    Expected(
        file="council-budget.html",
        url="https://riversidegazette.example/local/4412?ref=home",
        canonical="https://riversidegazette.example/local/council-approves-budget-4412",
        title="Council approves £48m budget with cuts to library hours",
        site_name="Riverside Gazette",
        authors=("Sam Ortiz",),
        published=date(2024, 4, 9),  # not "Last updated: 11 April"
        kept=(
            "cuts opening hours at four of the town's six libraries.",
            '"Every library stays open; some will open fewer evenings," she said.',
            "adding about £1.60 a week to the bill for a typical band D home.",
        ),
        furniture=(
            "Share this article",
            "Councillors vote on the budget on Monday night",
            "Photo: Lee Moss",
            "Sign up to our daily newsletter",
            "Related:",
            "Library campaigners march",
            "RELATED STORIES",
            "Weekly bin collections saved",
            "Copyright 2024 The Associated Press",
            "may not be published, broadcast",
            "Have your say",
            "Popular now",
        ),
    ),
    Expected(
        file="museum-reopens.html",
        url="https://northgatepost.example/?p=8812",
        canonical="https://northgatepost.example/2024/05/02/readers-vote-mill-museum/",
        title="Northgate Post readers vote the old mill museum their favourite building",
        site_name="Northgate Post",
        authors=("Dana Whitfield", "Leo Park"),
        published=date(2024, 5, 2),  # as stated, in the publisher's time zone
        kept=(
            "taking 41 per cent of more than 6,000 votes.",
            # Behind the paywall on the page, complete in the page's JSON-LD articleBody:
            '"They spent two winters in waders," she said.',
            "entry remains free for children under 16.",
        ),
        furniture=(
            "This site uses cookies",
            "This story is for subscribers",
            "Subscribe to continue reading",
            "Already a subscriber",
            "Share this:",
            "You might also like",
            "Canal boat festival returns",
            "Powered by WordPress",
        ),
    ),
]


def load(expected: Expected) -> str:
    return (PAGES_DIR / expected.file).read_text(encoding="utf-8")


@pytest.mark.parametrize("expected", PAGES, ids=lambda page: page.file)
def test_a_page_gives_its_article_metadata(expected: Expected) -> None:
    page = read_page(load(expected), url=expected.url)
    assert page.url == expected.canonical
    assert page.fetched_url == expected.url
    assert page.title == expected.title
    assert page.site_name == expected.site_name
    assert page.authors == expected.authors
    assert page.published == expected.published


@pytest.mark.parametrize("expected", PAGES, ids=lambda page: page.file)
def test_a_page_gives_its_whole_story_without_furniture(expected: Expected) -> None:
    text = read_page(load(expected), url=expected.url).text
    for sentence in expected.kept:
        assert sentence in text
    assert [piece for piece in expected.furniture if piece in text] == []
    assert not text.startswith(expected.title)  # the headline is not repeated as a paragraph


@pytest.mark.parametrize("expected", PAGES, ids=lambda page: page.file)
def test_trafilatura_alone_keeps_furniture_that_we_remove(expected: Expected) -> None:
    alone = trafilatura.extract(load(expected), url=expected.url) or ""
    assert [piece for piece in expected.furniture if piece in alone] != []
    assert all(sentence in alone for sentence in expected.kept[:1])


async def test_fetched_pages_are_read_in_their_charset(site: NewsSite, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/charset/windows-1251-header"))
    page = read_page(result.text(), url=result.final_url)
    assert page.paragraphs == ("Городской совет утвердил бюджет на следующий год.",)
    ferry = await fetcher.fetch(site.url("/gzip/news/ferry-storm"))
    assert read_page(ferry.text(), url=ferry.final_url).title == PAGES[0].title


# -- titles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "site_names", "host_label", "expected"),
    [
        ("Storm shuts terminal - The Herald", ["The Herald"], "", "Storm shuts terminal"),
        ("Storm shuts terminal | THE HERALD", ["The Herald"], "", "Storm shuts terminal"),
        ("The Herald — Storm shuts terminal", ["The Herald"], "", "Storm shuts terminal"),
        (
            "Storm shuts terminal : News : Jobs & Hire",
            ["Jobs & Hire"],
            "",
            "Storm shuts terminal : News",
        ),
        (
            "Crash on I-95 - WSVN 7News | Miami News, Weather",
            ["WSVN 7News | Miami News, Weather"],
            "",
            "Crash on I-95",
        ),
        ("AI can do great things | WIRED", [], "wired", "AI can do great things"),
        ("Voters back bond | KXAN Austin", [], "kxan", "Voters back bond"),
        # Kept: the outlet's name inside the headline, and separators of the headline itself.
        (
            "Herald readers pick the best pub",
            ["Herald"],
            "herald",
            "Herald readers pick the best pub",
        ),
        ("Brexit - what happens next", [], "", "Brexit - what happens next"),
        (
            "Coronavirus: New York ramps up burials",
            ["New York"],
            "",
            "Coronavirus: New York ramps up burials",
        ),
        (
            "Storm - Herald Tribune of the Isles",
            ["The Herald"],
            "",
            "Storm - Herald Tribune of the Isles",
        ),
    ],
)
def test_site_name_affixes_are_stripped_from_titles(
    title: str, site_names: list[str], host_label: str, expected: str
) -> None:
    assert strip_site_affix(title, site_names, host_label=host_label) == expected


def test_a_truncated_json_ld_headline_yields_to_the_page_title() -> None:
    html = page_html(
        title="Lam should study Tsai's playbook on the island's election | SCMP",
        head=json_ld(
            {"@type": "NewsArticle", "headline": "Lam should study Tsai's playbook on..."}
        ),
    )
    assert read_page(html, url="https://scmp.example/a/1").title == (
        "Lam should study Tsai's playbook on the island's election"
    )


# -- canonical URL, authors, dates -------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<link rel="canonical" href="/news/a-story">', "https://news.example/news/a-story"),
        ('<link rel="canonical" href="https://news.example/">', "https://news.example/s/1?x=1"),
        (
            '<link rel="canonical" href="javascript:void(0)">'
            '<meta property="og:url" content="https://news.example/og-story">',
            "https://news.example/og-story",
        ),
        ("", "https://news.example/s/1?x=1"),
    ],
)
def test_the_canonical_url_is_absolute_and_never_the_home_page(head: str, expected: str) -> None:
    page = read_page(page_html(head=head), url="https://news.example/s/1?x=1#comments")
    assert page.url == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta name="author" content="By Jane Doe and John Roe">', ("Jane Doe", "John Roe")),
        ('<meta property="article:author" content="https://facebook.com/janedoe">', ()),
        (
            '<meta property="og:site_name" content="Coast News">'
            '<meta name="author" content="Coast News">',
            (),
        ),
        (
            json_ld(
                {
                    "@graph": [
                        {"@type": "Person", "@id": "#jd", "name": "Jane Doe"},
                        {"@type": "NewsArticle", "headline": "H", "author": [{"@id": "#jd"}]},
                    ]
                }
            ),
            ("Jane Doe",),
        ),
    ],
)
def test_authors_come_from_the_byline_not_urls_or_the_outlet(
    head: str, expected: tuple[str, ...]
) -> None:
    assert read_page(page_html(head=head), url="https://news.example/s/1").authors == expected


def test_the_stated_publication_date_wins_over_another_date_of_the_page() -> None:
    head = '<meta name="date" content="2023-05-01">' + json_ld(
        {"@type": "NewsArticle", "headline": "H", "datePublished": "2024-01-10T09:00:00+00:00"}
    )
    assert read_page(page_html(head=head), url="https://news.example/s").published == date(
        2024, 1, 10
    )


def test_an_unknown_date_stays_unknown_and_a_url_date_is_used() -> None:
    assert read_page(page_html(), url="https://news.example/story").published is None
    dated = read_page(page_html(), url="https://news.example/2022/07/04/story")
    assert dated.published == date(2022, 7, 4)


def test_the_headline_bylines_and_slide_counters_do_not_open_the_story() -> None:
    head = '<meta property="og:title" content="Quay to close">'
    html = page_html(head=head).replace(
        "<h1>Quay closes</h1>", "<h1>Quay closes</h1><p>1/5</p><p>Maria Keane</p>"
    )
    html = html.replace("<title>", '<meta name="author" content="Maria Keane"><title>')
    page = read_page(html, url="https://news.example/s")
    assert page.title == "Quay to close" and page.authors == ("Maria Keane",)
    assert page.paragraphs[0].startswith("The harbour authority said on Tuesday")


@pytest.mark.parametrize(
    "html", ["", "<<<>>>", "\x00\x01 binary", "<html>", "<?xml version='1.0'?><p>x</p>"]
)
def test_hostile_or_empty_markup_gives_an_empty_article_not_an_error(html: str) -> None:
    page = read_page(html, url="https://news.example/x")
    assert page.url == "https://news.example/x" and page.title is None
    assert len(page.paragraphs) <= 1


# -- furniture rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("furniture", "gone"),
    [
        (
            '<div class="box"><h3>Sign up for the Coast newsletter</h3><p>Our best stories, every '
            "morning.</p></div>",
            "Our best stories",
        ),
        (
            "<p><strong>MORE STORIES</strong></p><ul><li><a href='/a'>Quay closes</a></li>"
            "<li><a href='/b'>Dock reopens</a></li></ul>",
            "Dock reopens",
        ),
        (
            '<ul><li><a href="/1">Boat sinks</a></li><li><a href="/2">Gull steals chips</a></li>'
            "</ul>",
            "Gull steals chips",
        ),
        (
            '<div data-product-id="77" class="card"><p>Best waterproof jackets of 2024: buy now '
            "for 40 per cent off the list price at our partner shop.</p></div>",
            "waterproof",
        ),
        (
            "<div hidden><p>Thanks for subscribing! Check your inbox to confirm.</p></div>",
            "Thanks",
        ),
        ('<div class="relatedStories"><p>Harbour fees to rise in spring</p></div>', "fees"),
        (
            '<figure><img src="q.jpg"><figcaption>The quay in 1910. (Photo: Archive)</figcaption>'
            "</figure>",
            "1910",
        ),
    ],
)
def test_furniture_boxes_are_removed_by_structure(furniture: str, gone: str) -> None:
    intro = "<p>Fishing boats will use the old dock at Keel Point from Monday.</p>"
    tree = parse_html(f"<html><body><article>{intro}{furniture}{STORY}</article></body></html>")
    remove_furniture(tree)
    text = tree.text_content()
    assert gone not in text
    assert "Fishing boats will use the old dock" in text
    assert text.count("north quay would close") == 4


@pytest.mark.parametrize(
    "container", ["paywalled-content", "article has-comments", "main sidebar-layout", "share-root"]
)
def test_a_misleading_class_on_the_story_container_does_not_remove_the_story(
    container: str,
) -> None:
    html = f'<html><body><div class="{container}">{STORY}</div><footer>(c)</footer></body></html>'
    tree = parse_html(html)
    remove_furniture(tree)
    assert tree.text_content().count("north quay would close") == 4


@pytest.mark.parametrize(
    "text",
    [
        "Share this article: Facebook Twitter WhatsApp Email",
        "Share on Facebook Share on X Copy link",
        "Sign up for our free daily newsletter to get the latest headlines in your inbox.",
        "Never miss the latest news by signing up to our newsletter today!",
        "This site uses cookies and similar technologies to personalise content and ads.",
        "Sign up for our free breaking news alerts.",
        "(Reporting by Jo Bloggs in London; Editing by Ann Other)",
        "Fishermen unload the catch at dawn. (Tom Reyes/Getty Images)",
        "By Evan Symon, August 14, 2020 2:30 pm",
        "By Nada Tawfik, BBC News, New York",
        "BY JANE DOE AND JOHN ROE",
        "November 08, 2023",
        "Updated: March 3, 2024 10:15 am EST",
        "Published 14 March 2024",
        "Subscribe to continue reading. Already a subscriber? Log in",
        "We use cookies to improve your experience. By continuing you agree to our cookie policy.",
        "(Photo: Jane Roe/Getty Images)",
        "Photograph by Kevin Lee",
        "Featured image by Ana Ruiz/Coast News.",
        "Fishermen unload the first catch of the season. (AP Photo/Sam Lee)",
        "Copyright 2024 The Associated Press. All rights reserved.",
        "Reporting by Jo Bloggs; Editing by Ann Other",
        "Alex Smith contributed to this report.",
        "By Maria Keane, Associated Press",
        "Related: Harbour fees to rise in spring",
        "READ MORE: Ferry fares to rise by 6 per cent",
        "Advertisement",
        "Story continues below advertisement",
        "We want to hear what you think about this article. Submit a letter to the editor.",
        "The post Storm shuts quay appeared first on Coast News.",
    ],
)
def test_furniture_paragraphs_are_recognised(text: str) -> None:
    assert is_furniture(text)


@pytest.mark.parametrize(
    "text",
    [
        "The council will email every household a newsletter explaining the new bin rules.",
        "Members of the club said they had full access to the harbour until the gates closed.",
        "Subscribers to the water company's hardship scheme will not see their bills rise.",
        "She said the photo of the flooded quay, taken by a fisherman, was shared 40,000 times.",
        "Cookies and cakes were sold at the fair to raise money for the lifeboat.",
        "Share prices of the ferry company fell 4 per cent on Tuesday.",
        "By Tuesday evening the harbour master had reopened the north quay.",
        '"Related matters will be discussed next week," the leader said.',
        "Residents can sign up for flood alerts on the council website.",
        "The mayor said she would never miss a council meeting again.",
        "She was already a member of the party when the vote was held.",
        "The bakery's cookies were so popular that customers had to accept a two-hour wait.",
        "Reporting by the BBC found that the council had overspent by £2m.",
        "By Christmas, the ferry will run hourly.",
        "By 2030 the quay will be rebuilt.",
        "On March 3, 2024 the quay closed.",
        "Photos of the flooded quay were shared widely on Tuesday night.",
        "The figures were wrong, the mayor's office said (via a spokesperson).",
        "The Associated Press reported that the quay would close.",
        "A" * 500 + " subscribe to our newsletter",  # too long to be a prompt
    ],
)
def test_story_sentences_about_the_same_things_are_kept(text: str) -> None:
    assert not is_furniture(text)
