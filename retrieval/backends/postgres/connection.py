"""Connecting to PostgreSQL: a psycopg 3 pool, pgvector's binary format, redaction, retries.

The database URL is passed to libpq as given; only :func:`redact` parses it, to show it
without its password.
"""

from __future__ import annotations

import logging
import struct
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import psycopg
from psycopg.adapt import Buffer, Dumper, Loader
from psycopg.pq import Format
from psycopg_pool import ConnectionPool

from retrieval.errors import DatabaseUnavailableError

__all__ = ["Database", "is_database_url", "redact"]

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 3.0)
"""Pauses between attempts of a read that lost its connection: rides out a restart (~7 s)."""
WAIT_S = 2.0
"""How long one attempt waits for a pooled connection while the database is down."""


def is_database_url(url: str) -> bool:
    """Whether ``url`` is a PostgreSQL connection URI."""
    return urlsplit(url).scheme in ("postgresql", "postgres")


def redact(url: str) -> str:
    """``url`` with its password (in the authority or the query) replaced by ``***``."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        auth, host = netloc.rsplit("@", 1)
        if ":" in auth:
            auth = auth.split(":", 1)[0] + ":***"
        netloc = f"{auth}@{host}"
    query = urlencode(
        [(k, "***" if k.lower() == "password" else v) for k, v in parse_qsl(parts.query)],
        safe="/:*",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def unavailable(url: str, error: BaseException) -> DatabaseUnavailableError:
    """The error a user sees when the database at ``url`` cannot be used."""
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return DatabaseUnavailableError(
        f"Cannot reach the PostgreSQL database at {redact(url)} ({reason}). Check "
        "NEWSBOT_DATABASE_URL and that the server is running and accepts connections."
    )


def vector_adapters(oid: int) -> tuple[type[Dumper], type[Loader]]:
    """A dumper of float32 numpy vectors and a loader of pgvector's binary ``vector``."""

    class VectorDumper(Dumper):
        format = Format.BINARY

        def dump(self, obj: Any) -> Buffer:
            array = np.asarray(obj, dtype=">f4").reshape(-1)
            return struct.pack(">HH", len(array), 0) + array.tobytes()

    VectorDumper.oid = oid

    class VectorLoader(Loader):
        format = Format.BINARY

        def load(self, data: Buffer) -> Any:
            return np.frombuffer(bytes(data), dtype=">f4", offset=4).astype(np.float32)

    return VectorDumper, VectorLoader


class Database:
    """A connection pool on one database URL, with pgvector's types registered."""

    def __init__(self, url: str, *, max_size: int = 8, connect_timeout: float = 5.0) -> None:
        """Connect: check the server answers and prepare the schema; raises when it does not.

        Raises:
            DatabaseUnavailableError: The server refused or did not answer in time.
        """
        from retrieval.backends.postgres.schema import migrate  # noqa: PLC0415 - a cycle

        self.url = url
        self.connect_timeout = connect_timeout
        try:
            with psycopg.connect(url, connect_timeout=int(connect_timeout)) as conn:
                migrate(conn)
                info = psycopg.types.TypeInfo.fetch(conn, "vector")
        except psycopg.OperationalError as exc:
            raise unavailable(url, exc) from exc
        if info is None:  # pragma: no cover - migrate creates the extension
            raise DatabaseUnavailableError(f"pgvector is missing in {redact(url)}.")
        self.vector_oid = info.oid
        self._dumper, self._loader = vector_adapters(info.oid)
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            kwargs={"connect_timeout": int(connect_timeout)},
            configure=self._configure,
            check=ConnectionPool.check_connection,
            timeout=connect_timeout,
            reconnect_timeout=float("inf"),
            open=False,
            name="newsbot",
        )
        self.pool.open(wait=False)

    def _configure(self, conn: psycopg.Connection[Any]) -> None:
        conn.adapters.register_dumper(np.ndarray, self._dumper)
        conn.adapters.register_loader(self._dumper.oid, self._loader)

    def close(self) -> None:
        """Close every connection."""
        self.pool.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection, in a transaction committed when the block ends."""
        try:
            with self.pool.connection(timeout=WAIT_S) as conn:
                yield conn
        except psycopg.OperationalError as exc:
            raise unavailable(self.url, exc) from exc

    def retrying(self, work: Callable[[], _T], *, delays: tuple[float, ...] = RETRY_DELAYS) -> _T:
        """Run ``work`` (a read), again after a pause each time the database was unreachable.

        Raises:
            DatabaseUnavailableError: After the last attempt failed.
        """
        for delay in (*delays, None):
            try:
                return work()
            except DatabaseUnavailableError as exc:
                if delay is None:
                    raise
                _LOGGER.warning("%s; trying again in %.1f s", exc, delay)
                time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def ping(self) -> None:
        """Check that the database answers now (one round trip, no retry).

        Raises:
            DatabaseUnavailableError: When it does not.
        """
        try:
            with self.pool.connection(timeout=WAIT_S) as conn:
                conn.execute("SELECT 1")
        except psycopg.OperationalError as exc:
            raise unavailable(self.url, exc) from exc
