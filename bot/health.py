"""The health report served at /healthz: is the index loaded and does it pass verification."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from retrieval import Engine, RetrievalError

if TYPE_CHECKING:
    from bot.frontend import FrontEnd

__all__ = ["HealthCheck", "HealthReport"]

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HealthReport:
    """One health check result: ``healthy`` selects HTTP 200 or 503; ``body`` is the JSON."""

    healthy: bool
    body: dict[str, Any]


class HealthCheck:
    """Checks the engine: loaded, statistics readable, index verified against its manifest.

    Two indexes are checked: the generation the engine loaded (its files must still match its
    manifest) and the live generation on disk, the one a restart would load (its pointer,
    manifest and files; its manifest must not have changed if it is the loaded one). File sizes
    are compared every ``verify_ttl_s`` seconds and SHA-256 checksums every
    ``checksum_ttl_s`` seconds, so that a same-size bit flip is caught too.

    ``engine`` stays None while the index is loading, which reports unhealthy. Every report
    also shows each front end's state (``frontends``) and, when Telegram runs, its ``mode``
    ("polling" or "webhook").
    """

    def __init__(
        self,
        *,
        mode: str | None = None,
        frontends: Sequence[FrontEnd] = (),
        verify_ttl_s: float = 30.0,
        checksum_ttl_s: float = 600.0,
    ) -> None:
        self.mode = mode
        self.frontends = tuple(frontends)
        self.engine: Engine | None = None
        self.verify_ttl_s = verify_ttl_s
        self.checksum_ttl_s = checksum_ttl_s
        self._verified: tuple[float, str | None] | None = None
        self._checksummed_at: float | None = None
        self._lock = asyncio.Lock()

    async def _verify(self, engine: Engine) -> str | None:
        """Return None when the index verifies, else the reason it does not."""
        async with self._lock:
            now = time.monotonic()
            fresh = self._verified is not None and now - self._verified[0] < self.verify_ttl_s
            if fresh and engine.backend == "embedded" and self._verified is not None:
                # A database is pinged at every report: one round trip, and an outage shows.
                return self._verified[1]
            checksums = (
                self._checksummed_at is None or now - self._checksummed_at >= self.checksum_ttl_s
            )
            try:
                await asyncio.to_thread(engine.verify, checksums=checksums)
                problem = None
            except RetrievalError as exc:
                _LOGGER.error("index verification failed: %s", exc)
                problem = str(exc)
            if checksums:
                self._checksummed_at = time.monotonic()
            self._verified = (time.monotonic(), problem)
            return problem

    def _common(self) -> dict[str, Any]:
        common: dict[str, Any] = {} if self.mode is None else {"mode": self.mode}
        common["frontends"] = {frontend.name: frontend.state for frontend in self.frontends}
        return common

    async def report(self) -> HealthReport:
        """Run the check (verification off the event loop) and describe the result."""
        engine = self.engine
        if engine is None:
            return HealthReport(
                healthy=False,
                body={
                    "status": "unhealthy",
                    "index_loaded": False,
                    **self._common(),
                    "error": "the index is still loading",
                },
            )
        problem = await self._verify(engine)
        try:
            stats = await asyncio.to_thread(engine.stats)
        except RetrievalError as exc:
            problem = problem or str(exc)
            return HealthReport(
                healthy=False,
                body={
                    "status": "unhealthy",
                    "index_loaded": True,
                    "backend": engine.backend,
                    **self._common(),
                    "error": problem,
                },
            )
        body: dict[str, Any] = {
            "status": "ok" if problem is None else "unhealthy",
            "index_loaded": True,
            "backend": engine.backend,
            **self._common(),
            "articles": stats.articles,
            "passages": stats.passages,
            "generation": stats.generation,
            "newest": stats.newest.isoformat() if stats.newest else None,
        }
        if problem is not None:
            body["error"] = problem
        return HealthReport(healthy=problem is None, body=body)
