"""BENCHMARKS.md sections for news from the web: page extraction, feeds quality, feed speed.

Called by ``benchmarks.report``; each section reads one ``benchmarks/results/*.json``.
"""

from __future__ import annotations

from typing import Any

Result = dict[str, Any]
_PAGE_METRICS = ("title", "date", "kept", "clean")
_FEED_METRICS = (
    ("found", "page among the 3 citations"),
    ("link", "its link is the page's (canonical) URL"),
    ("title", "its title is the headline, without the site's name"),
    ("date", "its date is the publication date"),
    ("passage", "the answering passage is shown"),
)


def web_sections(results: dict[str, Result], provenance: Any, table: Any) -> list[str]:
    """The sections whose results exist, in reading order."""
    lines: list[str] = []
    if "page_extraction" in results:
        lines += page_section(results["page_extraction"], provenance, table)
    if "feeds_quality" in results:
        lines += feeds_quality_section(results["feeds_quality"], provenance, table)
    if "feeds_speed" in results:
        lines += feeds_speed_section(results["feeds_speed"], provenance, table)
    return lines


def page_section(r: Result, provenance: Any, table: Any) -> list[str]:
    """Our page reader against trafilatura alone and htmldate alone."""
    pages = r.get("pages", 0)
    names = {
        "ours": "**ours** (`read_page`: markup metadata, structure + text furniture rules)",
        "trafilatura": "trafilatura alone (`extract` + `extract_metadata`)",
        "htmldate": "htmldate alone (`find_date`, defaults)",
        "htmldate_original": "htmldate alone (`original_date=True`)",
    }
    rows = []
    for name, totals in r.get("totals", {}).items():
        cells = [f"{totals[m]}/{pages}" if m in totals else "–" for m in _PAGE_METRICS]
        rows.append([names.get(name, name), *cells])
    return [
        "## Page extraction: real news pages",
        "",
        *provenance(r),
        f"{pages} real pages (`shared/data/realworld-news`, the trafilatura and htmldate "
        "projects' own evaluation pages and truth). title: the headline without the site's "
        "name; date: an accepted publication date; kept: every must-keep story sentence; "
        "clean: no page furniture (teasers, sign-up boxes, related links). The same reader "
        "serves fetched pages and HTML files given to `newsbot ingest`.",
        "",
        *table(["method", "title", "date", "kept", "clean"], rows),
    ]


def feeds_quality_section(r: Result, provenance: Any, table: Any) -> list[str]:
    """Questions about real pages that arrived through RSS and Atom feeds."""
    pages = r.get("pages", 0)
    totals, targets = r.get("totals", {}), r.get("targets", {})
    rows = [
        [
            label,
            f"{totals.get(key, 0)}/{pages}",
            f"{totals.get(key, 0) / max(pages, 1):.0%}",
            f"≥ {targets.get(key, 0):.0%}",
        ]
        for key, label in _FEED_METRICS
    ]
    return [
        "## Answers through feeds: real pages behind RSS and Atom",
        "",
        *provenance(r),
        f"The {pages} real pages served from the loopback news site, half behind an RSS and "
        "half behind an Atom feed whose items carry only a link and the raw `<title>` (no date, "
        "no text); `newsbot feeds add`, `newsbot refresh` "
        f"({r.get('refresh_seconds')} s), then each page's question through "
        "`newsbot ask --json --top-k 3` over those pages and the seeds.",
        "",
        *table(["figure", "pages", "share", "target"], rows),
        "Every page's answering passage is in its indexed text; where it is not the excerpt "
        "shown, the key-sentence choice picked another sentence of the right article (the "
        "answer-quality work).",
        "",
    ]


def feeds_speed_section(r: Result, provenance: Any, table: Any) -> list[str]:
    """Refreshing many feeds: throughput against plain encoding, and a no-change refresh."""
    cold, plain, quiet = r.get("cold", {}), r.get("plain_encode", {}), r.get("no_change", {})
    rows = [
        ["cold refresh, wall time", f"{cold.get('seconds')} s"],
        ["articles added", r.get("articles_added")],
        [
            "texts embedded (passages + sentences)",
            f"{cold.get('texts_embedded')} ({cold.get('passages_embedded')} + "
            f"{cold.get('sentences_embedded')})",
        ],
        [
            "time inside the embedder",
            f"{cold.get('embedding_seconds')} s "
            f"({100 * (cold.get('embedding_share') or 0):.0f}% of the refresh)",
        ],
        ["refresh, texts/s end to end", cold.get("texts_per_s")],
        ["plain `encode` of the same texts, texts/s", plain.get("texts_per_s")],
        ["**refresh vs plain encode** (wall time)", f"**{r.get('refresh_vs_plain')}×**"],
        [
            "refresh vs plain encode (CPU time of this process)",
            f"{r.get('refresh_vs_plain_cpu')}×",
        ],
        ["no-change refresh of every feed (in process)", f"{quiet.get('seconds')} s"],
        [
            "  requests sent / unconditional",
            f"{quiet.get('requests')} / {quiet.get('unconditional_requests')}",
        ],
        ["  passages embedded", quiet.get("passages_embedded")],
        [
            "no-change `newsbot refresh --all` (process start included)",
            f"{quiet.get('cli_seconds')} s",
        ],
    ]
    return [
        f"## Feed refresh: {r.get('feeds')} feeds × {r.get('items_per_feed')} stories",
        "",
        *provenance(r),
        "Each feed is its own loopback site (so per-host politeness applies as to separate "
        "outlets); half the feeds carry summaries, half full text, and every story's page is "
        "fetched and read. Embedding device: "
        f"{r.get('device')}. The plain peer encodes exactly the texts the refresh embedded, "
        "with the same model and batch size, in the same run. Wall times on this shared "
        "two-core machine swing with other people's work (a run beside another benchmark "
        "measured 0.50× by wall time); the CPU time of this process is the steadier ratio.",
        "",
        *table(["figure", "value"], rows),
    ]
