"""Durable file writes: fsync files and folders, write-then-rename, and file checksums.

The index writer and the ONNX export both rely on these so that a crash leaves either the old
file or the complete new one, never a torn one.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_file(path: Path) -> None:
    """Flush a file's contents to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Flush a folder's entries (new, renamed or deleted names) to disk."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(directory: Path) -> None:
    """Flush every file and folder under ``directory``, the folder itself included."""
    for path in directory.rglob("*"):
        if path.is_file():
            fsync_file(path)
    for sub in [directory, *(p for p in directory.rglob("*") if p.is_dir())]:
        fsync_dir(sub)


def write_durably(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` and fsync it (the caller renames it into place)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def replace_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that readers see the old or the new file, never part."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_durably(temporary, text)
    temporary.replace(path)
    fsync_dir(path.parent)
