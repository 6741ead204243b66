"""Logging setup that keeps the bot token and other secrets out of every log line."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

__all__ = ["RedactingFilter", "configure_logging"]

_BOT_URL_TOKEN = re.compile(r"bot\d{1,20}:[A-Za-z0-9_-]+")
# Discord interaction tokens (valid 15 minutes) in callback and follow-up URLs, and in the
# gateway events that discord.py logs at DEBUG.
_INTERACTION_URL_TOKEN = re.compile(r"(/(?:webhooks|interactions)/\d{1,21}/)[A-Za-z0-9_.-]{20,}")
_EVENT_TOKEN = re.compile(r"""(['"]token['"]\s*:\s*)(['"])[^'"]+\2""")
_QUIET_LOGGERS = ("httpx", "httpcore")
"""httpx logs every request URL, token included, at INFO; keep it at WARNING."""


class RedactingFilter(logging.Filter):
    """Replace secrets, ``bot<token>`` URL parts and Discord interaction tokens in a record's
    message and traceback.

    Installed on the root handlers as a second line of defence: nothing should log a secret
    in the first place.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))

    def redact(self, text: str) -> str:
        """Return ``text`` with every secret replaced by a marker."""
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
        text = _BOT_URL_TOKEN.sub("bot<redacted>", text)
        text = _INTERACTION_URL_TOKEN.sub(r"\1<redacted>", text)
        return _EVENT_TOKEN.sub(r"\1\2<redacted>\2", text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; never drops a record."""
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(level: int, *, secrets: Iterable[str]) -> None:
    """Log to stderr at ``level`` with ``secrets`` redacted from every line.

    Args:
        level: The root log level.
        secrets: Strings that must never be written (the bot tokens, the webhook secret).
    """
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    redactor = RedactingFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
