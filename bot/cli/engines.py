"""Opening the engine for a command: one-line notes on stderr, the seeds when there is no index."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from retrieval import Engine


def notify(line: str) -> None:
    """Say on stderr what slow first-time work is happening."""
    print(f"newsbot: {line}", file=sys.stderr, flush=True)


def new_engine(settings: Settings, *, lock_timeout: float | None = None) -> Engine:
    """An engine on ``settings.index_dir`` (or the database) that loads nothing until asked.

    Raises:
        DatabaseUnavailableError: ``NEWSBOT_DATABASE_URL`` is set and the database is down.
    """
    from retrieval import Engine, PostgresEngine  # noqa: PLC0415 - keeps `--help` instant

    if settings.database_url:
        return PostgresEngine(
            settings.index_dir,
            database_url=settings.database_url,
            cache_dir=settings.cache_dir,
            device=settings.device,
            notify=notify,
            lock_timeout=lock_timeout,
        )
    return Engine(
        settings.index_dir,
        cache_dir=settings.cache_dir,
        device=settings.device,
        notify=notify,
        lock_timeout=lock_timeout,
    )


def open_engine(settings: Settings, *, build: bool = False) -> Engine:
    """Load the index; with ``build``, build it from the seeds folder first when there is none.

    Raises:
        IngestError: With ``build``, when there is no index and no seeds folder either; the
            message names the folder looked for.
    """
    from retrieval import Engine, IndexNotFoundError, IngestError, PostgresEngine  # noqa: PLC0415

    seeds = settings.seeds_dir if build else None
    try:
        if settings.database_url:
            return PostgresEngine.open(
                settings.index_dir,
                database_url=settings.database_url,
                seeds=seeds,
                cache_dir=settings.cache_dir,
                device=settings.device,
                notify=notify,
                progress=build,
            )
        return Engine.open(
            settings.index_dir,
            seeds=seeds,
            cache_dir=settings.cache_dir,
            device=settings.device,
            notify=notify,
            progress=build,
        )
    except (IngestError, IndexNotFoundError) as exc:
        if seeds is None or seeds.exists():
            raise
        raise IngestError(
            f"No index in {settings.index_dir.absolute()} and no articles to build one from: "
            f"the seeds folder {seeds.absolute()} does not exist. Run `newsbot ingest PATH` "
            "with your articles, or set NEWSBOT_SEEDS_DIR."
        ) from exc
