"""Test support: fake chat platforms at the process boundary.

Re-exports the fake Telegram Bot API server and Telegram's HTML parse-mode rules; the fake
Discord (REST and gateway) is imported from ``tests.support.fake_discord``, whose names
(``TOKEN``, ``SentMessage``) would clash with these.
"""

from .fake_telegram import TOKEN, ApiCall, FakeTelegram, SentMessage, detect_entities
from .telegram_html import ParsedText, TelegramHTMLError, parse_telegram_html

__all__ = [
    "TOKEN",
    "ApiCall",
    "FakeTelegram",
    "ParsedText",
    "SentMessage",
    "TelegramHTMLError",
    "detect_entities",
    "parse_telegram_html",
]
