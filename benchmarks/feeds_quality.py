"""Answer quality through feeds: real news pages behind RSS and Atom, refreshed, then asked.

Run ``python -m benchmarks.feeds_quality``. It serves the 29 pages of
``shared/data/realworld-news`` (evaluation data, never shipped; the benchmark stops with a
message when it is absent) from the loopback news site, half listed by an RSS feed and half
by an Atom feed. Feed items carry only the link and the page's raw ``<title>``: no date, no
summary, no text, so every figure below comes from reading the pages. Everything then runs
through the CLI as a user would: ``newsbot ingest seeds/`` (distractors), ``newsbot feeds
add`` twice, ``newsbot refresh``, and each page's question through ``newsbot ask --json
--top-k 3``. Per question:

- found: the page's article is among the 3 citations;
- link: that citation's URL is the page's address (scheme and a ``www.``/``edition.`` host
  prefix ignored: a canonical URL may differ from the address in those only);
- title: its title is the headline or an accepted alternative, without the site's name;
- date: its date is an accepted publication date;
- passage: its excerpt contains the passage that answers the question (``question_key``).

Writes ``benchmarks/results/feeds_quality.json`` (scores only, no page text).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import html
import json
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.page_extraction import PAGES_DIR, normalize
from benchmarks.results import ROOT, write_result
from retrieval.index.loader import load_index
from tests.cli.runner import newsbot_in_loop
from tests.support.news_site import NewsSite

METRICS = ("found", "link", "title", "date", "passage")
TARGETS = {"found": 0.95, "link": 0.95, "title": 0.95, "date": 0.90, "passage": 0.90}
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def rss(items: Sequence[tuple[str, str]], base: str) -> str:
    """An RSS 2.0 feed of (title, link) items."""
    body = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link>"
        f"<guid>{html.escape(u)}</guid></item>"
        for t, u in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Real pages (RSS)</title><link>{base}/</link>{body}</channel></rss>"
    )


def atom(items: Sequence[tuple[str, str]], base: str) -> str:
    """An Atom feed of (title, link) entries."""
    body = "".join(
        f"<entry><id>{html.escape(u)}</id><title>{html.escape(t)}</title>"
        f'<link rel="alternate" href="{html.escape(u)}"/></entry>'
        for t, u in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{base}/atom</id><title>Real pages (Atom)</title>{body}</feed>"
    )


def same_page(found: str | None, expected: str) -> bool:
    """Whether two URLs name the same page (scheme and www./edition. prefix ignored)."""
    if not found:
        return False

    def key(url: str) -> tuple[str, str, str]:
        parts = urlsplit(url)
        host = re.sub(r"^(www|edition)\.", "", parts.hostname or "")
        return host, parts.path.rstrip("/"), parts.query

    return key(found) == key(expected)


def score(
    truth: dict[str, Any], key: str | None, citations: list[dict[str, Any]]
) -> dict[str, Any]:
    """Score the answer to one page's question."""
    cited = next((c for c in citations if key and c["source"] == key), None)
    if cited is None:
        return dict.fromkeys(METRICS, False) | {"rank": None}
    titles = {normalize(t) for t in [truth["expected_title"], *truth["alt_titles"]]}
    site = normalize(truth["site_name"] or "")
    title = normalize(cited["title"] or "")
    return {
        "found": True,
        "rank": cited["rank"],
        "link": same_page(cited["url"], truth["url"]),
        "title": title in titles and not (site and title.endswith(site)),
        "date": cited["published"] in truth["accept_dates"],
        "passage": normalize(truth["question_key"]) in normalize(cited["excerpt"]),
    }


async def newsbot(*args: str, index: Path, stdin: str = "") -> str:
    """Run ``python -m bot ARGS`` (the event loop keeps serving the site meanwhile)."""
    env = {"NEWSBOT_INDEX_DIR": str(index), "NEWSBOT_ALLOW_PRIVATE_URLS": "1"}
    done = await newsbot_in_loop(*args, stdin=stdin, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"newsbot {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


async def run(pages_dir: Path) -> dict[str, Any]:
    """Serve, refresh, ask, score."""
    truths = [json.loads(line) for line in (pages_dir / "truth.jsonl").read_text().splitlines()]
    async with NewsSite() as site:
        items: list[tuple[str, str]] = []
        for truth in truths:
            raw = gzip.decompress((pages_dir / "pages" / f"{truth['file']}.gz").read_bytes())
            found = _TITLE.search(raw.decode("utf-8", "replace"))
            title = " ".join(html.unescape(found.group(1)).split()) if found else truth["file"]
            site.put_page(f"/pages/{truth['file']}", raw, content_type="text/html")
            items.append((title, site.url(f"/pages/{truth['file']}")))
        site.put_page(
            "/bench/rss.xml", rss(items[::2], site.base_url), content_type="application/rss+xml"
        )
        site.put_page(
            "/bench/atom.xml",
            atom(items[1::2], site.base_url),
            content_type="application/atom+xml",
        )
        with tempfile.TemporaryDirectory(prefix="feeds-quality-") as folder:
            index = Path(folder) / "index"
            await newsbot("ingest", "--quiet", str(ROOT / "seeds"), index=index)
            await newsbot("feeds", "add", site.url("/bench/rss.xml"), index=index)
            await newsbot("feeds", "add", site.url("/bench/atom.xml"), index=index)
            began = time.perf_counter()
            refreshed = await newsbot("refresh", index=index)
            refresh_seconds = time.perf_counter() - began
            questions = "\n".join(t["question"] for t in truths) + "\n"
            answers = [
                json.loads(line)
                for line in (
                    await newsbot("ask", "--json", "--top-k", "3", index=index, stdin=questions)
                ).splitlines()
            ]
            keys = {a.origin: s for s, a in load_index(index).articles.items()}
    per_page = {
        t["file"]: score(t, keys.get(url), a["citations"])
        for t, (_, url), a in zip(truths, items, answers, strict=True)
    }
    totals = {m: sum(1 for p in per_page.values() if p[m]) for m in METRICS}
    return {
        "pages": len(truths),
        "refresh_seconds": round(refresh_seconds, 1),
        "refresh_output": refreshed.splitlines(),
        "totals": totals,
        "shares": {m: round(totals[m] / len(truths), 3) for m in METRICS},
        "targets": TARGETS,
        "per_page": per_page,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the figures and write the result."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=Path, default=PAGES_DIR, help="the evaluation set")
    args = parser.parse_args(argv)
    if not (args.pages / "truth.jsonl").is_file():
        print(f"skipped: no evaluation set at {args.pages} (shared/data/realworld-news)")
        return 0
    started = time.perf_counter()
    results = asyncio.run(run(args.pages))
    pages = results["pages"]
    for metric in METRICS:
        print(f"{metric:<8} {results['totals'][metric]:>3}/{pages}  target {TARGETS[metric]:.0%}")
    for file, page in results["per_page"].items():
        misses = [m for m in METRICS if not page[m]]
        if misses:
            print(f"  {file}: misses {misses}")
    print(f"wrote {write_result('feeds_quality', results, quick=False, started=started)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
