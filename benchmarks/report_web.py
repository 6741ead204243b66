"""BENCHMARKS.md sections for news from the web: page extraction, feeds quality, feed speed.

Each section renders one typed record (``benchmarks/records_web.py``); :data:`WEB_TARGETS` are
their rows of the targets table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.records import Results
from benchmarks.records_web import (
    FeedChecks,
    FeedsQualityResult,
    FeedsSpeedResult,
    PageExtractionResult,
    PageTotals,
)
from benchmarks.report_markdown import provenance, table
from benchmarks.report_targets import AtLeast, Below, Figure, Target

_PAGE_METRICS: tuple[Callable[[PageTotals], int | None], ...] = (
    lambda t: t.title,
    lambda t: t.date,
    lambda t: t.kept,
    lambda t: t.clean,
)
_METHOD_NAMES = {
    "ours": "**ours** (`read_page`: markup metadata, structure + text furniture rules)",
    "trafilatura": "trafilatura alone (`extract` + `extract_metadata`)",
    "htmldate": "htmldate alone (`find_date`, defaults)",
    "htmldate_original": "htmldate alone (`original_date=True`)",
}
_FEED_METRICS: tuple[tuple[str, Callable[[FeedChecks], float]], ...] = (
    ("page among the 3 citations", lambda c: c.found),
    ("its link is the page's (canonical) URL", lambda c: c.link),
    ("its title is the headline, without the site's name", lambda c: c.title),
    ("its date is the publication date", lambda c: c.date),
    ("the answering passage is shown", lambda c: c.passage),
)


def web_sections(results: Results) -> list[str]:
    """The sections whose results exist, in reading order."""
    lines: list[str] = []
    if results.page_extraction is not None:
        lines += page_section(results.page_extraction)
    if results.feeds_quality is not None:
        lines += feeds_quality_section(results.feeds_quality)
    if results.feeds_speed is not None:
        lines += feeds_speed_section(results.feeds_speed)
    return lines


def page_section(r: PageExtractionResult) -> list[str]:
    """Our page reader against trafilatura alone and htmldate alone."""
    rows = []
    for name, totals in r.totals.items():
        counts = (metric(totals) for metric in _PAGE_METRICS)
        cells = [f"{n}/{r.pages}" if n is not None else "–" for n in counts]
        rows.append([_METHOD_NAMES.get(name, name), *cells])
    timing = []
    if r.method_seconds:
        timing = [
            "Seconds per method, not comparable (trafilatura and htmldate cache results that "
            "the other methods then reuse): "
            + ", ".join(f"{name} {seconds}" for name, seconds in r.method_seconds.items())
            + ".",
            "",
        ]
    return [
        "## Page extraction: real news pages",
        "",
        *provenance(r.provenance),
        f"{r.pages} real pages (`shared/data/realworld-news`, the trafilatura and htmldate "
        "projects' own evaluation pages and truth). title: the headline without the site's "
        "name; date: an accepted publication date; kept: every must-keep story sentence; "
        "clean: no page furniture (teasers, sign-up boxes, related links). The same reader "
        "serves fetched pages and HTML files given to `newsbot ingest`.",
        "",
        *table(["method", "title", "date", "kept", "clean"], rows),
        *timing,
    ]


def feeds_quality_section(r: FeedsQualityResult) -> list[str]:
    """Questions about real pages that arrived through RSS and Atom feeds."""
    rows = [
        [
            label,
            f"{metric(r.totals):.0f}/{r.pages}",
            f"{metric(r.totals) / max(r.pages, 1):.0%}",
            f"≥ {metric(r.targets):.0%}",
        ]
        for label, metric in _FEED_METRICS
    ]
    return [
        "## Answers through feeds: real pages behind RSS and Atom",
        "",
        *provenance(r.provenance),
        f"The {r.pages} real pages served from the loopback news site, half behind an RSS and "
        "half behind an Atom feed whose items carry only a link and the raw `<title>` (no date, "
        "no text); `newsbot feeds add`, `newsbot refresh` "
        f"({r.refresh_seconds} s), then each page's question through "
        "`newsbot ask --json --top-k 3` over those pages and the seeds.",
        "",
        *table(["figure", "pages", "share", "target"], rows),
        "Every page's answering passage is in its indexed text; where it is not the excerpt "
        "shown, the key-sentence choice picked another sentence of the right article (the "
        "answer-quality work).",
        "",
    ]


def feeds_speed_section(r: FeedsSpeedResult) -> list[str]:
    """Refreshing many feeds: throughput against plain encoding, and a no-change refresh."""
    cold, quiet = r.cold, r.no_change
    rows: list[list[Any]] = [
        ["cold refresh, wall time", f"{cold.seconds} s"],
        ["articles added", r.articles_added],
        [
            "texts embedded (passages + sentences)",
            f"{cold.texts_embedded} ({cold.passages_embedded} + {cold.sentences_embedded})",
        ],
        [
            "time inside the embedder",
            f"{cold.embedding_seconds} s ({100 * cold.embedding_share:.0f}% of the refresh)",
        ],
        ["refresh, texts/s end to end", cold.texts_per_s],
        ["plain `encode` of the same texts, texts/s", r.plain_encode_texts_per_s],
        ["**refresh vs plain encode** (wall time)", f"**{r.refresh_vs_plain}×**"],
        ["refresh vs plain encode (CPU time of this process)", f"{r.refresh_vs_plain_cpu}×"],
        ["no-change refresh of every feed (in process)", f"{quiet.seconds} s"],
        [
            "  requests sent / unconditional",
            f"{quiet.requests} / {quiet.unconditional_requests}",
        ],
        ["  passages embedded", quiet.passages_embedded],
        [
            "no-change `newsbot refresh --all` (process start included)",
            f"{quiet.cli_seconds} s",
        ],
    ]
    return [
        f"## Feed refresh: {r.feeds} feeds × {r.items_per_feed} stories",
        "",
        *provenance(r.provenance),
        "Each feed is its own loopback site (so per-host politeness applies as to separate "
        "outlets); half the feeds carry summaries, half full text, and every story's page is "
        "fetched and read. Embedding device: "
        f"{r.device}. The plain peer encodes exactly the texts the refresh embedded, "
        "with the same model and batch size, in the same run. Wall times on this shared "
        "two-core machine swing with other people's work (a run beside another benchmark "
        "measured 0.50× by wall time); the CPU time of this process is the steadier ratio.",
        "",
        *table(["figure", "value"], rows),
    ]


def _feed_share(metric: Callable[[FeedChecks], float]) -> Callable[[Results], Figure]:
    def value(results: Results) -> Figure:
        r = results.feeds_quality
        return None if r is None else metric(r.shares)

    return value


def _feeds_speed(read: Callable[[FeedsSpeedResult], Figure]) -> Callable[[Results], Figure]:
    def value(results: Results) -> Figure:
        return None if results.feeds_speed is None else read(results.feeds_speed)

    return value


WEB_TARGETS: tuple[Target, ...] = (
    *(
        Target(
            f"through feeds: {label}",
            "feeds_quality",
            _feed_share(metric),
            AtLeast(limit, f"≥ {limit:.0%}"),
        )
        for label, metric, limit in (
            ("page in top 3", lambda c: c.found, 0.95),
            ("link right", lambda c: c.link, 0.95),
            ("title right", lambda c: c.title, 0.95),
            ("date right", lambda c: c.date, 0.90),
            ("answering passage shown", lambda c: c.passage, 0.90),
        )
    ),
    Target(
        "feed refresh vs plain encode (50 × 20, wall time)",
        "feeds_speed",
        _feeds_speed(lambda r: r.refresh_vs_plain),
        AtLeast(0.9, "≥ 0.9×"),
    ),
    Target(
        "feed refresh vs plain encode (50 × 20, CPU time)",
        "feeds_speed",
        _feeds_speed(lambda r: r.refresh_vs_plain_cpu),
        AtLeast(0.9, "≥ 0.9×"),
    ),
    Target(
        "no-change refresh, 50 feeds",
        "feeds_speed",
        _feeds_speed(lambda r: r.no_change.seconds),
        Below(2.0, "< 2 s"),
    ),
)
