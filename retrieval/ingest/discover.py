"""Finding the files to ingest: folders walked in sorted order, links and special files refused.

Symbolic links are never followed. Every input that cannot be ingested is reported through
``skip`` with one line saying why and what to do.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")

Skip = Callable[[str, str], None]
"""Records an input that produced no article: ``skip(display_path, reason)``."""

_NOT_REGULAR = (
    (stat.S_ISFIFO, "named pipe"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISDIR, "folder"),
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A regular file found among the inputs, not read yet.

    Attributes:
        path: Where to read it.
        source: Its path relative to the folder given (its name for a file given directly).
        display: The path for the ingest report, with control characters escaped.
        origin: Its normalised absolute path: the article's identity in the index.
    """

    path: Path
    source: str
    display: str
    origin: str = ""


def absolute(given: Path) -> Path:
    """Return ``given`` as a normalised absolute path, its last part not followed if a link."""
    full = Path(os.path.abspath(given))  # noqa: PTH100 - resolve() would follow the link
    return Path(os.path.realpath(full.parent)) / full.name if full.name else full


def discover(given: Path, skip: Skip) -> Iterator[Candidate]:
    """Yield the supported regular files under ``given``; record every other input."""
    display = shown(given)
    try:
        info = given.lstat()
    except FileNotFoundError:
        skip(display, "does not exist: check the path")
        return
    except OSError as exc:
        skip(display, f"cannot be opened ({exc.strerror}): check its permissions")
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(given, skip)
        return
    reason = _reason_not_ingestible(given.name, info.st_mode)
    if reason is not None:
        skip(display, reason)
        return
    yield Candidate(path=given, source=given.name, display=display, origin=str(absolute(given)))


def shown(path: Path) -> str:
    """Return ``path`` for a one-line report: control and undecodable characters escaped."""
    return "".join(
        char if char.isprintable() and not 0xD800 <= ord(char) <= 0xDFFF else _escaped(char)
        for char in path.as_posix()
    )


def _escaped(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


def _walk(root: Path, skip: Skip) -> Iterator[Candidate]:
    """Walk ``root`` depth first in sorted order, without following symbolic links."""
    base = absolute(root)
    stack: list[tuple[Iterator[os.DirEntry[str]], Path, str]] = []
    opened = _sorted_entries(root, skip)
    if opened is not None:
        stack.append((opened, root, ""))
    while stack:
        entries, folder, prefix = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            skip(shown(path), f"cannot be opened ({exc.strerror})")
            continue
        if stat.S_ISDIR(mode) and shown(Path(entry.name)) != entry.name:
            bad_name = "folder name has control characters or is not UTF-8: rename the folder"
            skip(shown(path), bad_name)
            continue
        if stat.S_ISDIR(mode):
            opened = _sorted_entries(path, skip)
            if opened is not None:
                stack.append((opened, path, f"{prefix}{entry.name}/"))
            continue
        reason = _reason_not_ingestible(entry.name, mode)
        if reason is not None:
            skip(shown(path), reason)
            continue
        source = f"{prefix}{entry.name}"
        yield Candidate(path=path, source=source, display=shown(path), origin=str(base / source))


def _sorted_entries(folder: Path, skip: Skip) -> Iterator[os.DirEntry[str]] | None:
    """Return the folder's entries sorted by name, or None (recording a skip) if unreadable."""
    try:
        with os.scandir(folder) as found:
            return iter(sorted(found, key=lambda entry: entry.name))
    except OSError as exc:
        reason = f"folder cannot be read ({exc.strerror}): check its permissions"
        skip(shown(folder), reason)
        return None


def _reason_not_ingestible(name: str, mode: int) -> str | None:
    """Say why a non-folder entry cannot be ingested, or None when it can."""
    if stat.S_ISLNK(mode):
        return "symbolic link: not followed; pass the file it points to instead"
    if shown(Path(name)) != name:
        return "file name has control characters or is not UTF-8: rename the file"
    if not stat.S_ISREG(mode):
        kind = next((label for test, label in _NOT_REGULAR if test(mode)), "special file")
        return f"not a regular file ({kind}): pass a text, HTML or JSON file instead"
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        described = f"'{suffix}'" if suffix else "without an extension"
        return (
            f"unsupported file type {described}: save it as one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    return None
