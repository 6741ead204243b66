"""Logging setup that keeps the bot token and other secrets out of every log line."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

__all__ = ["JsonFormatter", "RedactingFilter", "configure_logging", "quiet_libraries"]

_BOT_URL_TOKEN = re.compile(r"bot\d{1,20}:[A-Za-z0-9_-]+")
# Discord interaction tokens (valid 15 minutes) in callback and follow-up URLs, and in the
# gateway events that discord.py logs at DEBUG.
_INTERACTION_URL_TOKEN = re.compile(r"(/(?:webhooks|interactions)/\d{1,21}/)[A-Za-z0-9_.-]{20,}")
_EVENT_TOKEN = re.compile(r"""(['"]token['"]\s*:\s*)(['"])[^'"]+\2""")
_QUIET_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "trafilatura": logging.CRITICAL,
}
"""httpx logs every request URL, token included, at INFO; trafilatura warns "discarding data:
None" for every page too short to be an article, which ingest already reports as skipped."""
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


def quiet_libraries() -> None:
    """Raise the level of chatty third-party loggers (see ``_QUIET_LOGGERS``)."""
    for name, level in _QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)


def configure_logging(level: int, *, secrets: Iterable[str], json_format: bool = False) -> None:
    """Log to stderr at ``level`` with ``secrets`` redacted from every line.

    Args:
        level: The root log level.
        secrets: Strings that must never be written (the bot tokens, the webhook secret).
        json_format: One JSON object per line instead of text (``NEWSBOT_LOG_FORMAT=json``).
    """
    logging.basicConfig(level=level, stream=sys.stderr, format=TEXT_FORMAT, force=True)
    quiet_libraries()
    redactor = RedactingFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
        if json_format:
            handler.setFormatter(JsonFormatter())
