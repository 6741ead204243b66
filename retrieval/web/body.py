"""Response bodies: bounded decompression, charset detection and content sniffing.

Decompression never produces more than the caller's limit, however small the compressed
input (gzip and deflate bombs), and keeps at most one chunk of output beyond what it returns.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import AsyncIterator

_CHUNK_LIMIT = 64 * 1024
_SNIFF_BYTES = 4096
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_ZLIB_WBITS = zlib.MAX_WBITS
_RAW_DEFLATE_WBITS = -zlib.MAX_WBITS
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title)\b", re.IGNORECASE)
_FEED_START = re.compile(rb"<(?:rss|feed|rdf:RDF|channel)\b", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

SUPPORTED_ENCODINGS = ("gzip", "x-gzip", "deflate", "identity")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
XML_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
    | {"application/xml", "text/xml"}
)
# Types that say nothing reliable about the body: it is sniffed instead.
UNDECLARED_TYPES = frozenset({"text/plain", "application/octet-stream", "binary/octet-stream"})


class BodyTooLargeError(Exception):
    """Raised when a body would grow past the limit (internal; fetch words the message)."""


class UnsupportedEncodingError(Exception):
    """Raised for a Content-Encoding other than gzip, deflate or identity (internal)."""


class BoundedDecoder:
    """Decodes a (possibly compressed) body chunk by chunk, refusing to exceed ``max_bytes``.

    Gzip bodies made of several members are decoded member after member; deflate bodies are
    accepted with or without the zlib header, as browsers do.
    """

    def __init__(self, content_encoding: str | None, *, max_bytes: int) -> None:
        """Create a decoder for one body.

        Args:
            content_encoding: The response's Content-Encoding header, or None.
            max_bytes: The most bytes of decoded body to accept.

        Raises:
            UnsupportedEncodingError: The encoding is not one we decode.
        """
        encoding = (content_encoding or "identity").strip().lower()
        if encoding not in SUPPORTED_ENCODINGS:
            raise UnsupportedEncodingError(encoding)
        self._max_bytes = max_bytes
        self._size = 0
        self._parts: list[bytes] = []
        self._wbits: int | None = None
        if encoding in ("gzip", "x-gzip"):
            self._wbits = _GZIP_WBITS
        elif encoding == "deflate":
            self._wbits = _ZLIB_WBITS
        self._inflater = zlib.decompressobj(self._wbits) if self._wbits is not None else None
        self._started = False

    def feed(self, chunk: bytes) -> None:
        """Decode ``chunk`` and keep the output.

        Raises:
            BodyTooLargeError: The decoded body would exceed ``max_bytes``.
            zlib.error: The compressed data is corrupt.
        """
        if self._inflater is None:
            self._keep(chunk)
            return
        if not self._started and self._wbits == _ZLIB_WBITS and chunk:
            self._started = True
            if not _has_zlib_header(chunk):
                self._inflater = zlib.decompressobj(_RAW_DEFLATE_WBITS)
        data = chunk
        while data:
            room = self._max_bytes - self._size + 1
            output = self._inflater.decompress(data, min(room, _CHUNK_LIMIT))
            self._keep(output)
            if self._inflater.unconsumed_tail:
                data = self._inflater.unconsumed_tail
            elif self._inflater.eof and self._inflater.unused_data:
                # Another gzip member follows the one that just ended.
                data = self._inflater.unused_data
                self._inflater = zlib.decompressobj(self._wbits or _GZIP_WBITS)
            else:
                data = b""

    def result(self) -> bytes:
        """Return the decoded body."""
        return b"".join(self._parts)

    def _keep(self, output: bytes) -> None:
        self._size += len(output)
        if self._size > self._max_bytes:
            raise BodyTooLargeError(self._size)
        if output:
            self._parts.append(output)


async def read_limited(
    chunks: AsyncIterator[bytes],
    *,
    content_encoding: str | None,
    content_length: int | None,
    max_bytes: int,
) -> bytes:
    """Read and decode a streamed body, stopping as soon as it passes ``max_bytes``.

    Args:
        chunks: The body as it arrives (compressed, if ``content_encoding`` says so).
        content_encoding: The Content-Encoding header, or None.
        content_length: The Content-Length header, or None; too large fails before reading.
        max_bytes: The most bytes accepted, compressed or decompressed.

    Returns:
        The decoded body.

    Raises:
        BodyTooLargeError: The body, before or after decompression, passes ``max_bytes``.
        UnsupportedEncodingError: The encoding is not gzip, deflate or identity.
        zlib.error: The compressed data is corrupt.
    """
    if content_length is not None and content_length > max_bytes:
        raise BodyTooLargeError(content_length)
    decoder = BoundedDecoder(content_encoding, max_bytes=max_bytes)
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > max_bytes:
            raise BodyTooLargeError(received)
        decoder.feed(chunk)
    return decoder.result()


def detect_charset(body: bytes, declared: str | None) -> str:
    """Choose the charset to decode ``body`` with.

    A byte-order mark wins, then the charset declared in the Content-Type header, then a
    ``<meta charset>`` or XML declaration near the start; otherwise UTF-8.

    Args:
        body: The decoded (decompressed) body.
        declared: The charset parameter of the Content-Type header, or None.

    Returns:
        A Python codec name that exists.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    head = body[:_SNIFF_BYTES]
    candidates: list[str | None] = [declared]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head.lstrip())
        candidates.append(match.group(1).decode("ascii") if match else None)
    for candidate in candidates:
        codec = _known_codec(candidate)
        if codec is not None:
            return codec
    return "utf-8"


def decode_body(body: bytes, charset: str) -> str:
    """Decode ``body`` with ``charset``, replacing undecodable bytes; a BOM is dropped."""
    text = body.decode(charset, errors="replace")
    return text.removeprefix("\ufeff")


def declared_type_fits(kind: str, media_type: str | None) -> bool:
    """Return whether a response declared as ``media_type`` may hold a ``kind`` at all.

    Args:
        kind: ``"page"`` or ``"feed"``.
        media_type: The Content-Type's media type, lower case, or None when not sent.

    Returns:
        False only for types that cannot be it (an image, a PDF, JSON); HTML and XML types
        pass for both kinds (a feed URL serving HTML gets a clearer error from the parser).
    """
    del kind  # the same types may hold either; the body decides (``body_fits``)
    return media_type is None or media_type in HTML_TYPES | XML_TYPES | UNDECLARED_TYPES


def body_fits(kind: str, media_type: str | None, body: bytes) -> bool:
    """Return whether ``body`` is what ``kind`` asked for, sniffing when the type is vague.

    Args:
        kind: ``"page"`` (HTML wanted) or ``"feed"`` (RSS/Atom/RDF, or HTML to explain).
        media_type: The Content-Type's media type, lower case, or None when not sent.
        body: The decoded body.
    """
    if media_type in HTML_TYPES:
        return True
    if kind == "feed" and (media_type in XML_TYPES or looks_like_feed(body)):
        return True
    return looks_like_html(body)


def looks_like_html(body: bytes) -> bool:
    """Return whether ``body`` starts like an HTML document."""
    return _HTML_START.search(_head(body)) is not None and not looks_like_feed(body)


def looks_like_feed(body: bytes) -> bool:
    """Return whether ``body`` starts like an RSS, Atom or RDF document."""
    return _FEED_START.search(_head(body)) is not None


def _head(body: bytes) -> bytes:
    for bom, _ in _BOMS:
        if body.startswith(bom):
            return body[len(bom) : len(bom) + _SNIFF_BYTES]
    return body[:_SNIFF_BYTES]


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def _has_zlib_header(chunk: bytes) -> bool:
    if len(chunk) < 2:
        return True
    first, second = chunk[0], chunk[1]
    return first & 0x0F == 8 and (first << 8 | second) % 31 == 0
