"""Tests for retrieval.ingest.cleaning: furniture out, story sentences kept, paragraphs rebuilt."""

from __future__ import annotations

import re

import pytest

from retrieval.ingest.article import parse_text_article
from retrieval.ingest.cleaning import clean_text, normalize_text
from tests.support import paths

SEEDS = paths.SEEDS
SEED_NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))

# Page furniture in the seeds; none of it may reach an article's text.
FURNITURE_MARKERS = (
    "An icon",
    "Calendar",
    "Copy link",
    "Explore more publications",
    "Share us",
    "social networks",
    "AGPs",
    "Get the latest news",
    "SIGN UP",
    "No Thanks",
    "By signing to this email alert",
    "Terms & Conditions",
    "Legal Disclaimer",
    "EIN Presswire",
    "source site-34",
    "MENAFN",
    "http",
    "mmit-a79810",
    "Original url",
    "Related article",
    "By Press Association",
    "Kyrgyzstan Summit CIS",
    "date 2023-10-13",
)

# The test's own, independent notion of which raw lines are furniture or headline.
RAW_FURNITURE_LINE = re.compile(
    r"An icon|^https?://|^mmit-|^Original url:|^Related article:|^MENAFN\d|^Legal Disclaimer:"
    r"|^EIN Presswire provides|^Share us$|^on your social networks:$|^AGPs$|^Get the latest news"
    r"|^SIGN UP FOR FREE TODAY$|^No Thanks$|^By signing to this email alert|^agree to our Terms"
    r"|^source site-34$|^\.$|^By Press Association$|^Explore more publications!$"
    r"|^Kyrgyzstan Summit CIS$"
)
HEADLINE_LINES = {
    "001_8e5f2d5a591cc012.txt": (
        "Meeting with CIS state representatives: Putin seeks proximity to former Soviet states",
        "Meeting with CIS state representatives",
        "Putin seeks proximity to the former Soviet states",
    ),
    "003_db38b9538e43ca07.txt": ("CIS Informal Meeting Held in Russia",),
    "004_d59a720f40c57080.txt": ("Putin calls for ex-Soviet states to expand their influence",),
}
SENTENCE_BREAK = re.compile(r"(?<=[.!?”\")])\s+(?=[A-Z“\"(])")


def squash(text: str) -> str:
    return " ".join(text.split())


def story_sentences(name: str) -> list[str]:
    """Split a seed's raw story (furniture and headlines left out) into sentences."""
    raw = (SEEDS / name).read_text(encoding="utf-8")
    headlines = HEADLINE_LINES.get(name, ())
    kept = [
        "" if RAW_FURNITURE_LINE.search(line.strip()) or line.strip() in headlines else line
        for line in raw.splitlines()
    ]
    paragraphs = [squash(block) for block in "\n".join(kept).split("\n\n") if block.strip()]
    sentences: list[str] = []
    for paragraph in paragraphs:
        sentences += SENTENCE_BREAK.split(paragraph.removeprefix("(MENAFN) "))
    return sentences


def seed_article_text(name: str) -> str:
    return parse_text_article((SEEDS / name).read_text(encoding="utf-8"), source=name).text


def test_seeds_are_all_there() -> None:
    assert len(SEED_NAMES) == 5


@pytest.mark.parametrize("name", SEED_NAMES)
def test_no_page_furniture_reaches_the_text(name: str) -> None:
    text = seed_article_text(name)
    assert [marker for marker in FURNITURE_MARKERS if marker in text] == []


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_story_sentence_is_kept_verbatim(name: str) -> None:
    text = squash(seed_article_text(name))
    sentences = story_sentences(name)
    assert len(sentences) >= 10
    assert [sentence for sentence in sentences if sentence not in text] == []


@pytest.mark.parametrize("name", SEED_NAMES)
def test_paragraphs_are_separated_by_one_blank_line(name: str) -> None:
    text = seed_article_text(name)
    paragraphs = text.split("\n\n")
    assert all(paragraph and "\n" not in paragraph for paragraph in paragraphs)
    assert all(paragraph == squash(paragraph) for paragraph in paragraphs)
    assert all(len(paragraph) > 1 for paragraph in paragraphs)


@pytest.mark.parametrize(
    ("name", "paragraph_count", "first_paragraph_start"),
    [
        ("000_b30ef85aa944bbd8.txt", 8, "Russian President Vladimir Putin presented"),
        ("001_8e5f2d5a591cc012.txt", 5, "Russia has many ex-Soviet republics"),
        ("002_a25b924e6705389f.txt", 5, "It’s not easy being an ally"),
        ("003_db38b9538e43ca07.txt", 10, "Russia convened an informal gathering"),
        ("004_d59a720f40c57080.txt", 19, "Russian President Vladimir Putin speaks"),
    ],
)
def test_paragraph_structure_of_each_seed(
    name: str, paragraph_count: int, first_paragraph_start: str
) -> None:
    paragraphs = seed_article_text(name).split("\n\n")
    assert paragraphs[0].startswith(first_paragraph_start)
    assert len(paragraphs) == paragraph_count


def test_hard_wrapped_lines_are_rejoined_into_one_paragraph() -> None:
    paragraphs = seed_article_text("000_b30ef85aa944bbd8.txt").split("\n\n")
    assert paragraphs[0] == (
        "Russian President Vladimir Putin presented symbolic rings to the leaders of the various "
        "former Soviet republics that now make up the Moscow-dominated Commonwealth of "
        "Independent States (CIS) at an informal summit in St. Petersburg on Monday evening."
    )


def test_doubled_photo_caption_is_kept_once() -> None:
    text = seed_article_text("004_d59a720f40c57080.txt")
    caption = "Russian President Vladimir Putin speaks at the Commonwealth of Independent States"
    assert text.count(caption) == 1


def test_repeated_headline_lines_are_cut() -> None:
    text = seed_article_text("001_8e5f2d5a591cc012.txt")
    assert "Meeting with CIS state representatives" not in text
    assert "Putin seeks proximity" not in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            "Home An icon of a house. Search Icon A magnifying glass icon for searching. "
            "Menu An icon of 3 horizontal lines. Share A mark of two arrows.\n\n"
            "Putin arrived in Bishkek on Friday.",
            "Putin arrived in Bishkek on Friday.",
            id="icon-legend-paragraph",
        ),
        pytest.param(
            "Putin spoke. Home An icon of a house. Menu An icon of 3 horizontal lines. "
            "Rating An icon of a star. Leaders met later.",
            "Putin spoke. Leaders met later.",
            id="icon-legend-inside-a-paragraph",
        ),
        pytest.param(
            "The monastery keeps an icon of the Virgin. The icon was painted in 1410. "
            "Icons like it are rare. A new icon was added.",
            "The monastery keeps an icon of the Virgin. The icon was painted in 1410. "
            "Icons like it are rare. A new icon was added.",
            id="story-about-icons-kept",
        ),
        pytest.param(
            "The summit ended.\n\nLegal Disclaimer:\n\nThe provider gives no warranty.\n\n"
            "We accept no liability.\n\nLeaders left on Saturday.",
            "The summit ended.\n\nLeaders left on Saturday.",
            id="legal-disclaimer-block",
        ),
        pytest.param(
            "The summit ended.\n.\nsource site-12\nShare us\nNo thanks\nAdvertisement",
            "The summit ended.",
            id="boilerplate-lines",
        ),
        pytest.param(
            "First paragraph of the story.\nSecond paragraph, on its own line.",
            "First paragraph of the story.\n\nSecond paragraph, on its own line.",
            id="single-newline-paragraphs-kept-apart",
        ),
        pytest.param(
            "The sentence goes on and\ncontinues on the next line.",
            "The sentence goes on and continues on the next line.",
            id="lowercase-continuation-joined",
        ),
        pytest.param(
            "Putin met leaders.\n\n"
            "Summit Photo\nLeaders pose for a photo (Jane Doe/AP)\n"
            "Leaders pose for a photo (Jane Doe/AP)\n\nThey talked.",
            "Putin met leaders.\n\nLeaders pose for a photo (Jane Doe/AP)\n\nThey talked.",
            id="photo-slug-and-doubled-caption",
        ),
        pytest.param(
            "Putin met [the leaders](https://example.com/a) today.\n\n"
            "![a photo](https://example.com/p.jpg)\n\nThey talked.",
            "Putin met the leaders today.\n\nThey talked.",
            id="markdown-links-and-images",
        ),
    ],
)
def test_clean_text_on_small_inputs(raw: str, expected: str) -> None:
    assert clean_text(raw).text == expected


def test_headline_detected_and_its_repeats_cut() -> None:
    cleaned = clean_text(
        "Leaders gather in Bishkek for summit\n\nLeaders gather in Bishkek\n\nThe summit began."
    )
    assert cleaned.headline == "Leaders gather in Bishkek for summit"
    assert cleaned.text == "The summit began."


def test_title_hint_cuts_the_repeated_title_line() -> None:
    cleaned = clean_text(
        "Putin hosts CIS leaders\nThe summit began.",
        title_hint="Putin hosts CIS leaders - The Example Times",
    )
    assert cleaned.headline is None
    assert cleaned.text == "The summit began."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            "Put\u200bin\u200d met\u2060 them\ufeff.", "Putin met them.", id="zero-width"
        ),
        pytest.param("\u202eRTL\u202c and \u2066isolate\u2069", "RTL and isolate", id="bidi"),
        pytest.param("bell\x07 and\x00 escape\x1b", "bell and escape", id="controls"),
        pytest.param("tab\tand\nnewline", "tab\tand\nnewline", id="tab-newline-kept"),
        pytest.param("windows\r\nand\rold mac", "windows\nand\nold mac", id="line-endings"),
        pytest.param("cafe\u0301", "café", id="nfc"),
        pytest.param("soft\u00adhyphen", "softhyphen", id="soft-hyphen"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected
