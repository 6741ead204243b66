"""Page extraction: our ``read_page`` vs trafilatura alone vs htmldate alone on real news pages.

Run ``python -m benchmarks.page_extraction``. It reads ``shared/data/realworld-news`` (29 real
pages with ground truth; never shipped) and scores, per page:

- title: equals the expected headline or one of its alternatives (ignoring case, spacing and
  invisible characters) and does not end with the site's name;
- date: one of the accepted publication dates;
- kept: every ``must_contain`` string is in the text;
- clean: no ``must_not_contain`` string (page furniture) is in the text.

trafilatura alone is ``trafilatura.extract`` (text) and ``extract_metadata`` (title, date);
htmldate alone is ``find_date`` with its defaults, and with ``original_date=True``. Prints a
table and writes ``benchmarks/results/page_extraction.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import htmldate
import trafilatura

from benchmarks import data_dir
from benchmarks.results import write_result
from retrieval.ingest.page import read_page

PAGES_DIR = data_dir.dataset_dir(data_dir.REALWORLD)
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one method made of one page (None: the method does not give it)."""

    title: str | None
    date: str | None
    text: str | None


Method = Callable[[str, str], Extraction]


def ours(html: str, url: str) -> Extraction:
    """The product: ``retrieval.ingest.page.read_page``."""
    page = read_page(html, url=url)
    published = page.published.isoformat() if page.published else None
    return Extraction(title=page.title, date=published, text=page.text)


def trafilatura_alone(html: str, url: str) -> Extraction:
    """trafilatura's own text, title and date, default settings."""
    metadata = trafilatura.extract_metadata(html, default_url=url)
    text = trafilatura.extract(html, url=url) or ""
    return Extraction(title=metadata.title, date=metadata.date, text=text)


def htmldate_alone(html: str, url: str) -> Extraction:
    """htmldate's ``find_date`` with its defaults (dates only)."""
    return Extraction(title=None, date=htmldate.find_date(html, url=url), text=None)


def htmldate_original(html: str, url: str) -> Extraction:
    """htmldate's ``find_date`` asked for the original date (dates only)."""
    found = htmldate.find_date(html, url=url, original_date=True)
    return Extraction(title=None, date=found, text=None)


METHODS: dict[str, Method] = {
    "ours": ours,
    "trafilatura": trafilatura_alone,
    "htmldate": htmldate_alone,
    "htmldate_original": htmldate_original,
}


def normalize(text: str) -> str:
    """Casefold, NFKC, no invisible characters, single spaces, straight quotes."""
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split()).casefold()


def score_page(truth: dict[str, Any], found: Extraction) -> dict[str, Any]:
    """Score one extraction against one page's truth; None marks what was not measured."""
    result: dict[str, Any] = {"title": None, "date": None, "kept": None, "clean": None}
    if found.title is not None or found.text is not None:
        titles = {normalize(t) for t in [truth["expected_title"], *truth["alt_titles"]]}
        site = normalize(truth["site_name"] or "")
        title = normalize(found.title or "")
        result["title"] = title in titles and not (site and title.endswith(site))
    result["date"] = found.date in truth["accept_dates"]
    if found.text is not None:
        text = normalize(found.text)
        lost = [s for s in truth["must_contain"] if normalize(s) not in text]
        furniture = [s for s in truth["must_not_contain"] if normalize(s) in text]
        result.update(kept=not lost, clean=not furniture, lost=lost, furniture=furniture)
        result["found_title"] = found.title
    result["found_date"] = found.date
    return result


def run(pages_dir: Path) -> dict[str, Any]:
    """Run every method on every page; return per-page scores and totals.

    Seconds per method are recorded but not comparable: htmldate and trafilatura cache
    results that the other methods then reuse.
    """
    truths = [json.loads(line) for line in (pages_dir / "truth.jsonl").read_text().splitlines()]
    per_page: dict[str, dict[str, Any]] = {}
    seconds = dict.fromkeys(METHODS, 0.0)
    for truth in truths:
        raw = gzip.decompress((pages_dir / "pages" / f"{truth['file']}.gz").read_bytes())
        html = raw.decode("utf-8", errors="replace")
        per_page[truth["file"]] = {}
        for name, method in METHODS.items():
            began = time.perf_counter()
            found = method(html, truth["url"])
            seconds[name] += time.perf_counter() - began
            per_page[truth["file"]][name] = score_page(truth, found)
    totals = {
        name: {
            metric: sum(1 for page in per_page.values() if page[name][metric])
            for metric in ("title", "date", "kept", "clean")
            if any(page[name][metric] is not None for page in per_page.values())
        }
        for name in METHODS
    }
    return {
        "pages": len(truths),
        "totals": totals,
        # Not "seconds": write_result puts the run's own time there.
        "method_seconds": {name: round(value, 2) for name, value in seconds.items()},
        "per_page": per_page,
    }


def print_table(results: dict[str, Any]) -> None:
    """Print totals per method, then each page where ours misses something."""
    pages = results["pages"]
    print(f"{'method':<18} {'title':>9} {'date':>9} {'kept':>9} {'clean':>9}")
    for name, totals in results["totals"].items():
        cells = [
            f"{totals[m]}/{pages}" if m in totals else "-"
            for m in ("title", "date", "kept", "clean")
        ]
        print(f"{name:<18} " + " ".join(f"{c:>9}" for c in cells))
    for file, page in results["per_page"].items():
        mine = page["ours"]
        misses = [m for m in ("title", "date", "kept", "clean") if mine[m] is False]
        if misses:
            print(
                f"  ours misses {misses} on {file}: title={mine.get('found_title')!r}, "
                f"date={mine.get('found_date')}, lost={mine.get('lost')}, "
                f"furniture={mine.get('furniture')}"
            )


def _shareable(results: dict[str, Any]) -> dict[str, Any]:
    """The results without text from the pages (the evaluation set is never published)."""
    per_page = {
        file: {
            name: {
                metric: (len(value) if isinstance(value, list) else value)
                for metric, value in score.items()
                if not metric.startswith("found_")
            }
            for name, score in page.items()
        }
        for file, page in results["per_page"].items()
    }
    return {**results, "per_page": per_page}


def main() -> None:
    """Run the benchmark, print the table and write the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=Path, default=PAGES_DIR, help="the evaluation set")
    args = parser.parse_args()
    started = time.perf_counter()
    results = run(args.pages)
    print_table(results)
    path = write_result("page_extraction", _shareable(results), quick=False, started=started)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
