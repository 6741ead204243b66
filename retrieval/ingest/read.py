"""Reading input bytes safely: size-capped, no links followed, binary refused, text decoded."""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024
_SNIFF_BYTES = 8192
# Share of control bytes (other than tab, newline, carriage return, form feed) above which a
# file is treated as binary; real text in any 8-bit encoding has next to none.
_MAX_CONTROL_SHARE = 0.05
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c")
_UNICODE_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
_HTML_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def read_bytes(path: Path, max_bytes: int) -> bytes | str:
    """Return the file's bytes, or a reason when it cannot or must not be read whole."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return "does not exist any more (moved or deleted during the ingest): check the path"
    except PermissionError:
        return "permission denied: make the file readable (chmod +r) or remove it"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link: not followed; pass the file it points to instead"
        return f"cannot be read ({exc.strerror}): check the file"
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file: pass a text, HTML or JSON file instead"
        if info.st_size > max_bytes:
            return _too_large(info.st_size, max_bytes)
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            return f"cannot be read ({exc.strerror}): check the file"
    if len(data) > max_bytes:
        return _too_large(len(data), max_bytes)
    return data


def _too_large(size: int, max_bytes: int) -> str:
    return (
        f"too large ({_megabytes(size)} > {_megabytes(max_bytes)} limit): "
        "split it into smaller files"
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def binary_reason(data: bytes) -> str | None:
    """Say why ``data`` is not text (NUL bytes or mostly control bytes), or None."""
    if data.startswith(_UNICODE_BOMS):
        return None
    head = data[:_SNIFF_BYTES]
    if b"\x00" in data:
        return "binary file (contains NUL bytes): export the article as text, HTML or JSON"
    controls = sum((byte < 0x20 and byte not in _TEXT_CONTROLS) or byte == 0x7F for byte in head)
    if head and controls > _MAX_CONTROL_SHARE * len(head):
        return "binary file (mostly non-text bytes): export the article as text, HTML or JSON"
    return None


def decode_html(data: bytes) -> tuple[str, str | None]:
    """Decode HTML as UTF-8 when it is, else with the charset its ``<meta>`` declares."""
    text, note = decode_bytes(data)
    declared = _HTML_CHARSET.search(data[:_SNIFF_BYTES])
    if note is None or declared is None:
        return text, note
    name = declared[1].decode("ascii", errors="replace")
    try:
        return data.decode(codecs.lookup(name).name), f"not UTF-8: decoded as {name} (declared)"
    except (LookupError, UnicodeDecodeError):
        return text, note


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes: UTF-8 (with or without BOM), UTF-16/32 with BOM, cp1252, latin-1.

    Args:
        data: The raw bytes; binary content must have been rejected already.

    Returns:
        The text and a note for the ingest report when it was not UTF-8, else None.
    """
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), f"not UTF-8: decoded as {codec.upper()}"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not UTF-8: decoded as cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not UTF-8: decoded as latin-1"
