"""Where the evaluation data lives (``NEWSBOT_DATA_DIR``) and whether a data set is there.

The one place that reads ``NEWSBOT_DATA_DIR``. Without it the data folder is ``../shared/data``
beside the repository when that exists, else ``newsbot/data`` in the user cache folder
(``$XDG_CACHE_HOME``, default ``~/.cache``). ``make bench-data`` fills it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENT_VARIABLE = "NEWSBOT_DATA_DIR"
FETCH_COMMAND = "make bench-data"
MISSING_EXIT = 2


@dataclass(frozen=True, slots=True)
class Dataset:
    """One evaluation data set: its folder name and the files that show it is unpacked.

    Attributes:
        name: The folder under the data folder.
        title: What a message calls it.
        markers: Paths, relative to its folder, that must all exist.
    """

    name: str
    title: str
    markers: tuple[str, ...]


SCIFACT = Dataset(
    "scifact",
    "BEIR SciFact",
    ("corpus.jsonl", "queries.jsonl", "qrels/test.tsv", "qrels/train.tsv"),
)
BBC = Dataset(
    "bbc",
    "the BBC News corpus",
    ("README.TXT", "business", "entertainment", "politics", "sport", "tech"),
)
REALWORLD = Dataset("realworld-news", "the real news pages", ("truth.jsonl", "pages"))
DATASETS = {d.name: d for d in (SCIFACT, BBC, REALWORLD)}


def resolve_data_dir(environ: Mapping[str, str], root: Path = ROOT) -> Path:
    """The data folder: ``NEWSBOT_DATA_DIR``, else ``root/../shared/data``, else the user cache.

    Args:
        environ: The environment to read (``os.environ`` in use; a dict in tests).
        root: The repository folder.
    """
    configured = environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser().absolute()
    shared = root.parent / "shared" / "data"
    if shared.is_dir():
        return shared
    cache = environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(cache) if cache else Path.home() / ".cache"
    return base / "newsbot" / "data"


DATA_DIR = resolve_data_dir(os.environ)


def dataset_dir(dataset: Dataset, data_dir: Path = DATA_DIR) -> Path:
    """The folder of ``dataset`` inside ``data_dir``."""
    return data_dir / dataset.name


def missing(dataset: Dataset, data_dir: Path = DATA_DIR) -> str | None:
    """Why ``dataset`` cannot be used (what to do about it), or None when it is there."""
    folder = dataset_dir(dataset, data_dir)
    absent = [m for m in dataset.markers if not (folder / m).exists()]
    if not absent:
        return None
    if dataset is REALWORLD:
        how = "it cannot be downloaded; see benchmarks/data/README.md for where it comes from"
    else:
        how = f"run `{FETCH_COMMAND}` (or set {ENVIRONMENT_VARIABLE} to a folder that has it)"
    return f"needs {dataset.title} in {folder} (no {absent[0]} there): {how}"


class MissingDataError(FileNotFoundError):
    """Raised when a benchmark needs a data set that is not in the data folder."""


def require(dataset: Dataset, data_dir: Path = DATA_DIR) -> Path:
    """The folder of ``dataset``.

    Raises:
        MissingDataError: It is not there; the message says how to get it.
    """
    reason = missing(dataset, data_dir)
    if reason is not None:
        raise MissingDataError(reason)
    return dataset_dir(dataset, data_dir)


def exit_if_missing(benchmark: str, *datasets: Dataset, data_dir: Path = DATA_DIR) -> None:
    """For a benchmark's command line: say what is missing and how to get it, then exit 2.

    Args:
        benchmark: The benchmark's name, which starts each message.
        datasets: The data sets it reads.
        data_dir: The data folder.
    """
    reasons = [r for d in datasets if (r := missing(d, data_dir)) is not None]
    for reason in reasons:
        print(f"{benchmark}: {reason}", file=sys.stderr)
    if reasons:
        raise SystemExit(MISSING_EXIT)
