"""Records of the news-from-the-web benchmarks: page extraction, answers through feeds, refresh."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.result_format import Fields, Provenance


@dataclass(frozen=True, slots=True)
class PageTotals:
    """Pages one method got right, per metric (None: the method does not do that)."""

    title: int | None
    date: int | None
    kept: int | None
    clean: int | None


@dataclass(frozen=True, slots=True)
class PageExtractionResult:
    """``page_extraction.json``."""

    provenance: Provenance
    pages: int
    totals: dict[str, PageTotals]  # by method, in the file's order
    method_seconds: dict[str, float]  # not comparable: the libraries cache for each other


def page_extraction_result(fields: Fields, provenance: Provenance) -> PageExtractionResult:
    """Read a page extraction result."""
    totals = fields.section("totals")
    by_method = {}
    for method in totals.names():
        counts = totals.section(method)
        by_method[method] = PageTotals(
            title=counts.optional("title", Fields.integer),
            date=counts.optional("date", Fields.integer),
            kept=counts.optional("kept", Fields.integer),
            clean=counts.optional("clean", Fields.integer),
        )
    # Runs before ``method_seconds`` wrote these under ``seconds``, over the run's own time.
    key = "method_seconds" if fields.has("method_seconds") else "seconds"
    seconds = fields.section(key) if fields.is_object(key) else None
    return PageExtractionResult(
        provenance=provenance,
        pages=fields.integer("pages"),
        totals=by_method,
        method_seconds={m: seconds.number(m) for m in seconds.names()} if seconds else {},
    )


@dataclass(frozen=True, slots=True)
class FeedChecks:
    """One figure per feed check: the page is cited, with its link, title, date, passage."""

    found: float
    link: float
    title: float
    date: float
    passage: float


def _feed_checks(fields: Fields, key: str, *, counts: bool) -> FeedChecks:
    section = fields.section(key)
    read = section.integer if counts else section.number
    return FeedChecks(
        found=read("found"),
        link=read("link"),
        title=read("title"),
        date=read("date"),
        passage=read("passage"),
    )


@dataclass(frozen=True, slots=True)
class FeedsQualityResult:
    """``feeds_quality.json``."""

    provenance: Provenance
    pages: int
    refresh_seconds: float
    totals: FeedChecks  # pages
    shares: FeedChecks  # of the pages
    targets: FeedChecks  # shares the benchmark aims at


def feeds_quality_result(fields: Fields, provenance: Provenance) -> FeedsQualityResult:
    """Read a feeds quality result."""
    return FeedsQualityResult(
        provenance=provenance,
        pages=fields.integer("pages"),
        refresh_seconds=fields.number("refresh_seconds"),
        totals=_feed_checks(fields, "totals", counts=True),
        shares=_feed_checks(fields, "shares", counts=False),
        targets=_feed_checks(fields, "targets", counts=False),
    )


@dataclass(frozen=True, slots=True)
class ColdRefresh:
    """The first refresh of every feed: everything is new."""

    seconds: float
    passages_embedded: int
    sentences_embedded: int
    texts_embedded: int
    embedding_seconds: float
    embedding_share: float
    texts_per_s: float


@dataclass(frozen=True, slots=True)
class QuietRefresh:
    """A refresh when no feed has changed."""

    seconds: float
    requests: int
    unconditional_requests: int
    passages_embedded: int
    cli_seconds: float


@dataclass(frozen=True, slots=True)
class FeedsSpeedResult:
    """``feeds_speed.json``."""

    provenance: Provenance
    device: str
    feeds: int
    items_per_feed: int
    articles_added: int
    cold: ColdRefresh
    plain_encode_texts_per_s: float
    refresh_vs_plain: float  # wall time
    refresh_vs_plain_cpu: float  # CPU time of the process
    no_change: QuietRefresh


def feeds_speed_result(fields: Fields, provenance: Provenance) -> FeedsSpeedResult:
    """Read a feed refresh speed result."""
    cold = fields.section("cold")
    quiet = fields.section("no_change")
    return FeedsSpeedResult(
        provenance=provenance,
        device=fields.text("device"),
        feeds=fields.integer("feeds"),
        items_per_feed=fields.integer("items_per_feed"),
        articles_added=fields.integer("articles_added"),
        cold=ColdRefresh(
            seconds=cold.number("seconds"),
            passages_embedded=cold.integer("passages_embedded"),
            sentences_embedded=cold.integer("sentences_embedded"),
            texts_embedded=cold.integer("texts_embedded"),
            embedding_seconds=cold.number("embedding_seconds"),
            embedding_share=cold.number("embedding_share"),
            texts_per_s=cold.number("texts_per_s"),
        ),
        plain_encode_texts_per_s=fields.section("plain_encode").number("texts_per_s"),
        refresh_vs_plain=fields.number("refresh_vs_plain"),
        refresh_vs_plain_cpu=fields.number("refresh_vs_plain_cpu"),
        no_change=QuietRefresh(
            seconds=quiet.number("seconds"),
            requests=quiet.integer("requests"),
            unconditional_requests=quiet.integer("unconditional_requests"),
            passages_embedded=quiet.integer("passages_embedded"),
            cli_seconds=quiet.number("cli_seconds"),
        ),
    )
