"""Backing up a live index: the live generation, CURRENT, the ledger and every SQLite file.

The copy is made under the write lock, so no ingest replaces or prunes the generation while it
is copied, and SQLite files (the embedding cache, a bot's answers) are copied with SQLite's
backup API, which gives a consistent snapshot even while another process writes to them. The
result is a complete index directory: point ``--index-dir`` at it, or copy it back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import BackupError
from retrieval.files import fsync_dir, fsync_tree, write_durably
from retrieval.index.layout import (
    CURRENT,
    EMBEDDING_CACHE,
    GENERATIONS,
    SOURCES,
    current_generation,
)
from retrieval.index.lock import write_lock
from retrieval.index.verify import verify_generation

__all__ = ["Backup", "backup_index"]


@dataclass(frozen=True, slots=True)
class Backup:
    """What a backup wrote.

    Attributes:
        destination: The new index directory.
        generation: The generation it holds.
        databases: The SQLite files copied, relative to the index directory.
        skipped: SQLite files that could not be read, each with the reason (a damaged
            embedding cache is only a cache: the backup goes on without it).
    """

    destination: Path
    generation: str
    databases: tuple[str, ...]
    skipped: tuple[str, ...] = ()


def backup_index(index_dir: Path, destination: Path, *, timeout: float) -> Backup:
    """Copy the live index to ``destination``, a folder that must not exist or be empty.

    Raises:
        BackupError: When ``destination`` holds files or cannot be written.
        IndexCorruptError, IndexNotFoundError: When the live generation fails verification.
        IndexLockedError: When an ingest holds the lock for longer than ``timeout`` seconds.
    """
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise BackupError(f"{destination} already holds files: name a new or empty folder.")
    if destination.resolve() == index_dir.resolve():
        raise BackupError("The backup must go to another folder than the index itself.")
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    try:
        with write_lock(index_dir, timeout=timeout):
            live = current_generation(index_dir)
            verify_generation(live)
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(live, partial / GENERATIONS / live.name)
            write_durably(partial / CURRENT, live.name + "\n")
            if (index_dir / SOURCES).is_file():
                shutil.copyfile(index_dir / SOURCES, partial / SOURCES)
            databases, skipped = _copy_databases(index_dir, partial)
            fsync_tree(partial)
        if destination.exists():
            destination.rmdir()
        partial.rename(destination)
        fsync_dir(destination.parent)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(f"Could not write the backup to {destination}: {exc}") from exc
    return Backup(destination, live.name, tuple(databases), tuple(skipped))


def _copy_databases(index_dir: Path, target: Path) -> tuple[list[str], list[str]]:
    sources = sorted(index_dir.glob("*.sqlite"))
    cache = index_dir / EMBEDDING_CACHE
    if cache.is_file():
        sources.append(cache)
    copied, skipped = [], []
    for path in sources:
        relative = path.relative_to(index_dir)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        try:
            _sqlite_backup(path, target / relative)
        except sqlite3.Error as exc:
            (target / relative).unlink(missing_ok=True)
            skipped.append(f"{relative}: {exc}")
            continue
        copied.append(relative.as_posix())
    return copied, skipped


def _sqlite_backup(source: Path, target: Path) -> None:
    reader = sqlite3.connect(source)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()
