"""Tests for retrieval.ingest.metadata: title, canonical URL, date, publisher and related links."""

from __future__ import annotations

from datetime import date

import pytest

from retrieval.ingest.article import parse_text_article
from retrieval.ingest.cleaning import clean_text
from retrieval.ingest.metadata import (
    date_from_syndication_id,
    date_from_url,
    derive_title,
    extract_metadata,
    normalize_url,
    parse_iso_date,
    publisher_from_url,
)
from tests.support import paths

SEEDS = paths.SEEDS
MOSCOW_TIMES_URL = (
    "https://www.themoscowtimes.com/2022/12/27/"
    "putin-presents-rings-to-his-fellow-cis-leaders-during-summit-a79810"
)


def seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "title", "url", "published", "publisher"),
    [
        (
            "000_b30ef85aa944bbd8.txt",
            "Russian President Vladimir Putin presented symbolic rings to the leaders…",
            MOSCOW_TIMES_URL,
            date(2022, 12, 27),
            "The Moscow Times",
        ),
        (
            "001_8e5f2d5a591cc012.txt",
            "Meeting with CIS state representatives: "
            "Putin seeks proximity to former Soviet states",
            None,
            None,
            None,
        ),
        (
            "002_a25b924e6705389f.txt",
            "It’s not easy being an ally (intentional or not) of Vladimir Putin",
            None,
            None,
            None,
        ),
        (
            "003_db38b9538e43ca07.txt",
            "CIS Informal Meeting Held in Russia",
            None,
            date(2025, 12, 22),
            "MENAFN",
        ),
        (
            "004_d59a720f40c57080.txt",
            "Putin calls for ex-Soviet states to expand their influence",
            None,
            date(2023, 10, 13),
            "Press Association",
        ),
    ],
)
def test_seed_metadata(
    name: str, title: str, url: str | None, published: date | None, publisher: str | None
) -> None:
    article = parse_text_article(seed(name), source=name)
    assert (article.title, article.url, article.published, article.publisher) == (
        title,
        url,
        published,
        publisher,
    )


def test_wrapped_canonical_url_is_repaired_and_other_urls_are_related_links() -> None:
    article = parse_text_article(seed("000_b30ef85aa944bbd8.txt"), source="000.txt")
    assert article.url == MOSCOW_TIMES_URL
    assert article.related_links == (
        "http://kremlin.ru/events/president/news/70189",
        "https://www.themoscowtimes.com/2024/11/25/"
        "putin-insists-no-plan-to-absorb-belarus-on-visit-in-ukraine-shadow",
        "https://t.me/pul_1/7836",
        "https://tass.com/world/1541151",
    )


def test_related_link_dates_are_not_the_publication_date() -> None:
    text = "The story.\n\nhttps://example.com/2024/11/25/other-story\n"
    article = parse_text_article(text, source="x.txt")
    assert article.published is None
    assert article.url is None
    assert article.related_links == ("https://example.com/2024/11/25/other-story",)


def test_a_lone_word_after_a_long_url_is_not_glued_to_it() -> None:
    long_url = "https://example.com/" + "a" * 60
    article = parse_text_article(f"Original url:\n{long_url}\nAGPs\n\nThe story.", source="x")
    assert article.url == long_url


def test_cited_outlets_are_not_the_publisher() -> None:
    article = parse_text_article("The story.\n(Via The Moscow Times & Meduza)", source="x.txt")
    assert article.publisher is None


def test_person_byline_does_not_set_the_publisher() -> None:
    article = parse_text_article("Headline of the story here\n\nBy Jane Doe\n\nText.", source="x")
    assert article.publisher is None
    assert "By Jane Doe" not in article.text


def test_stated_values_win_over_the_text() -> None:
    cleaned = clean_text("date 2023-10-13 The story.\n\nBy Press Association\n\nMore.")
    metadata = extract_metadata(
        cleaned,
        fallback_title="x.txt",
        title="Stated title",
        url="https://example.org/a",
        published=date(2020, 1, 2),
        publisher="Stated",
    )
    assert (metadata.title, metadata.url, metadata.published, metadata.publisher) == (
        "Stated title",
        "https://example.org/a",
        date(2020, 1, 2),
        "Stated",
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("date 2023-10-13", date(2023, 10, 13)),
        ("Published: 2021-03-04T10:00:00Z", date(2021, 3, 4)),
        ("2019-07-08", date(2019, 7, 8)),
        ("date 2023-02-30", None),
    ],
)
def test_header_dates(header: str, expected: date | None) -> None:
    article = parse_text_article(f"{header}\n\nThe story happened.", source="x.txt")
    assert article.published == expected
    assert article.text == "The story happened."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-10-13", date(2023, 10, 13)),
        ("2023-10-13T23:59:00+02:00", date(2023, 10, 13)),
        ("2023-13-01", None),
        ("2023-02-29", None),
        ("2024-02-29", date(2024, 2, 29)),
        ("0001-01-01", None),
        ("13 October 2023", None),
    ],
)
def test_parse_iso_date(text: str, expected: date | None) -> None:
    assert parse_iso_date(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (MOSCOW_TIMES_URL, date(2022, 12, 27)),
        ("https://example.com/2022-12-27/story", date(2022, 12, 27)),
        ("https://example.com/2022/02/30/story", None),
        ("https://example.com/news/70189", None),
    ],
)
def test_date_from_url(url: str, expected: date | None) -> None:
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MENAFN22122025000045017169ID1110512300", date(2025, 12, 22)),
        ("MENAFN31022025000045017169ID1110512300", None),
        ("MENAFN", None),
    ],
)
def test_date_from_syndication_id(text: str, expected: date | None) -> None:
    assert date_from_syndication_id(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (MOSCOW_TIMES_URL, "The Moscow Times"),
        ("https://tass.com/world/1541151", "TASS"),
        ("https://edition.cnn.com/2023/x", "CNN"),
        ("https://www.example-news.org/a", "example-news.org"),
        ("https://m.example.org/a", "example.org"),
    ],
)
def test_publisher_from_url(url: str, expected: str) -> None:
    assert publisher_from_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a).", "https://example.com/a"),
        ("<https://example.com/a>", "https://example.com/a"),
        ("ftp://example.com/a", None),
        ("https:///nohost", None),
        ("not a url", None),
    ],
)
def test_normalize_url(url: str, expected: str | None) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Putin met the leaders of the former Soviet republics and the heads of the states.",
            "Putin met the leaders of the former Soviet republics and the heads…",
        ),
        ("Short sentence here. Another one.", "Short sentence here"),
        (
            "Putin arrived in St. Petersburg on Monday for a summit with leaders of the states.",
            "Putin arrived in St. Petersburg on Monday for a summit with leaders…",
        ),
        (
            "It is hard being an ally (intentional or not and more words here) of anyone at all.",
            "It is hard being an ally…",
        ),
        ("Is this a question? Yes.", "Is this a question?"),
        ("", None),
    ],
)
def test_derive_title(text: str, expected: str | None) -> None:
    assert derive_title(text) == expected


def test_title_falls_back_to_the_file_name() -> None:
    metadata = extract_metadata(clean_text(""), fallback_title="x.txt")
    assert metadata.title == "x.txt"
